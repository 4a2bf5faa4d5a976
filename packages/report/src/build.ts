import type { AnswerEntity, AnswerPair, Gold, Mode, TestSegment } from '@mmre/core';
import { MODE_NAMES, makeRedactor, modeTasks, TABLE_MODES } from '@mmre/core';
import {
  type BleuStats,
  type BootstrapResult,
  holmAdjust,
  type MatchingStats,
  type NerStats,
  pairedBootstrapAll,
  pairedRandomizationAll,
  type RandomizationResult,
} from '@mmre/metrics';
import {
  type CorpusMetricId,
  corpusMetric,
  corpusStatistic,
  corpusValues,
  namedScores,
  type SampleScore,
  scoreSample,
  sumNamedScores,
} from '@mmre/scorer';
import type { LoadedResults, ProviderSettings, ResultRow, RunInfo } from './load.js';
import { redactDeep, secretsFromEnv } from './redact.js';
import { assignSystems } from './systems.js';

/** The paper's table columns (corpus metrics of @mmre/scorer). */
export const METRICS = [
  'rouge1',
  'rouge2',
  'rougeL',
  'bleu',
  'nerF1',
  'accuracy',
] as const satisfies readonly CorpusMetricId[];
export type MetricId = (typeof METRICS)[number];

/** Column names of the paper's table (NER F1 is micro, accuracy is micro: see the note under the table). */
export const METRIC_NAMES: Readonly<Record<MetricId, string>> = Object.freeze({
  rouge1: 'ROUGE-1',
  rouge2: 'ROUGE-2',
  rougeL: 'ROUGE-L',
  bleu: 'BLEU',
  nerF1: 'NER F1',
  accuracy: 'Image–Entity Accuracy',
});

/** Which task a metric belongs to, and so which single mode a joint value is compared with. */
export const METRIC_SINGLE_MODE: Readonly<Record<MetricId, Mode>> = Object.freeze({
  rouge1: 'summary',
  rouge2: 'summary',
  rougeL: 'summary',
  bleu: 'summary',
  nerF1: 'mner',
  accuracy: 'mner',
});

export interface BuildOptions {
  /** Bootstrap resamples and randomization relabellings (default 10,000). */
  bootstrap?: number;
  /** Seed of both resampling streams (default 1). */
  seed?: number;
  /** 1 − confidence level (default 0.05). */
  alpha?: number;
  /** Porter stemmer in ROUGE (default false: rouge-score's `use_stemmer=False`, as @mmre/assertions). */
  stemmer?: boolean;
  /** Keep only rows of these providers (label or id): narrows the report to a subset of the models. */
  providers?: readonly string[];
  /**
   * Applied to every string of the report (answers, errors, settings, warnings); default: @mmre/core's
   * redactor for the keys of `process.env` (`secretsFromEnv`) and the generic key patterns.
   */
  redact?: (text: string) => string;
}

/**
 * One MRE delta of a model: joint − single of a metric on the samples answered in both modes (points),
 * Holm-adjusted across the metrics of the model's table. The fields of a paired test ({@link PairResult}),
 * its sides named.
 */
export interface DeltaRow extends Omit<PairResult, 'aValue' | 'bValue'> {
  /** The single-task mode the joint mode is compared with. */
  single: Mode;
  singleValue: number | null;
  jointValue: number | null;
}

export interface ModeSummary {
  mode: Mode;
  name: string;
  /** False when no row of the mode has an answer (every call errored): its values are not 0 but absent. */
  answered: boolean;
  /**
   * Metric → value in points (0–100), null = n/a (the mode does not do that task, or no gold for it,
   * or no answer at all: see `answered`).
   */
  metrics: Record<MetricId, number | null>;
  /** Numbers reported beside the table (points). */
  extra: {
    rougeLsum: number | null;
    nerPrecision: number | null;
    nerRecall: number | null;
    nerMacroF1: number | null;
    pairPrecision: number | null;
    pairF1: number | null;
  };
  /** Format compliance (fractions 0–1): all asked anchors, and per anchor (null: not asked). */
  compliance: { all: number | null; task1: number | null; ner: number | null; pairs: number | null };
  /** Every corpus value of @mmre/scorer, unrounded, in its own unit (fractions; BLEU 0–100), as promptfoo's derived metrics. */
  values: Record<CorpusMetricId, number | null>;
  counts: {
    /** Samples with a row for this mode (after de-duplication). */
    rows: number;
    /** Rows with an answer: the ones scored (the table is computed over these). */
    scored: number;
    /** Rows whose call errored: not scored, and their samples left out of the paired comparison. */
    errors: number;
    /** Samples in the paired set (an answer in every mode). */
    paired: number;
    /** Scored rows served from promptfoo's cache. */
    cached: number;
    /** Scored rows with a gold summary (ROUGE/BLEU denominators). */
    withSummary: number;
    /** Scored rows with at least one gold pair. */
    withPairs: number;
    /** Scored rows whose answer was cut at the token limit (`finish_reason: length`). */
    truncated: number;
  };
  provider: ProviderSettings | null;
  /** Settings from the prompt entry's `config` (e.g. the PFA image settings), when any. */
  promptSettings: Record<string, unknown>;
}

