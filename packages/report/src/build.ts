import type { AnswerEntity, AnswerPair, Gold, Mode, TestSegment } from '@mmre/core';
import { MODE_NAMES, modeTasks, TABLE_MODES } from '@mmre/core';
import {
  type BleuStats,
  type BootstrapResult,
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

/** Table order: Single TS, Single MNER, M-MRE (joint). */
export const REPORT_MODES: readonly Mode[] = TABLE_MODES;

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
  /** Keep only rows of these providers (label or id); needed when a mode has several providers. */
  providers?: readonly string[];
}

export interface DeltaRow {
  metric: MetricId;
  /** The single-task mode the joint mode is compared with. */
  single: Mode;
  singleValue: number | null;
  jointValue: number | null;
  /** joint − single, in points. */
  delta: number | null;
  /** (1 − alpha) paired bootstrap percentile interval of the delta. */
  low: number | null;
  high: number | null;
  /** Two-sided paired approximate-randomization p-value. */
  pValue: number | null;
  /** Paired samples the metric is computed on. */
  n: number;
  /** Bootstrap resamples where both values were defined. */
  valid: number;
}

export interface ModeSummary {
  mode: Mode;
  name: string;
  /** Metric → value in points (0–100), null = n/a (the mode does not do that task, or no gold for it). */
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

export interface SampleReport {
  id: string;
  split: string | null;
  text: string;
  /** Absolute path of the main image, as in the test vars. */
  image: string;
  segments: TestSegment[];
  gold: Gold;
  modes: Partial<Record<Mode, ModeSample>>;
  /** Per-sample joint − single deltas in points; null when a side is missing, errored or undefined. */
  deltas: { rougeL: number | null; nerF1: number | null; accuracy: number | null };
}

export interface Report {
  format: 'mmre-report';
  version: 2;
  /** Table values and deltas are in points: fraction × 100 (BLEU is sacrebleu's 0–100 score). */
  unit: 'points';
  options: { bootstrap: number; seed: number; alpha: number; stemmer: boolean; providers: string[] };
  modes: Mode[];
  table: ModeSummary[];
  deltas: DeltaRow[];
  /** Number of samples with an answer in every mode (the paired set of the deltas). */
  pairedSamples: number;
  runs: RunInfo[];
  warnings: string[];
  /** Every sample with a row in any mode, in id order (natural sort). */
  samples: SampleReport[];
}

const ID_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
const byPlace = (a: ResultRow, b: ResultRow) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.index - b.index);

/** A scored row: its SampleScore and named scores, computed once. */
interface Scored {
  row: ResultRow;
  score: SampleScore | null;
  named: Record<string, number> | null;
}

/**
 * Chooses the rows: provider filter, one provider per mode, and one row per (mode, sample): an
 * answer is preferred over an error, and among rows of the same kind the first by (file, row) wins,
 * so the choice does not depend on the order the files were given in.
 */
