import { CORPUS_METRICS, type CorpusMetricId, corpusValue, type NamedScoreSums } from '@mmre/scorer';

/** A promptfoo `derivedMetrics` entry whose value is a function (supported by promptfoo 0.123). */
export interface DerivedMetric {
  name: string;
  value: (scores: NamedScoreSums, evalStep?: unknown) => number;
}

/** promptfoo's names of the corpus metrics (`corpus.bleu`, `corpus.ner_micro_f1`, …), by metric id. */
export const DERIVED: Readonly<Record<CorpusMetricId, string>> = Object.freeze(
  Object.fromEntries(CORPUS_METRICS.map((m) => [m.id, m.derived])) as Record<CorpusMetricId, string>,
);

/**
 * Corpus-level metrics for a promptfoo config's `derivedMetrics:`: promptfoo passes each the per-prompt
 * SUMS of the named scores, and each returns `corpusValue` of @mmre/scorer (the function `mmre report`
 * uses). A metric no row of the prompt carried evaluates to NaN; promptfoo then writes null (read a
 * corpus value beside its count).
 */
export const derivedMetrics: readonly DerivedMetric[] = Object.freeze(
  CORPUS_METRICS.map((m) => ({ name: m.derived, value: (sums: NamedScoreSums) => corpusValue(m, sums) ?? Number.NaN })),
);

/** Evaluates every derived metric on a map of sums (what promptfoo does after each row). */
export function evaluateDerived(sums: NamedScoreSums): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of derivedMetrics) out[m.name] = m.value(sums);
  return out;
}
