import { multisetIntersectionSize } from './ner.js';
import { normalizeEntityText, normalizeSegment } from './normalize.js';

/** A segment → entity pair, gold or predicted. */
export interface MatchPair {
  segment: string;
  entity: string;
}

/** Image–entity matching counts and scores of one sample (or of a corpus, summed). */
export interface MatchingStats {
  /** |gold ∩ pred| as multisets of (segment, normalised entity). */
  correct: number;
  /** Number of gold pairs. */
  gold: number;
  /** Number of predicted pairs. */
  pred: number;
  /** correct / gold; null when there is no gold pair (undefined: never 0 or 1). */
  accuracy: number | null;
  /** correct / pred; 0 when nothing was predicted. */
  precision: number;
  /** 2·P·A / (P + A) with A = accuracy (the pair recall), 0 when P + A = 0 or A is undefined. */
  f1: number;
}

/** The key under which a pair is matched: lower-cased segment id + NUL + normalised entity. */
export function pairKey(pair: MatchPair): string {
  return `${normalizeSegment(pair.segment)}\u0000${normalizeEntityText(pair.entity)}`;
}

/** Scores from counts (shared by per-sample and micro aggregation). */
export function matchingFromCounts(correct: number, gold: number, pred: number): MatchingStats {
  const accuracy = gold > 0 ? correct / gold : null;
  const precision = pred > 0 ? correct / pred : 0;
  const recall = accuracy ?? 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { correct, gold, pred, accuracy, precision, f1 };
}

/**
 * Image–entity accuracy of one sample (DESIGN.md "Metrics"): gold pairs (segment, entity) against
 * predicted pairs, entities normalised like NER entity texts, multiset matching.
 */
export function matchingStats(goldPairs: readonly MatchPair[], predPairs: readonly MatchPair[]): MatchingStats {
  const correct = multisetIntersectionSize(goldPairs.map(pairKey), predPairs.map(pairKey));
  return matchingFromCounts(correct, goldPairs.length, predPairs.length);
}

/** Corpus value: Σcorrect / Σgold (null when no sample has a gold pair), pair precision and F1 from sums. */
export function microMatching(stats: readonly Pick<MatchingStats, 'correct' | 'gold' | 'pred'>[]): MatchingStats {
  let correct = 0;
  let gold = 0;
  let pred = 0;
  for (const s of stats) {
    correct += s.correct;
    gold += s.gold;
    pred += s.pred;
  }
  return matchingFromCounts(correct, gold, pred);
}
