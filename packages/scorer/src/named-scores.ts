/**
 * The mapping between a per-sample score, promptfoo's named scores and the corpus values, in one
 * place. Each assertion row emits `namedScores(score)`; promptfoo sums them per prompt and its
 * `derivedMetrics` turn the sums into corpus values with `corpusValue`; `mmre report` sums the same
 * named scores of the same rows and calls the same `corpusValue`, and its paired bootstrap resamples
 * those sums (`corpusStatistic`). So the three can only differ by the order of float additions.
 */
import { type AdditiveStatistic, additiveStatistic, matchingFromCounts, prf, sacreBleuFromStats } from '@mmre/metrics';
import type { SampleScore } from './score.js';

/** Named scores of one row. Every sum has a count beside it; a task the row is not scored on emits none of its names. */
export const SCORE = Object.freeze({
  // Task 1 (emitted when the mode asked for it and the gold has a summary)
  /** 1 per scored summary row: the divisor of the ROUGE means. */
  summaryN: 'summary.n',
  /** 1 when the answer had no Task 1 summary (scored as an empty prediction). */
  summaryMissing: 'summary.missing',
  /** rouge-score F-measures. */
  summaryRouge1: 'summary.rouge1',
  summaryRouge2: 'summary.rouge2',
  summaryRougeL: 'summary.rougeL',
  summaryRougeLsum: 'summary.rougeLsum',
  /** sacreBLEU statistics: hypothesis and reference lengths in 13a tokens, matches and totals for n = 1…4. */
  bleuSysLen: 'bleu.sys_len',
  bleuRefLen: 'bleu.ref_len',
  bleuCounts: Object.freeze(['bleu.counts_1', 'bleu.counts_2', 'bleu.counts_3', 'bleu.counts_4'] as const),
  bleuTotals: Object.freeze(['bleu.totals_1', 'bleu.totals_2', 'bleu.totals_3', 'bleu.totals_4'] as const),
  // Task 2a (emitted when the mode asked for Task 2)
  nerN: 'ner.n',
  nerTp: 'ner.tp',
  nerFp: 'ner.fp',
  nerFn: 'ner.fn',
  /** Per-sample F1 (for the macro mean). */
  nerF1: 'ner.f1',
  // Task 2b (emitted when the mode asked for Task 2)
  matchingN: 'matching.n',
  matchingCorrect: 'matching.correct',
  matchingGold: 'matching.gold',
  matchingPred: 'matching.pred',
  // format compliance (every row; an anchor's name only when the mode asked for it)
  formatN: 'format.n',
  formatOk: 'format.ok',
  formatTask1: 'format.task1',
  formatNer: 'format.ner',
  formatPairs: 'format.pairs',
});

/** The named scores of one row (see SCORE). */
export function namedScores(s: SampleScore): Record<string, number> {
  const out: Record<string, number> = {};
  if (s.summary) {
    const { rouge, bleu } = s.summary;
    out[SCORE.summaryN] = 1;
    out[SCORE.summaryMissing] = s.summary.missing ? 1 : 0;
    out[SCORE.summaryRouge1] = rouge.rouge1.fmeasure;
    out[SCORE.summaryRouge2] = rouge.rouge2.fmeasure;
    out[SCORE.summaryRougeL] = rouge.rougeL.fmeasure;
    out[SCORE.summaryRougeLsum] = rouge.rougeLsum.fmeasure;
    out[SCORE.bleuSysLen] = bleu.sysLen;
    out[SCORE.bleuRefLen] = bleu.refLen;
    for (let n = 0; n < 4; n++) {
      out[SCORE.bleuCounts[n] as string] = bleu.counts[n] ?? 0;
      out[SCORE.bleuTotals[n] as string] = bleu.totals[n] ?? 0;
    }
  }
  if (s.ner) {
    out[SCORE.nerN] = 1;
    out[SCORE.nerTp] = s.ner.tp;
    out[SCORE.nerFp] = s.ner.fp;
    out[SCORE.nerFn] = s.ner.fn;
    out[SCORE.nerF1] = s.ner.f1;
  }
  if (s.matching) {
    out[SCORE.matchingN] = 1;
    out[SCORE.matchingCorrect] = s.matching.correct;
    out[SCORE.matchingGold] = s.matching.gold;
    out[SCORE.matchingPred] = s.matching.pred;
  }
  out[SCORE.formatN] = 1;
  out[SCORE.formatOk] = s.format.ok ? 1 : 0;
  if (s.format.task1 !== undefined) out[SCORE.formatTask1] = s.format.task1 ? 1 : 0;
  if (s.format.ner !== undefined) out[SCORE.formatNer] = s.format.ner ? 1 : 0;
  if (s.format.pairs !== undefined) out[SCORE.formatPairs] = s.format.pairs ? 1 : 0;
  return out;
}