/** One mode's answer to one sample, as the report and the HTML show it (a view of its SampleScore). */
export interface ModeSample {
  /** Raw model output ('' when the call errored). */
  output: string;
  error: string | null;
  cached: boolean;
  /** What the PFA parser read. */
  summary: string | null;
  entities: AnswerEntity[];
  pairs: AnswerPair[];
  /** Format compliance of each anchor the mode asked for (absent: not asked). */
  compliance: { task1?: boolean; ner?: boolean; pairs?: boolean };
  /** Every asked anchor compliant. */
  compliant: boolean;
  /** Parser diagnostic codes. */
  diagnostics: string[];
  /** ROUGE F-measures (fractions), when the row is scored on Task 1. */
  rouge: { rouge1: number; rouge2: number; rougeL: number; rougeLsum: number } | null;
  /** sacreBLEU statistics of the summary (same condition as `rouge`). */
  bleu: BleuStats | null;
  /** NER counts and per-sample P/R/F1, when the mode asked for Task 2. */
  ner: NerStats | null;
  /** Image–entity matching counts, when the mode asked for Task 2. `accuracy` null without gold pairs. */
  matching: MatchingStats | null;
}

/** What one model answered for one sample, and its joint − single deltas. */
export interface SampleSystem {
  modes: Partial<Record<Mode, ModeSample>>;
  /** Per-sample joint − single deltas in points; null when a side is missing, errored or undefined. */
  deltas: { rougeL: number | null; nerF1: number | null; accuracy: number | null };
}

export interface SampleReport {
  id: string;
  split: string | null;
  text: string;
  /** Absolute path of the main image, as in the test vars. */
  image: string;
  segments: TestSegment[];
  gold: Gold;
  /** System key → what that model answered (only models with a row for this sample). */
  systems: Record<string, SampleSystem>;
}

/** One model of the report: the paper's table and its MRE deltas. */
export interface SystemReport {
  /** The model's name: its provider label (id when unlabelled), `a + b + c` for a checkpoint per mode. */
  key: string;
  /** The provider that answered each mode (the same one, or one checkpoint per mode). */
  members: Partial<Record<Mode, string>>;
  modes: Mode[];
  table: ModeSummary[];
  deltas: DeltaRow[];
  /** Samples with an answer in every mode of this model (the paired set of its deltas). */
  pairedSamples: number;
}

/** One paired test of a table: a metric of two sides on the same samples (values and a − b in points). */
export interface PairResult {
  metric: MetricId;
  aValue: number | null;
  bValue: number | null;
  delta: number | null;
  /** (1 − alpha) paired bootstrap percentile interval of the delta. */
  low: number | null;
  high: number | null;
  /** Two-sided paired approximate-randomization p-value. */
  pValue: number | null;
  /** Holm-adjusted across the metrics of the table. */
  pHolm: number | null;
  /** Paired samples the metric is computed on. */
  n: number;
  /** Bootstrap resamples where both values were defined. */
  valid: number;
}

/** Model against model: one mode, one metric, on the samples both answered (a − b, points); Holm across the (a, b, mode) table. */
export interface ComparisonRow extends PairResult {
  a: string;
  b: string;
  mode: Mode;
}

/** Two models that answered different sample sets in a mode; their comparison uses the intersection. */
export interface CoverageNote {
  a: string;
  b: string;
  mode: Mode;
  both: number;
  onlyA: number;
  onlyB: number;
  /** A few ids answered by one model only. */
  examplesA: string[];
  examplesB: string[];
}

