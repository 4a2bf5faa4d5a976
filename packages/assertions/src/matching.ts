import { matchingStats } from '@mmre/metrics';
import { z } from 'zod';
import {
  type AssertionContext,
  belowMinimums,
  cachedParse,
  fmt,
  type GradingResult,
  ModeOptionSchema,
  notAsked,
  prepare,
  ratioOption,
} from './context.js';
import { SCORE } from './names.js';

export const MatchingConfigSchema = z
  .object({
    mode: ModeOptionSchema,
    /** Checked only on samples with gold pairs (accuracy is undefined otherwise). */
    minAccuracy: ratioOption('minAccuracy'),
    minPrecision: ratioOption('minPrecision'),
    minF1: ratioOption('minF1'),
  })
  .strict();
export type MatchingConfig = z.infer<typeof MatchingConfigSchema>;

/**
 * Task 2b: image–entity accuracy (correct / gold pairs), pair precision and F1 of the parsed
 * `image-entity pair:` mapping against `gold.pairs`. Score = accuracy; on a sample without gold
 * pairs (accuracy undefined, `matching.accuracy` absent) score = 1 when nothing was predicted,
 * else 0. Passes when every configured minimum that applies is met.
 */
export function matching(output: unknown, context?: AssertionContext): GradingResult {
  const p = prepare('matching', MatchingConfigSchema, output, context);
  if (p.kind === 'result') return p.result;
  if (!p.tasks.task2) return notAsked('matching', p.mode, 'Task 2 (image-entity matching)');
  const parsed = cachedParse(p.text, p.mode);
  const s = matchingStats(p.vars.gold?.pairs ?? [], parsed.pairs);
  const namedScores: Record<string, number> = {
    [SCORE.matchingN]: 1,
    [SCORE.matchingCorrect]: s.correct,
    [SCORE.matchingGold]: s.gold,
    [SCORE.matchingPred]: s.pred,
    [SCORE.matchingPrecision]: s.precision,
    [SCORE.matchingF1]: s.f1,
  };
  if (s.accuracy !== null) {
    namedScores[SCORE.matchingAccuracy] = s.accuracy;
    namedScores[SCORE.matchingAccuracyN] = 1;
  }
  // Pair precision and F1 are not checked on a sample with neither gold nor predicted pairs.
  const anyPair = s.gold > 0 || s.pred > 0;
  const failures = belowMinimums([
    ['accuracy', s.accuracy, p.config.minAccuracy],
    ['pair precision', anyPair ? s.precision : null, p.config.minPrecision],
    ['pair F1', anyPair ? s.f1 : null, p.config.minF1],
  ]);
  const acc = s.accuracy === null ? 'accuracy n/a (no gold pair)' : `accuracy ${fmt(s.accuracy)}`;
  const values = `${acc}, pair P ${fmt(s.precision)}, F1 ${fmt(s.f1)} (correct ${s.correct}, gold ${s.gold}, pred ${s.pred})`;
  return {
    pass: failures.length === 0,
    score: s.accuracy ?? (s.pred === 0 ? 1 : 0),
    reason:
      failures.length === 0 ? `matching: ${values}` : `matching below threshold: ${failures.join(', ')}; ${values}`,
    namedScores,
  };
}