/** Sums of named scores (what promptfoo keeps per prompt): only names that occurred are keys. */
export type NamedScoreSums = Readonly<Record<string, number>>;

/** Adds the named scores of rows, left to right, into one sums record. */
export function sumNamedScores(rows: Iterable<Readonly<Record<string, number>>>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of rows) for (const [k, v] of Object.entries(row)) sums[k] = (sums[k] ?? 0) + v;
  return sums;
}

export type CorpusMetricId =
  | 'rouge1'
  | 'rouge2'
  | 'rougeL'
  | 'rougeLsum'
  | 'bleu'
  | 'nerF1'
  | 'nerPrecision'
  | 'nerRecall'
  | 'nerMacroF1'
  | 'accuracy'
  | 'pairPrecision'
  | 'pairF1'
  | 'formatOk'
  | 'formatTask1'
  | 'formatNer'
  | 'formatPairs';

/** A corpus value from sums of named scores. */
export interface CorpusMetric {
  id: CorpusMetricId;
  /** The promptfoo `derivedMetrics` name. */
  derived: string;
  /** Display name. */
  label: string;
  /** `points`: a score shown in points (×`scale`); `rate`: a fraction shown as a percentage. */
  kind: 'points' | 'rate';
  /**
   * Points per unit of the value: 100 for fractions, 1 for BLEU, whose value is sacreBLEU's own 0–100
   * score (so promptfoo's `corpus.bleu` reads as sacrebleu's `corpus_bleu(...).score`).
   */
  scale: 1 | 100;
  /** The named score saying a row carries this metric (the metric is null when its sum is 0 or absent). */
  count: string;
  /** The named scores the value is computed from, besides `count`. */
  inputs: readonly string[];
  /** The value from the sums (`get` of a name absent from the sums is 0); null when undefined. */
  fromSums: (get: (name: string) => number, has: (name: string) => boolean) => number | null;
}

const mean = (sum: string) => (get: (n: string) => number, n: number) => get(sum) / n;

function defineMetrics(): readonly CorpusMetric[] {
  const S = SCORE;
  const rouge = (id: 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum', name: string, label: string): CorpusMetric => ({
    id,
    derived: `corpus.${id}`,
    label,
    kind: 'points',
    scale: 100,
    count: S.summaryN,
    inputs: [name],
    fromSums: (get) => mean(name)(get, get(S.summaryN)),
  });
  const ner = (id: 'nerF1' | 'nerPrecision' | 'nerRecall', field: 'f1' | 'precision' | 'recall'): CorpusMetric => ({
    id,
    derived: `corpus.ner_micro_${field}`,
    label: `NER ${field === 'f1' ? 'F1' : field === 'precision' ? 'precision' : 'recall'} (micro)`,
    kind: 'points',
    scale: 100,
    count: S.nerN,
    inputs: [S.nerTp, S.nerFp, S.nerFn],
    fromSums: (get) => prf(get(S.nerTp), get(S.nerFp), get(S.nerFn))[field],
  });
  const matching = (get: (n: string) => number) =>
    matchingFromCounts(get(S.matchingCorrect), get(S.matchingGold), get(S.matchingPred));
  const anchor = (id: 'formatTask1' | 'formatNer' | 'formatPairs', name: string, label: string): CorpusMetric => ({
    id,
    derived: `corpus.${name.replace('.', '_')}_rate`,
    label,
    kind: 'rate',
    scale: 100,
    count: S.formatN,
    inputs: [name],
    // absent from the sums: the mode did not ask for that anchor
    fromSums: (get, has) => (has(name) ? get(name) / get(S.formatN) : null),
  });
  return Object.freeze([
    rouge('rouge1', S.summaryRouge1, 'ROUGE-1'),
    rouge('rouge2', S.summaryRouge2, 'ROUGE-2'),
    rouge('rougeL', S.summaryRougeL, 'ROUGE-L'),
    rouge('rougeLsum', S.summaryRougeLsum, 'ROUGE-Lsum'),
    {
      id: 'bleu',
      derived: 'corpus.bleu',
      label: 'BLEU',
      kind: 'points',
      scale: 1,
      count: S.summaryN,
      inputs: [...S.bleuCounts, ...S.bleuTotals, S.bleuSysLen, S.bleuRefLen],
      // sacrebleu corpus_bleu: summed statistics, exp smoothing, no effective order
      fromSums: (get) =>
        sacreBleuFromStats(
          {
            counts: S.bleuCounts.map(get),
            totals: S.bleuTotals.map(get),
            sysLen: get(S.bleuSysLen),
            refLen: get(S.bleuRefLen),
          },
          { smoothMethod: 'exp', effectiveOrder: false },
        ).score,
    },
    ner('nerF1', 'f1'),
    ner('nerPrecision', 'precision'),
    ner('nerRecall', 'recall'),
    {
      id: 'nerMacroF1',
      derived: 'corpus.ner_macro_f1',
      label: 'NER F1 (macro)',
      kind: 'points',
      scale: 100,
      count: S.nerN,
      inputs: [S.nerF1],
      fromSums: (get) => get(S.nerF1) / get(S.nerN),
    },
    {
      id: 'accuracy',
      derived: 'corpus.matching_micro_accuracy',
      label: 'Image–Entity Accuracy',
      kind: 'points',
      scale: 100,
      count: S.matchingN,
      inputs: [S.matchingCorrect, S.matchingGold, S.matchingPred],
      // Σcorrect / Σgold; undefined without any gold pair
      fromSums: (get) => matching(get).accuracy,
    },
    {
      id: 'pairPrecision',
      derived: 'corpus.matching_micro_precision',
      label: 'pair precision',
      kind: 'points',
      scale: 100,
      count: S.matchingN,
      inputs: [S.matchingCorrect, S.matchingGold, S.matchingPred],
      fromSums: (get) => (get(S.matchingGold) + get(S.matchingPred) > 0 ? matching(get).precision : null),
    },
    {
      id: 'pairF1',
      derived: 'corpus.matching_micro_f1',
      label: 'pair F1',
      kind: 'points',
      scale: 100,
      count: S.matchingN,
      inputs: [S.matchingCorrect, S.matchingGold, S.matchingPred],
      fromSums: (get) => (get(S.matchingGold) > 0 ? matching(get).f1 : null),
    },
    {
      id: 'formatOk',
      derived: 'corpus.format_ok_rate',
      label: 'format ok',
      kind: 'rate',
      scale: 100,
      count: S.formatN,
      inputs: [S.formatOk],
      fromSums: (get) => get(S.formatOk) / get(S.formatN),
    },
    anchor('formatTask1', S.formatTask1, 'Task 1 anchor'),
    anchor('formatNer', S.formatNer, 'NER anchor'),
    anchor('formatPairs', S.formatPairs, 'pairs anchor'),
  ] satisfies CorpusMetric[]);
}