export interface Report {
  format: 'mmre-report';
  version: 3;
  /** Table values and deltas are in points: fraction × 100 (BLEU is sacrebleu's 0–100 score). */
  unit: 'points';
  options: { bootstrap: number; seed: number; alpha: number; stemmer: boolean; providers: string[] };
  /** Every mode present in any model, in table order. */
  modes: Mode[];
  /** One entry per model, by key. */
  systems: SystemReport[];
  /** Model against model, per mode and metric (empty with one model). */
  comparisons: ComparisonRow[];
  coverage: CoverageNote[];
  runs: RunInfo[];
  warnings: string[];
  /** Every sample with a row in any mode of any model, in id order (natural sort). */
  samples: SampleReport[];
}

const ID_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
const byPlace = (a: ResultRow, b: ResultRow) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.index - b.index);

type Named = Record<string, number>;

/** A scored row: its SampleScore and named scores, computed once. */
interface Scored {
  row: ResultRow;
  score: SampleScore | null;
  named: Named | null;
}

/** The provider filter (`--provider`): rows of the named providers only. */
function filterProviders(loaded: LoadedResults, options: BuildOptions): ResultRow[] {
  const wanted = options.providers ?? [];
  if (wanted.length === 0) return loaded.rows;
  const rows = loaded.rows.filter((r) => wanted.includes(r.provider) || wanted.includes(r.providerId));
  if (rows.length === 0)
    throw new Error(
      `no result row comes from provider ${wanted.join(', ')}; providers in the files: ${[
        ...new Set(loaded.rows.map((r) => r.provider)),
      ].join(', ')}`,
    );
  return rows;
}

/**
 * One row per (model, mode, sample): an answer is preferred over an error, and among answers the
 * first by (file name, row); answers that differ are named in a warning with their files. The choice
 * does not depend on the order the files were given in.
 */
