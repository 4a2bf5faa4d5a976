import type { Gold, Mode, TestSegment } from '@mmre/core';
import { MODE_NAMES, modeTasks } from '@mmre/core';
import type { BleuStats } from '@mmre/metrics';
import {
  macroNer,
  microMatching,
  microNer,
  pairedBootstrap,
  pairedRandomization,
  sacreBleuFromStats,
  sumBleuStats,
} from '@mmre/metrics';
import type { LoadedResults, ProviderSettings, ResultRow, RunInfo } from './load.js';
import type { ModeSample } from './score.js';
import { scoreAnswer } from './score.js';

/** Table order: Single TS, Single MNER, M-MRE (joint). */
export const REPORT_MODES: readonly Mode[] = Object.freeze(['summary', 'mner', 'joint'] as const);

export const METRICS = ['rouge1', 'rouge2', 'rougeL', 'bleu', 'nerF1', 'accuracy'] as const;
export type MetricId = (typeof METRICS)[number];

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
  /** joint − single, in points (×100). */
  delta: number | null;
  /** 95 % (1 − alpha) paired bootstrap percentile interval of the delta. */
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
  /** Format compliance (fractions 0–1) over the paired samples: all asked anchors, and per anchor. */
  compliance: { all: number | null; task1: number | null; ner: number | null; pairs: number | null };
  counts: {
    /** Rows read for this mode (after de-duplication). */
    rows: number;
    /** Rows in the paired sample set. */
    paired: number;
    /** Paired rows whose call errored (scored as empty answers). */
    errors: number;
    /** Paired rows served from promptfoo's cache. */
    cached: number;
    /** Paired samples with a gold summary (ROUGE/BLEU denominators). */
    withSummary: number;
    /** Paired samples with at least one gold pair. */
    withPairs: number;
  };
  provider: ProviderSettings | null;
  /** Settings from the prompt entry's `config` (e.g. PFA minPixels/maxPixels), when any. */
  promptSettings: Record<string, unknown>;
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
  /** Per-sample joint − single deltas in points; null when a side is missing or undefined. */
  deltas: { rougeL: number | null; nerF1: number | null; accuracy: number | null };
}

export interface Report {
  format: 'mmre-report';
  version: 1;
  /** Every metric value and delta is in points: fraction × 100 (BLEU is sacrebleu's 0–100 score). */
  unit: 'points';
  options: { bootstrap: number; seed: number; alpha: number; stemmer: boolean; providers: string[] };
  modes: Mode[];
  table: ModeSummary[];
  deltas: DeltaRow[];
  /** Number of samples present in every mode (the paired set). */
  pairedSamples: number;
  runs: RunInfo[];
  warnings: string[];
  samples: SampleReport[];
}

const pts = (x: number | null | undefined): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x * 100;

/** Corpus sacreBLEU (sacrebleu `corpus_bleu` defaults: exp smoothing, no effective order). */
function bleuScore(stats: BleuStats): number {
  return sacreBleuFromStats(stats).score;
}

/** Corpus statistics over per-sample rows (the functions the bootstrap recomputes on every resample). */
type Stat<T> = (rows: readonly T[]) => number | null;
const meanOf: Stat<number> = (rows) => {
  if (rows.length === 0) return null;
  let s = 0;
  for (const x of rows) s += x;
  return (s / rows.length) * 100;
};
const bleuOf: Stat<BleuStats> = (rows) => (rows.length === 0 ? null : bleuScore(sumBleuStats(rows)));
const nerOf: Stat<NonNullable<ModeSample['ner']>> = (rows) => (rows.length === 0 ? null : microNer(rows).f1 * 100);
const accOf: Stat<NonNullable<ModeSample['matching']>> = (rows) => {
  const accuracy = microMatching(rows).accuracy;
  return accuracy === null ? null : accuracy * 100;
};

interface MetricSpec<T> {
  pick: (s: ModeSample) => T | null;
  stat: Stat<T>;
}
const SPECS: { [K in MetricId]: MetricSpec<unknown> } = {
  rouge1: { pick: (s) => s.rouge?.rouge1 ?? null, stat: meanOf } as MetricSpec<number> as MetricSpec<unknown>,
  rouge2: { pick: (s) => s.rouge?.rouge2 ?? null, stat: meanOf } as MetricSpec<number> as MetricSpec<unknown>,
  rougeL: { pick: (s) => s.rouge?.rougeL ?? null, stat: meanOf } as MetricSpec<number> as MetricSpec<unknown>,
  bleu: { pick: (s) => s.bleu, stat: bleuOf } as MetricSpec<BleuStats> as MetricSpec<unknown>,
  nerF1: { pick: (s) => s.ner, stat: nerOf } as MetricSpec<unknown>,
  accuracy: { pick: (s) => s.matching, stat: accOf } as MetricSpec<unknown>,
};