/** Every corpus metric, in display order. */
export const CORPUS_METRICS: readonly CorpusMetric[] = defineMetrics();

const BY_ID = new Map(CORPUS_METRICS.map((m) => [m.id, m]));

export function corpusMetric(id: CorpusMetricId): CorpusMetric {
  return BY_ID.get(id) as CorpusMetric;
}

/**
 * The corpus value of a metric from sums of named scores (a fraction; BLEU on sacreBLEU's 0–100 scale):
 * null when no row carried the metric (its count is 0 or absent) or the value is undefined.
 */
export function corpusValue(metric: CorpusMetric | CorpusMetricId, sums: NamedScoreSums): number | null {
  const m = typeof metric === 'string' ? corpusMetric(metric) : metric;
  return evaluate(
    m,
    (name) => sums[name] ?? 0,
    (name) => sums[name] !== undefined,
  );
}

/** `fromSums` of a metric, null when no row carried it or the value is not finite. */
function evaluate(m: CorpusMetric, get: (name: string) => number, has: (name: string) => boolean): number | null {
  if (!(get(m.count) > 0)) return null;
  const v = m.fromSums(get, has);
  return v === null || !Number.isFinite(v) ? null : v;
}

/** Every corpus value from one sums record. */
export function corpusValues(sums: NamedScoreSums): Record<CorpusMetricId, number | null> {
  const out = {} as Record<CorpusMetricId, number | null>;
  for (const m of CORPUS_METRICS) out[m.id] = corpusValue(m, sums);
  return out;
}

/**
 * The metric as a statistic of per-row named scores for the paired bootstrap and randomization of
 * @mmre/metrics: each row is reduced to the vector (count, inputs…), resamples sum those vectors and
 * the value is `corpusValue` of the sums. Rows must all carry the metric (its count is 1).
 */
export function corpusStatistic(
  metric: CorpusMetric | CorpusMetricId,
): AdditiveStatistic<Readonly<Record<string, number>>> {
  const m = typeof metric === 'string' ? corpusMetric(metric) : metric;
  const names = [m.count, ...m.inputs];
  const index = new Map(names.map((n, i) => [n, i]));
  return additiveStatistic(
    names.length,
    (row, out) => {
      for (let i = 0; i < names.length; i++) out[i] = row[names[i] as string] ?? 0;
    },
    (sums) =>
      evaluate(
        m,
        (name) => {
          const i = index.get(name);
          return i === undefined ? 0 : (sums[i] as number);
        },
        (name) => index.has(name),
      ),
  );
}