function selectRows(rows: readonly ResultRow[], systemOf: Map<ResultRow, string>, warnings: string[]): ResultRow[] {
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const k = `${systemOf.get(r)}\u0000${r.mode}\u0000${r.id}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const chosen: ResultRow[] = [];
  let repeats = 0;
  let replacedErrors = 0;
  let conflicts = 0;
  const conflictNotes: string[] = [];
  for (const g of groups.values()) {
    g.sort(byPlace);
    const answered = g.filter((r) => r.error === null);
    const pick = answered[0] ?? (g[0] as ResultRow);
    chosen.push(pick);
    if (g.length > 1) repeats += g.length - 1;
    if (answered.length > 0 && answered.length < g.length) replacedErrors++;
    const differing = answered.filter((r) => r.output !== pick.output);
    if (differing.length > 0) {
      conflicts++;
      if (conflictNotes.length < 5)
        conflictNotes.push(
          `${systemOf.get(pick)} ${pick.mode} ${pick.id}: ${[pick, ...differing].map((r) => `${r.file}[${r.index}]`).join(' vs ')}`,
        );
    }
  }
  if (repeats > 0)
    warnings.push(
      `${repeats} repeated result row(s) (same model, sample id and mode: overlapping shards or reruns); kept one per sample and mode: ` +
        `an answer before an error (${replacedErrors} errored row(s) replaced by an answer from another file), then the first by file name and row`,
    );
  if (conflicts > 0)
    warnings.push(
      `${conflicts} sample(s) have different answers in different files for the same model and mode (${conflictNotes.join('; ')}${conflicts > conflictNotes.length ? '; …' : ''}); the first by file name and row was used`,
    );
  return chosen;
}

function modeSample(s: Scored): ModeSample {
  const { row, score } = s;
  if (!score)
    return {
      output: row.output ?? '',
      error: row.error,
      cached: row.cached,
      summary: null,
      entities: [],
      pairs: [],
      compliance: {},
      compliant: false,
      diagnostics: [],
      rouge: null,
      bleu: null,
      ner: null,
      matching: null,
    };
  const compliance: ModeSample['compliance'] = {};
  if (score.format.task1 !== undefined) compliance.task1 = score.format.task1;
  if (score.format.ner !== undefined) compliance.ner = score.format.ner;
  if (score.format.pairs !== undefined) compliance.pairs = score.format.pairs;
  const r = score.summary?.rouge;
  return {
    output: row.output ?? '',
    error: null,
    cached: row.cached,
    summary: score.answer.summary,
    entities: score.answer.entities,
    pairs: score.answer.pairs,
    compliance,
    compliant: score.format.ok,
    diagnostics: score.format.diagnostics,
    rouge: r
      ? {
          rouge1: r.rouge1.fmeasure,
          rouge2: r.rouge2.fmeasure,
          rougeL: r.rougeL.fmeasure,
          rougeLsum: r.rougeLsum.fmeasure,
        }
      : null,
    bleu: score.summary?.bleu ?? null,
    ner: score.ner,
    matching: score.matching,
  };
}

/** Compares the decoded vars of one sample across modes and models, so a shard from another dataset is noticed. */
function sameSample(a: ResultRow, b: ResultRow): boolean {
  return a.vars.text === b.vars.text && JSON.stringify(a.vars.gold) === JSON.stringify(b.vars.gold);
}

const points = (metric: CorpusMetricId, v: number | null) => (v === null ? null : v * corpusMetric(metric).scale);

/** One paired test: a metric over aligned rows of two sides (joint vs single, or model vs model). */
interface PairPlan {
  metric: MetricId;
  a: Named[];
  b: Named[];
  /** The rows' sample ids. */
  ids: string[];
  /** Which two row sets the sides come from: plans of the same sources and ids are resampled together. */
  source: string;
}

/** Aligned named scores of two sides on the ids both answered where the metric is defined on both. */
function pairPlan(
  metric: MetricId,
  ids: readonly string[],
  a: Map<string, Scored>,
  b: Map<string, Scored>,
  source: string,
): PairPlan {
  const count = corpusMetric(metric).count;
  const plan: PairPlan = { metric, a: [], b: [], ids: [], source };
  for (const id of ids) {
    const x = a.get(id)?.named;
    const y = b.get(id)?.named;
    if (!x || !y || !x[count] || !y[count]) continue;
    plan.a.push(x);
    plan.b.push(y);
    plan.ids.push(id);
  }
  return plan;
}

/**
 * The paired tests of one table: values of both sides, a − b with its paired bootstrap percentile CI
 * and paired approximate-randomization p-value, and Holm's adjustment across the table's metrics.
 * Metrics over the same rows are resampled together: the same draws as one by one (so the same
 * numbers), one pass instead of one per metric.
 */
function pairedTable(
  plans: readonly PairPlan[],
  opts: { bootstrap: number; seed: number; alpha: number },
): PairResult[] {
  const groups = new Map<string, PairPlan[]>();
  for (const p of plans) {
    if (!p.a.length) continue;
    const k = `${p.source}\u0001${p.ids.join('\u0000')}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const stats = new Map<PairPlan, { bs: BootstrapResult; rt: RandomizationResult }>();
  for (const group of groups.values()) {
    const { a, b } = group[0] as PairPlan;
    const st = group.map((p) => corpusStatistic(p.metric));
    const bs = pairedBootstrapAll(a, b, st, { iterations: opts.bootstrap, seed: opts.seed, alpha: opts.alpha });
    const rt = pairedRandomizationAll(a, b, st, { iterations: opts.bootstrap, seed: opts.seed + 1 });
    group.forEach((p, i) => {
      stats.set(p, { bs: bs[i] as BootstrapResult, rt: rt[i] as RandomizationResult });
    });
  }
  const rows = plans.map((p): PairResult => {
    const scale = corpusMetric(p.metric).scale;
    const pts = (v: number | null) => (v === null ? null : v * scale);
    const aValue = p.a.length ? points(p.metric, corpusValues(sumNamedScores(p.a))[p.metric]) : null;
    const bValue = p.b.length ? points(p.metric, corpusValues(sumNamedScores(p.b))[p.metric]) : null;
    const r = stats.get(p);
    if (!r)
      return {
        metric: p.metric,
        aValue,
        bValue,
        delta: null,
        low: null,
        high: null,
        pValue: null,
        pHolm: null,
        n: 0,
        valid: 0,
      };
    return {
      metric: p.metric,
      aValue,
      bValue,
      delta: pts(r.bs.delta),
      low: pts(r.bs.low),
      high: pts(r.bs.high),
      pValue: r.rt.pValue,
      pHolm: null,
      n: p.a.length,
      valid: r.bs.valid,
    };
  });
  const holm = holmAdjust(rows.map((r) => r.pValue));
  rows.forEach((r, i) => {
    r.pHolm = holm[i] ?? null;
  });
  return rows;
}

/** The metrics a mode is scored on (the table's columns it fills). */
const modeMetrics = (mode: Mode): MetricId[] =>
  METRICS.filter((m) => (METRIC_SINGLE_MODE[m] === 'summary' ? modeTasks(mode).task1 : modeTasks(mode).task2));

