import { matchingFromCounts, prf, sacreBleuFromStats } from '@mmre/metrics';
import { DERIVED, SCORE } from './names.js';

/** promptfoo's evaluation context of a derived metric: the per-prompt SUMS of the named scores, and `__count`. */
export type NamedScoreSums = Record<string, number>;

/** A promptfoo `derivedMetrics` entry whose value is a function (supported by promptfoo 0.123). */
export interface DerivedMetric {
  name: string;
  value: (scores: NamedScoreSums, evalStep?: unknown) => number;
}

/**
 * sacrebleu `corpus_bleu` score (0–100) from summed statistics: `BLEU.compute_bleu` with the
 * corpus_bleu defaults (smooth_method='exp', no effective order), via `sacreBleuFromStats` of
 * @mmre/metrics, operation for operation like sacrebleu (including its early 0 when no n-gram matches).
 */
export function corpusBleuFromSums(
  counts: readonly number[],
  totals: readonly number[],
  sysLen: number,
  refLen: number,
): number {
  return sacreBleuFromStats(
    { counts: [...counts], totals: [...totals], sysLen, refLen },
    { smoothMethod: 'exp', effectiveOrder: false },
  ).score;
}

const get = (s: NamedScoreSums, name: string): number => s[name] ?? Number.NaN;
/** Sum / count, NaN when the count is absent or 0 (the task was not scored for this prompt). */
const mean = (s: NamedScoreSums, sum: string, count: string): number => {
  const n = s[count];
  return n === undefined || n === 0 ? Number.NaN : get(s, sum) / n;
};
const has = (s: NamedScoreSums, count: string): boolean => (s[count] ?? 0) > 0;

function bleu(s: NamedScoreSums): number {
  if (!has(s, SCORE.summaryN)) return Number.NaN;
  return corpusBleuFromSums(
    SCORE.bleuCounts.map((k) => get(s, k)),
    SCORE.bleuTotals.map((k) => get(s, k)),
    get(s, SCORE.bleuSysLen),
    get(s, SCORE.bleuRefLen),
  );
}
function nerMicro(s: NamedScoreSums) {
  return has(s, SCORE.nerN) ? prf(get(s, SCORE.nerTp), get(s, SCORE.nerFp), get(s, SCORE.nerFn)) : null;
}
function matchingMicro(s: NamedScoreSums) {
  return has(s, SCORE.matchingN)
    ? matchingFromCounts(get(s, SCORE.matchingCorrect), get(s, SCORE.matchingGold), get(s, SCORE.matchingPred))
    : null;
}

/**
 * Corpus-level metrics for a promptfoo config's `derivedMetrics:`, computed from the per-prompt sums
 * of the named scores (see `SCORE`). A metric whose task no row of the prompt scored evaluates to
 * NaN; promptfoo then keeps it at its initial 0 (see README: read it only beside its count).
 */
export const derivedMetrics: readonly DerivedMetric[] = Object.freeze([
  { name: DERIVED.corpusBleu, value: bleu },
  { name: DERIVED.nerMicroF1, value: (s: NamedScoreSums) => nerMicro(s)?.f1 ?? Number.NaN },
  { name: DERIVED.nerMicroPrecision, value: (s: NamedScoreSums) => nerMicro(s)?.precision ?? Number.NaN },
  { name: DERIVED.nerMicroRecall, value: (s: NamedScoreSums) => nerMicro(s)?.recall ?? Number.NaN },
  { name: DERIVED.nerMacroF1, value: (s: NamedScoreSums) => mean(s, SCORE.nerF1, SCORE.nerN) },
  {
    name: DERIVED.matchingMicroAccuracy,
    value: (s: NamedScoreSums) => matchingMicro(s)?.accuracy ?? Number.NaN,
  },
  {
    name: DERIVED.matchingMicroPrecision,
    value: (s: NamedScoreSums) => matchingMicro(s)?.precision ?? Number.NaN,
  },
  { name: DERIVED.matchingMicroF1, value: (s: NamedScoreSums) => matchingMicro(s)?.f1 ?? Number.NaN },
  { name: DERIVED.meanRouge1, value: (s: NamedScoreSums) => mean(s, SCORE.summaryRouge1, SCORE.summaryN) },
  { name: DERIVED.meanRouge2, value: (s: NamedScoreSums) => mean(s, SCORE.summaryRouge2, SCORE.summaryN) },
  { name: DERIVED.meanRougeL, value: (s: NamedScoreSums) => mean(s, SCORE.summaryRougeL, SCORE.summaryN) },
  {
    name: DERIVED.meanRougeLsum,
    value: (s: NamedScoreSums) => mean(s, SCORE.summaryRougeLsum, SCORE.summaryN),
  },
  { name: DERIVED.formatOkRate, value: (s: NamedScoreSums) => mean(s, SCORE.formatOk, SCORE.formatN) },
]);

/** Evaluates every derived metric on a map of sums (what promptfoo does after each row). */
export function evaluateDerived(sums: NamedScoreSums): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of derivedMetrics) out[m.name] = m.value(sums);
  return out;
}