function selectRows(loaded: LoadedResults, options: BuildOptions, warnings: string[]): Map<string, ResultRow> {
  let rows = loaded.rows;
  const wanted = options.providers ?? [];
  if (wanted.length > 0) {
    rows = rows.filter((r) => wanted.includes(r.provider) || wanted.includes(r.providerId));
    if (rows.length === 0)
      throw new Error(
        `no result row comes from provider ${wanted.join(', ')}; providers in the files: ${[
          ...new Set(loaded.rows.map((r) => r.provider)),
        ].join(', ')}`,
      );
  }
  const providersByMode = new Map<Mode, Set<string>>();
  for (const r of rows) {
    const set = providersByMode.get(r.mode) ?? new Set<string>();
    set.add(r.provider);
    providersByMode.set(r.mode, set);
  }
  for (const [mode, set] of providersByMode)
    if (set.size > 1)
      throw new Error(
        `mode ${mode} (${MODE_NAMES[mode]}) has results from ${set.size} providers (${[...set].join(', ')}); ` +
          'a paired comparison needs one per mode: pass --provider <label> (repeatable) to choose',
      );
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const k = `${r.mode}\u0000${r.id}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const chosen = new Map<string, ResultRow>();
  let repeats = 0;
  let conflicts = 0;
  const conflictNotes: string[] = [];
  for (const [k, g] of groups) {
    g.sort(byPlace);
    const answered = g.filter((r) => r.error === null);
    const pick = answered[0] ?? (g[0] as ResultRow);
    chosen.set(k, pick);
    if (g.length > 1) repeats += g.length - 1;
    const differing = answered.filter((r) => r.output !== pick.output);
    if (differing.length > 0) {
      conflicts++;
      if (conflictNotes.length < 5)
        conflictNotes.push(
          `${pick.mode} ${pick.id}: ${[pick, ...differing].map((r) => `${r.file}[${r.index}]`).join(' vs ')}`,
        );
    }
  }
  if (repeats > 0)
    warnings.push(
      `${repeats} repeated result row(s) (same sample id and mode: overlapping shards or reruns); kept one per sample and mode, an answer before an error`,
    );
  if (conflicts > 0)
    warnings.push(
      `${conflicts} sample(s) have different answers in different files for the same mode (${conflictNotes.join('; ')}${conflicts > conflictNotes.length ? '; …' : ''}); the first by file name and row was used`,
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

/** Compares the decoded vars of one sample across modes, so a shard from another dataset is noticed. */
function sameSample(a: ResultRow, b: ResultRow): boolean {
  return a.vars.text === b.vars.text && JSON.stringify(a.vars.gold) === JSON.stringify(b.vars.gold);
}

const points = (metric: CorpusMetricId, v: number | null) => (v === null ? null : v * corpusMetric(metric).scale);

/**
 * Builds the report. Each answered row is scored once with `scoreSample` of @mmre/scorer (the
 * assertions' scorer); per mode, the corpus values come from the sums of its rows' named scores
 * (`corpusValues`, the function behind promptfoo's derived metrics), over every answered row of the
 * mode. The joint − single deltas are computed on the samples answered in both modes, with a paired
 * bootstrap CI and a paired approximate-randomization p-value that resample the same named-score
 * vectors. Rows whose call errored are counted, not scored.
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
  const chosen = selectRows(loaded, options, warnings);

  // Score every answered row once.
  const byMode = new Map<Mode, Map<string, Scored>>();
  for (const row of chosen.values()) {
    const score = row.error === null ? scoreSample(row.mode, row.output ?? '', row.vars.gold, { stemmer }) : null;
    const m = byMode.get(row.mode) ?? new Map<string, Scored>();
    m.set(row.id, { row, score, named: score ? namedScores(score) : null });
    byMode.set(row.mode, m);
  }
  const modes = REPORT_MODES.filter((m) => byMode.has(m));
  if (modes.length === 0)
    throw new Error(
      loaded.warnings.length > 0
        ? 'no usable M-MRE result row (see the warnings above)'
        : 'no usable M-MRE result row: the files hold no rows',
    );
  const rowsOf = (mode: Mode) => byMode.get(mode) as Map<string, Scored>;
  const allIds = [...new Set(modes.flatMap((m) => [...rowsOf(m).keys()]))].sort(ID_ORDER.compare);
  const paired = allIds.filter((id) => modes.every((m) => rowsOf(m).get(id)?.score));
  const unanswered = allIds.length - paired.length;
  if (unanswered > 0)
    warnings.push(
      `${paired.length} of ${allIds.length} samples have an answer in every mode (${modes
        .map(
          (m) =>
            `${m}: ${[...rowsOf(m).values()].filter((s) => s.score).length} answered, ${[...rowsOf(m).values()].filter((s) => !s.score).length} errored`,
        )
        .join('; ')}); the deltas use those ${paired.length}, each mode's table all its answered rows`,
    );

  let mismatched = 0;
  const samples: SampleReport[] = allIds.map((id) => {
    const entries = modes.map((m) => rowsOf(m).get(id)).filter((s): s is Scored => s !== undefined);
    const base = (entries[0] as Scored).row;
    if (entries.some((s) => !sameSample(base, s.row))) mismatched++;
    const sample: SampleReport = {
      id,
      split: base.vars.split ?? null,
      text: base.vars.text,
      image: base.vars.image,
      segments: base.vars.segments ?? [],
      gold: base.vars.gold,
      modes: {},
      deltas: { rougeL: null, nerF1: null, accuracy: null },
    };
    for (const s of entries) sample.modes[s.row.mode] = modeSample(s);
    const j = sample.modes.joint;
    const su = sample.modes.summary;
    const mn = sample.modes.mner;
    if (j?.rouge && su?.rouge) sample.deltas.rougeL = (j.rouge.rougeL - su.rouge.rougeL) * 100;
    if (j?.ner && mn?.ner) sample.deltas.nerF1 = (j.ner.f1 - mn.ner.f1) * 100;
    if (j?.matching?.accuracy != null && mn?.matching?.accuracy != null)
      sample.deltas.accuracy = (j.matching.accuracy - mn.matching.accuracy) * 100;
    return sample;
  });
  if (mismatched > 0)
    warnings.push(
      `${mismatched} sample id(s) have a different text or gold in different modes: the files come from different datasets or versions; the first mode's gold is shown`,
    );

  const providerOf = (mode: Mode): ProviderSettings | null => {
    const row = rowsOf(mode).values().next().value?.row;
    if (!row) return null;
    for (const run of loaded.runs) {
      if (run.file !== row.file) continue;
      const p = run.providers.find((x) => x.key === row.provider || x.id === row.providerId);
      if (p) return p;
    }
    const model = typeof row.responseMetadata.model === 'string' ? row.responseMetadata.model : null;
    return { key: row.provider, id: row.providerId, label: null, model, settings: {} };
  };

  const pairedSet = new Set(paired);
  const table: ModeSummary[] = modes.map((mode) => {
    const all = [...rowsOf(mode).values()];
    const answered = all.filter((s) => s.named);
    const ids = answered.map((s) => s.row.id).sort(ID_ORDER.compare);
    // Sums in id order: the same numbers whatever the order of files and rows.
    const sums = sumNamedScores(ids.map((id) => rowsOf(mode).get(id)?.named as Record<string, number>));
    const values = corpusValues(sums);
    const metrics = {} as Record<MetricId, number | null>;
    for (const m of METRICS) metrics[m] = points(m, values[m]);
    const t = modeTasks(mode);
    return {
      mode,
      name: MODE_NAMES[mode],
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
        paired: all.filter((s) => pairedSet.has(s.row.id)).length,
        cached: answered.filter((s) => s.row.cached).length,
        withSummary: answered.filter((s) => s.score?.summary).length,
        withPairs: answered.filter((s) => (s.score?.matching?.gold ?? 0) > 0).length,
      },
      provider: providerOf(mode),
      promptSettings: rowsOf(mode).values().next().value?.row.promptSettings ?? {},
    };
  });

  const deltas: DeltaRow[] = [];
  if (modes.includes('joint')) {
    // Each metric's paired rows: the samples answered in both modes where the metric is defined.
    const plans = METRICS.filter((metric) => modes.includes(METRIC_SINGLE_MODE[metric])).map((metric) => {
      const single = METRIC_SINGLE_MODE[metric];
      const count = corpusMetric(metric).count;
      const a: Record<string, number>[] = [];
      const b: Record<string, number>[] = [];
      const ids: string[] = [];
      for (const id of paired) {
        const x = rowsOf('joint').get(id)?.named as Record<string, number>;
        const y = rowsOf(single).get(id)?.named as Record<string, number>;
        if (!x[count] || !y[count]) continue;
        a.push(x);
        b.push(y);
        ids.push(id);
      }
      return { metric, single, a, b, key: `${single}\u0000${ids.join('\u0000')}` };
    });
    // Metrics over the same rows are resampled together: the same draws as one by one (so the same
    // numbers), one pass instead of one per metric.
    const groups = new Map<string, typeof plans>();
    for (const p of plans) if (p.a.length) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
    const stats = new Map<MetricId, { bs: BootstrapResult; rt: RandomizationResult }>();
    for (const group of groups.values()) {
      const { a, b } = group[0] as (typeof plans)[number];
      const st = group.map((p) => corpusStatistic(p.metric));
      const bs = pairedBootstrapAll(a, b, st, { iterations: bootstrap, seed, alpha });
      const rt = pairedRandomizationAll(a, b, st, { iterations: bootstrap, seed: seed + 1 });
      group.forEach((p, i) => {
        stats.set(p.metric, { bs: bs[i] as BootstrapResult, rt: rt[i] as RandomizationResult });
      });
    }
    for (const { metric, single, a, b } of plans) {
      const scale = corpusMetric(metric).scale;
      const jointValue = a.length ? points(metric, corpusValues(sumNamedScores(a))[metric]) : null;
      const singleValue = b.length ? points(metric, corpusValues(sumNamedScores(b))[metric]) : null;
      const r = stats.get(metric);
      if (!r) {
        deltas.push({
          metric,
          single,
          singleValue,
          jointValue,
          delta: null,
          low: null,
          high: null,
          pValue: null,
          n: 0,
          valid: 0,
        });
        continue;
      }
      const pts = (v: number | null) => (v === null ? null : v * scale);
      deltas.push({
        metric,
        single,
        singleValue,
        jointValue,
        delta: pts(r.bs.delta),
        low: pts(r.bs.low),
        high: pts(r.bs.high),
        pValue: r.rt.pValue,
        n: a.length,
        valid: r.bs.valid,
      });
    }
  }

  return {
    format: 'mmre-report',
    version: 2,
    unit: 'points',
    options: { bootstrap, seed, alpha, stemmer, providers: [...(options.providers ?? [])] },
    modes,
    table,
    deltas,
    pairedSamples: paired.length,
    runs: loaded.runs,
    warnings,
    samples,
  };
}