/** The rows of one model, scored, by mode and sample id. */
type SystemRows = Map<Mode, Map<string, Scored>>;

const answeredIds = (rows: Map<string, Scored> | undefined): string[] =>
  rows ? [...rows.values()].filter((s) => s.score).map((s) => s.row.id) : [];

function modeSummary(
  mode: Mode,
  rows: Map<string, Scored>,
  paired: ReadonlySet<string>,
  provider: ProviderSettings | null,
): ModeSummary {
  const all = [...rows.values()];
  const answered = all.filter((s) => s.named);
  const ids = answered.map((s) => s.row.id).sort(ID_ORDER.compare);
  // Sums in id order: the same numbers whatever the order of files and rows.
  const values = corpusValues(sumNamedScores(ids.map((id) => rows.get(id)?.named as Named)));
  const metrics = {} as Record<MetricId, number | null>;
  for (const m of METRICS) metrics[m] = points(m, values[m]);
  const t = modeTasks(mode);
  return {
    mode,
    name: MODE_NAMES[mode],
    answered: answered.length > 0,
    metrics,
    extra: {
      rougeLsum: points('rougeLsum', values.rougeLsum),
      nerPrecision: points('nerPrecision', values.nerPrecision),
      nerRecall: points('nerRecall', values.nerRecall),
      nerMacroF1: points('nerMacroF1', values.nerMacroF1),
      pairPrecision: points('pairPrecision', values.pairPrecision),
      pairF1: points('pairF1', values.pairF1),
    },
    compliance: {
      all: values.formatOk,
      task1: t.task1 ? values.formatTask1 : null,
      ner: t.task2 ? values.formatNer : null,
      pairs: t.task2 ? values.formatPairs : null,
    },
    values,
    counts: {
      rows: all.length,
      scored: answered.length,
      errors: all.length - answered.length,
      paired: all.filter((s) => paired.has(s.row.id)).length,
      cached: answered.filter((s) => s.row.cached).length,
      withSummary: answered.filter((s) => s.score?.summary).length,
      withPairs: answered.filter((s) => (s.score?.matching?.gold ?? 0) > 0).length,
      truncated: answered.filter((s) => s.row.truncated).length,
    },
    provider,
    promptSettings: all[0]?.row.promptSettings ?? {},
  };
}

/**
 * Builds the report. Rows are assigned to models (`assignSystems`: a provider label, split when its
 * rows disagree on the model or its settings, or one checkpoint per mode), then one row is kept per
 * (model, mode, sample). Each kept row with an answer is scored once with `scoreSample` of
 * @mmre/scorer (the assertions' scorer); per model and mode, the corpus values come from the sums of
 * its rows' named scores (`corpusValues`, the function behind promptfoo's derived metrics). Per model,
 * the joint − single deltas are computed on the samples it answered in every mode; between models, the
 * differences per mode on the samples both answered. Each comes with a paired bootstrap CI, a paired
 * approximate-randomization p-value and Holm's adjustment across the metrics of its table. Rows whose
 * call errored are counted, not scored.
 */