function metricApplies(mode: Mode, metric: MetricId): boolean {
  const t = modeTasks(mode);
  return METRIC_SINGLE_MODE[metric] === 'summary' ? t.task1 : t.task2;
}

const ID_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

function rowKey(r: ResultRow): string {
  return `${r.mode}\u0000${r.id}`;
}

/** Chooses, de-duplicates and pairs rows; returns the paired sample ids in first-seen order. */
function selectRows(loaded: LoadedResults, options: BuildOptions, warnings: string[]) {
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
  const byKey = new Map<string, ResultRow>();
  let dupes = 0;
  for (const r of rows) {
    const k = rowKey(r);
    if (byKey.has(k)) {
      dupes++;
      continue;
    }
    byKey.set(k, r);
  }
  if (dupes > 0)
    warnings.push(
      `${dupes} duplicate result row(s) (same sample id and mode, e.g. overlapping shards or repeats); kept the first of each`,
    );
  const idsByMode = new Map<Mode, string[]>();
  for (const r of byKey.values()) {
    const list = idsByMode.get(r.mode) ?? [];
    list.push(r.id);
    idsByMode.set(r.mode, list);
  }
  const modes = REPORT_MODES.filter((m) => idsByMode.has(m));
  if (modes.length === 0) throw new Error('no usable M-MRE result rows (see the warnings above)');
  const sets = modes.map((m) => new Set(idsByMode.get(m)));
  // A canonical order (natural sort of ids), so the numbers and the resampling streams do not depend
  // on the order of files, shards or rows.
  const allIds = [...new Set(modes.flatMap((m) => idsByMode.get(m) as string[]))].sort(ID_ORDER.compare);
  const paired = allIds.filter((id) => sets.every((s) => s.has(id)));
  const differ = modes.some((m) => (idsByMode.get(m) as string[]).length !== paired.length);
  if (differ)
    warnings.push(
      `the modes' sample sets differ (${modes.map((m) => `${m} ${(idsByMode.get(m) as string[]).length}`).join(', ')}); ` +
        `using the ${paired.length} samples present in every mode (${allIds.length - paired.length} dropped)`,
    );
  return { byKey, modes, paired, idsByMode };
}

/** Compares the decoded vars of one sample across modes, so a shard from another dataset is noticed. */
function sameSample(a: ResultRow, b: ResultRow): boolean {
  return a.vars.text === b.vars.text && JSON.stringify(a.vars.gold) === JSON.stringify(b.vars.gold);
}

