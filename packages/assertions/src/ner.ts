import { nerStats } from '@mmre/metrics';
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

export const NerConfigSchema = z
  .object({
    mode: ModeOptionSchema,
    minPrecision: ratioOption('minPrecision'),
    minRecall: ratioOption('minRecall'),
    minF1: ratioOption('minF1'),
  })
  .strict();
export type NerConfig = z.infer<typeof NerConfigSchema>;

/**
 * Task 2a: NER precision / recall / F1 of the parsed `NER:` pairs against `gold.entities`
 * (`nerStats` of @mmre/metrics). Score = F1; passes when every configured minimum is met.
 */
export function ner(output: unknown, context?: AssertionContext): GradingResult {
  const p = prepare('ner', NerConfigSchema, output, context);
  if (p.kind === 'result') return p.result;
  if (!p.tasks.task2) return notAsked('ner', p.mode, 'Task 2 (NER)');
  const parsed = cachedParse(p.text, p.mode);
  const s = nerStats(p.vars.gold?.entities ?? [], parsed.entities);
  const namedScores: Record<string, number> = {
    [SCORE.nerN]: 1,
    [SCORE.nerTp]: s.tp,
    [SCORE.nerFp]: s.fp,
    [SCORE.nerFn]: s.fn,
    [SCORE.nerPrecision]: s.precision,
    [SCORE.nerRecall]: s.recall,
    [SCORE.nerF1]: s.f1,
  };
  const failures = belowMinimums([
    ['precision', s.precision, p.config.minPrecision],
    ['recall', s.recall, p.config.minRecall],
    ['F1', s.f1, p.config.minF1],
  ]);
  const values = `P ${fmt(s.precision)}, R ${fmt(s.recall)}, F1 ${fmt(s.f1)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;
  return {
    pass: failures.length === 0,
    score: s.f1,
    reason: failures.length === 0 ? `ner: ${values}` : `ner below threshold: ${failures.join(', ')}; ${values}`,
    namedScores,
  };
}