export function buildReport(input: LoadedResults | readonly ResultRow[], options: BuildOptions = {}): Report {
  const loaded: LoadedResults = Array.isArray(input)
    ? { rows: [...(input as ResultRow[])], runs: [], warnings: [] }
    : (input as LoadedResults);
  const bootstrap = options.bootstrap ?? 10_000;
  const seed = options.seed ?? 1;
  const alpha = options.alpha ?? 0.05;
  const stemmer = options.stemmer ?? false;
  if (!Number.isInteger(bootstrap) || bootstrap < 1)
    throw new RangeError(`--bootstrap must be a positive integer, got ${bootstrap}`);
  if (!Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got ${seed}`);
  const warnings = [...loaded.warnings];
  const rows = filterProviders(loaded, options);
  if (rows.length === 0) {
    const shown = loaded.warnings.slice(0, 3).map((w) => `\n  ${w}`);
    throw new Error(
      loaded.warnings.length > 0
        ? `no usable M-MRE result row; the rows were skipped for these reasons (${loaded.warnings.length} in all):${shown.join('')}`
        : 'no usable M-MRE result row: the files hold no rows',
    );
  }
  const assignment = assignSystems(rows, loaded.runs);
  warnings.push(...assignment.warnings);
  const chosen = selectRows(rows, assignment.systemOf, warnings);

  // Score every answered row once.
  const bySystem = new Map<string, SystemRows>();
  for (const row of chosen) {
    const key = assignment.systemOf.get(row) as string;
    const score = row.error === null ? scoreSample(row.mode, row.output ?? '', row.vars.gold, { stemmer }) : null;
    const sys = bySystem.get(key) ?? new Map<Mode, Map<string, Scored>>();
    const m = sys.get(row.mode) ?? new Map<string, Scored>();
    m.set(row.id, { row, score, named: score ? namedScores(score) : null });
    sys.set(row.mode, m);
    bySystem.set(key, sys);
  }
  const plans = assignment.systems.filter((s) => bySystem.has(s.key));
  const many = plans.length > 1;
  const providerOf = (row: ResultRow | undefined): ProviderSettings | null => {
    if (!row) return null;
    for (const run of loaded.runs) {
      if (run.file !== row.file) continue;
      const p =
        run.providers.find((x) => x.key === row.provider) ??
        run.providers.find((x) => x.id === row.providerId && x.label === null);
      if (p) return p;
    }
    const model = typeof row.responseMetadata.model === 'string' ? row.responseMetadata.model : null;
    return { key: row.provider, id: row.providerId, label: null, model, settings: {}, source: 'rows' };
  };

  const systems: SystemReport[] = plans.map((plan) => {
    const sys = bySystem.get(plan.key) as SystemRows;
    const modes = TABLE_MODES.filter((m) => sys.has(m));
    const rowsOf = (mode: Mode) => sys.get(mode) as Map<string, Scored>;
    const allIds = [...new Set(modes.flatMap((m) => [...rowsOf(m).keys()]))].sort(ID_ORDER.compare);
    const paired = allIds.filter((id) => modes.every((m) => rowsOf(m).get(id)?.score));
    const name = many ? `${plan.key}: ` : '';
    if (paired.length < allIds.length)
      warnings.push(
        `${name}${paired.length} of ${allIds.length} samples have an answer in every mode (${modes
          .map((m) => {
            const list = [...rowsOf(m).values()];
            return `${m}: ${list.filter((s) => s.score).length} answered, ${list.filter((s) => !s.score).length} errored`;
          })
          .join('; ')}); the deltas use those ${paired.length}, each mode's table all its answered rows`,
      );
    const pairedSet = new Set(paired);
    const table = modes.map((mode) =>
      modeSummary(mode, rowsOf(mode), pairedSet, providerOf(rowsOf(mode).values().next().value?.row)),
    );
    for (const t of table)
      if (!t.answered)
        warnings.push(
          `${name}${t.name}: none of its ${t.counts.rows} rows has an answer (every call errored); its scores are shown as "no answer"`,
        );
    const deltas: DeltaRow[] = [];
    if (modes.includes('joint')) {
      const metrics = METRICS.filter((metric) => modes.includes(METRIC_SINGLE_MODE[metric]));
      const results = pairedTable(
        metrics.map((metric) =>
          pairPlan(metric, paired, rowsOf('joint'), rowsOf(METRIC_SINGLE_MODE[metric]), METRIC_SINGLE_MODE[metric]),
        ),
        { bootstrap, seed, alpha },
      );
      for (const r of results)
        deltas.push({
          metric: r.metric,
          single: METRIC_SINGLE_MODE[r.metric],
          singleValue: r.bValue,
          jointValue: r.aValue,
          delta: r.delta,
          low: r.low,
          high: r.high,
          pValue: r.pValue,
          pHolm: r.pHolm,
          n: r.n,
          valid: r.valid,
        });
    }
    return { key: plan.key, members: plan.members, modes, table, deltas, pairedSamples: paired.length };
  });

  // Model against model: every pair, every mode both answered, on the samples both answered.
  const comparisons: ComparisonRow[] = [];
  const coverage: CoverageNote[] = [];
  for (let i = 0; i < systems.length; i++)
    for (let j = i + 1; j < systems.length; j++) {
      const A = systems[i] as SystemReport;
      const B = systems[j] as SystemReport;
      const ra = bySystem.get(A.key) as SystemRows;
      const rb = bySystem.get(B.key) as SystemRows;
      for (const mode of TABLE_MODES) {
        if (!ra.has(mode) || !rb.has(mode)) continue;
        const ia = answeredIds(ra.get(mode));
        const ib = new Set(answeredIds(rb.get(mode)));
        const both = ia.filter((id) => ib.has(id)).sort(ID_ORDER.compare);
        const sa = new Set(ia);
        const onlyA = ia.filter((id) => !ib.has(id)).sort(ID_ORDER.compare);
        const onlyB = [...ib].filter((id) => !sa.has(id)).sort(ID_ORDER.compare);
        if (onlyA.length || onlyB.length) {
          coverage.push({
            a: A.key,
            b: B.key,
            mode,
            both: both.length,
            onlyA: onlyA.length,
            onlyB: onlyB.length,
            examplesA: onlyA.slice(0, 5),
            examplesB: onlyB.slice(0, 5),
          });
          warnings.push(
            `${A.key} and ${B.key} answered different samples in ${MODE_NAMES[mode]}: ${both.length} by both, ` +
              `${onlyA.length} by ${A.key} only${onlyA.length ? ` (${onlyA.slice(0, 3).join(', ')}${onlyA.length > 3 ? ', …' : ''})` : ''}, ` +
              `${onlyB.length} by ${B.key} only${onlyB.length ? ` (${onlyB.slice(0, 3).join(', ')}${onlyB.length > 3 ? ', …' : ''})` : ''}; ` +
              `their comparison uses the ${both.length} in both`,
          );
        }
        const results = pairedTable(
          modeMetrics(mode).map((metric) =>
            pairPlan(metric, both, ra.get(mode) as Map<string, Scored>, rb.get(mode) as Map<string, Scored>, mode),
          ),
          { bootstrap, seed, alpha },
        );
        for (const r of results) comparisons.push({ a: A.key, b: B.key, mode, ...r });
      }
    }

  // Samples: every id with a row in any model, its gold from the first row found.
  const allIds = [
    ...new Set([...bySystem.values()].flatMap((sys) => [...sys.values()].flatMap((m) => [...m.keys()]))),
  ].sort(ID_ORDER.compare);
  let mismatched = 0;
  const samples: SampleReport[] = allIds.map((id) => {
    let base: ResultRow | undefined;
    let differs = false;
    const bySys: Record<string, SampleSystem> = {};
    for (const sys of systems) {
      const rowsOf = bySystem.get(sys.key) as SystemRows;
      const entries = sys.modes.map((m) => rowsOf.get(m)?.get(id)).filter((s): s is Scored => s !== undefined);
      if (entries.length === 0) continue;
      const one: SampleSystem = { modes: {}, deltas: { rougeL: null, nerF1: null, accuracy: null } };
      for (const s of entries) {
        base ??= s.row;
        if (!sameSample(base, s.row)) differs = true;
        one.modes[s.row.mode] = modeSample(s);
      }
      const j = one.modes.joint;
      const su = one.modes.summary;
      const mn = one.modes.mner;
      if (j?.rouge && su?.rouge) one.deltas.rougeL = (j.rouge.rougeL - su.rouge.rougeL) * 100;
      if (j?.ner && mn?.ner) one.deltas.nerF1 = (j.ner.f1 - mn.ner.f1) * 100;
      if (j?.matching?.accuracy != null && mn?.matching?.accuracy != null)
        one.deltas.accuracy = (j.matching.accuracy - mn.matching.accuracy) * 100;
      bySys[sys.key] = one;
    }
    if (differs) mismatched++;
    const b = base as ResultRow;
    return {
      id,
      split: b.vars.split ?? null,
      text: b.vars.text,
      image: b.vars.image,
      segments: b.vars.segments ?? [],
      gold: b.vars.gold,
      systems: bySys,
    };
  });
  if (mismatched > 0)
    warnings.push(
      `${mismatched} sample id(s) have a different text or gold in different modes or models: the files come from different datasets or versions; the first row's gold is shown`,
    );

  const redact =
    options.redact ??
    makeRedactor(
      secretsFromEnv(
        process.env,
        loaded.runs.flatMap((r) => r.keyEnvs),
      ),
    );
  return redactDeep<Report>(
    {
      format: 'mmre-report',
      version: 3,
      unit: 'points',
      options: { bootstrap, seed, alpha, stemmer, providers: [...(options.providers ?? [])] },
      modes: TABLE_MODES.filter((m) => systems.some((s) => s.modes.includes(m))),
      systems,
      comparisons,
      coverage,
      runs: loaded.runs,
      warnings,
      samples,
    },
    redact,
  );
}
