import { normalizeEntityText, normalizeLabel } from './normalize.js';

/** A (label, entity text) pair, gold or predicted. */
export interface NerEntity {
  label: string;
  text: string;
}

/** Per-sample (or summed) NER counts and scores. */
export interface NerStats {
  /** |gold ∩ pred| as multisets. */
  tp: number;
  /** |pred| − tp. */
  fp: number;
  /** |gold| − tp. */
  fn: number;
  /** tp / |pred|; 0 when nothing was predicted. */
  precision: number;
  /** tp / |gold|; 0 when there is no gold entity. */
  recall: number;
  /** 2PR / (P + R); 0 when P + R = 0 (which includes both of the cases above). */
  f1: number;
}

/** The key under which an entity is matched: normalised label + NUL + normalised text. */
export function entityKey(entity: NerEntity): string {
  return `${normalizeLabel(entity.label)}\u0000${normalizeEntityText(entity.text)}`;
}

/** |A ∩ B| for multisets of keys (each key counts min(countA, countB) times). */
export function multisetIntersectionSize(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const k of a) counts.set(k, (counts.get(k) ?? 0) + 1);
  let n = 0;
  for (const k of b) {
    const c = counts.get(k);
    if (c !== undefined && c > 0) {
      counts.set(k, c - 1);
      n++;
    }
  }
  return n;
}

/** P, R and F1 from counts, with the "0 when undefined" rule of DESIGN.md. */
export function prf(tp: number, fp: number, fn: number): NerStats {
  const nPred = tp + fp;
  const nGold = tp + fn;
  const precision = nPred > 0 ? tp / nPred : 0;
  const recall = nGold > 0 ? tp / nGold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * NER precision / recall / F1 of one sample (DESIGN.md "Metrics"). Labels are compared after alias
 * mapping, entity texts after NFKC + whitespace collapse + trim + case fold; multiset matching
 * (a pair predicted twice matches two gold copies at most).
 */
export function nerStats(gold: readonly NerEntity[], pred: readonly NerEntity[]): NerStats {
  const tp = multisetIntersectionSize(gold.map(entityKey), pred.map(entityKey));
  return prf(tp, pred.length - tp, gold.length - tp);
}

/** Micro aggregation: P/R/F1 from the summed tp/fp/fn (the corpus value). */
export function microNer(stats: readonly Pick<NerStats, 'tp' | 'fp' | 'fn'>[]): NerStats {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of stats) {
    tp += s.tp;
    fp += s.fp;
    fn += s.fn;
  }
  return prf(tp, fp, fn);
}

export interface MacroNer {
  /** Mean per-sample precision. */
  precision: number;
  /** Mean per-sample recall. */
  recall: number;
  /** Mean per-sample F1 (reported beside the micro F1). */
  f1: number;
  /** Number of samples averaged. */
  n: number;
}

/**
 * Macro aggregation: the mean of the per-sample P, R and F1 over all samples given (a sample with
 * neither gold nor predicted entities contributes 0, by the "0 when undefined" rule; filter such
 * samples out first if you want them ignored). Null for an empty list.
 */
export function macroNer(stats: readonly Pick<NerStats, 'precision' | 'recall' | 'f1'>[]): MacroNer | null {
  if (stats.length === 0) return null;
  let p = 0;
  let r = 0;
  let f = 0;
  for (const s of stats) {
    p += s.precision;
    r += s.recall;
    f += s.f1;
  }
  const n = stats.length;
  return { precision: p / n, recall: r / n, f1: f / n, n };
}