/**
 * Builds the report: per mode, per-sample sufficient statistics recomputed from the outputs and the
 * gold in the vars (never from promptfoo's averages); the corpus table; joint − single deltas with a
 * paired bootstrap CI (corpus metrics recomputed from resampled per-sample statistics) and a paired
 * approximate-randomization p-value.
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
  const { byKey, modes, paired, idsByMode } = selectRows(loaded, options, warnings);

  let mismatched = 0;
  const samples: SampleReport[] = paired.map((id) => {
    const rows = modes.map((m) => byKey.get(`${m}\u0000${id}`) as ResultRow);
    const base = rows[0] as ResultRow;
    if (rows.some((r) => !sameSample(base, r))) mismatched++;
    const gold = base.vars.gold as Gold;
    const sample: SampleReport = {
      id,
      split: base.vars.split ?? null,
      text: base.vars.text,
      image: base.vars.image,
      segments: base.vars.segments ?? [],
      gold,
      modes: {},
      deltas: { rougeL: null, nerF1: null, accuracy: null },
    };
    for (const r of rows)
      sample.modes[r.mode] = scoreAnswer(r.mode, r.output, gold, { error: r.error, cached: r.cached }, { stemmer });
    const j = sample.modes.joint;
    const s = sample.modes.summary;
    const n = sample.modes.mner;
    if (j?.rouge && s?.rouge) sample.deltas.rougeL = (j.rouge.rougeL - s.rouge.rougeL) * 100;
    if (j?.ner && n?.ner) sample.deltas.nerF1 = (j.ner.f1 - n.ner.f1) * 100;
    if (j?.matching?.accuracy != null && n?.matching?.accuracy != null)
      sample.deltas.accuracy = (j.matching.accuracy - n.matching.accuracy) * 100;
    return sample;
  });
  if (mismatched > 0)
    warnings.push(
      `${mismatched} sample id(s) have a different text or gold in different modes: the files come from different datasets or versions; the first mode's gold is used`,
    );

  const providerOf = (mode: Mode): ProviderSettings | null => {
    const row = [...byKey.values()].find((r) => r.mode === mode);
    if (!row) return null;
    for (const run of loaded.runs) {
      if (run.file !== row.file) continue;
      const p = run.providers.find((x) => x.key === row.provider || x.id === row.providerId);
      if (p) return p;
    }
    const model = typeof row.responseMetadata.model === 'string' ? row.responseMetadata.model : null;
    return { key: row.provider, id: row.providerId, label: null, model, settings: {} };
  };

  const table: ModeSummary[] = modes.map((mode) => {
    const ms = samples.map((s) => s.modes[mode] as ModeSample);
    const metrics = {} as Record<MetricId, number | null>;
    for (const metric of METRICS) {
      if (!metricApplies(mode, metric)) {
        metrics[metric] = null;
        continue;
      }
      const spec = SPECS[metric];
      const values = ms.map(spec.pick).filter((v) => v !== null);
      metrics[metric] = values.length === 0 ? null : spec.stat(values);
    }
    const ner = ms.map((s) => s.ner).filter((x) => x !== null);
    const match = ms.map((s) => s.matching).filter((x) => x !== null);
    const rouge = ms.map((s) => s.rouge).filter((x) => x !== null);
    const microN = ner.length ? microNer(ner) : null;
    const macroN = ner.length ? macroNer(ner) : null;
    const microM = match.length ? microMatching(match) : null;
    const t = modeTasks(mode);
    const rate = (pick: (s: ModeSample) => boolean | undefined, asked: boolean) =>
      asked && ms.length > 0 ? ms.filter((s) => pick(s) === true).length / ms.length : null;
    return {
      mode,
      name: MODE_NAMES[mode],
      metrics,
      extra: {
        rougeLsum: rouge.length ? (meanOf(rouge.map((r) => r.rougeLsum)) ?? null) : null,
        nerPrecision: pts(microN?.precision),
        nerRecall: pts(microN?.recall),
        nerMacroF1: pts(macroN?.f1),
        pairPrecision: microM && microM.pred + microM.gold > 0 ? pts(microM.precision) : null,
        pairF1: microM && microM.gold > 0 ? pts(microM.f1) : null,
      },
      compliance: {
        all: rate((s) => s.compliant, true),
        task1: rate((s) => s.compliance.task1, t.task1),
        ner: rate((s) => s.compliance.ner, t.task2),
        pairs: rate((s) => s.compliance.pairs, t.task2),
      },
      counts: {
        rows: (idsByMode.get(mode) ?? []).length,
        paired: ms.length,
        errors: ms.filter((s) => s.error !== null).length,
        cached: ms.filter((s) => s.cached).length,
        withSummary: t.task1 ? rouge.length : 0,
        withPairs: t.task2 ? match.filter((m) => m.gold > 0).length : 0,
      },
      provider: providerOf(mode),
      promptSettings: [...byKey.values()].find((r) => r.mode === mode)?.promptSettings ?? {},
    };
  });

  const deltas: DeltaRow[] = [];
  if (modes.includes('joint')) {
    for (const metric of METRICS) {
      const single = METRIC_SINGLE_MODE[metric];
      if (!modes.includes(single)) continue;
      const spec = SPECS[metric];
      const a: unknown[] = [];
      const b: unknown[] = [];
      for (const s of samples) {
        const x = spec.pick(s.modes.joint as ModeSample);
        const y = spec.pick(s.modes[single] as ModeSample);
        if (x === null || y === null) continue;
        a.push(x);
        b.push(y);
      }
      const jointValue = a.length ? spec.stat(a) : null;
      const singleValue = b.length ? spec.stat(b) : null;
      if (a.length === 0) {
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
      const bs = pairedBootstrap(a, b, spec.stat, { iterations: bootstrap, seed, alpha });
      const rt = pairedRandomization(a, b, spec.stat, { iterations: bootstrap, seed: seed + 1 });
      deltas.push({
        metric,
        single,
        singleValue,
        jointValue,
        delta: bs.delta,
        low: bs.low,
        high: bs.high,
        pValue: rt.pValue,
        n: a.length,
        valid: bs.valid,
      });
    }
  }

  return {
    format: 'mmre-report',
    version: 1,
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
