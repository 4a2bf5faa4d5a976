import { rougeScores, sacreBleuStats, sacreSentenceBleu } from '@mmre/metrics';
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

export const SummaryConfigSchema = z
  .object({
    mode: ModeOptionSchema,
    /** Apply the Porter stemmer in ROUGE (rouge-score `use_stemmer`); default false. */
    stemmer: z.boolean({ message: 'stemmer must be true or false' }).optional(),
    minRouge1: ratioOption('minRouge1'),
    minRouge2: ratioOption('minRouge2'),
    minRougeL: ratioOption('minRougeL'),
    minRougeLsum: ratioOption('minRougeLsum'),
    /** Minimum sentence BLEU, on sacrebleu's 0–100 scale. */
    minBleu: z
      .number({ message: 'minBleu must be a number between 0 and 100 (sacrebleu scale)' })
      .min(0, { message: 'minBleu must be ≥ 0' })
      .max(100, { message: 'minBleu must be ≤ 100 (sacrebleu scale)' })
      .optional(),
  })
  .strict();
export type SummaryConfig = z.infer<typeof SummaryConfigSchema>;

/**
 * Task 1: ROUGE-1/2/L/Lsum F (rouge-score) and sacrebleu sentence BLEU of the parsed summary against
 * `gold.summary`. A missing summary is scored as an empty prediction. Score = ROUGE-L F; passes when
 * every configured minimum is met.
 */
export function summary(output: unknown, context?: AssertionContext): GradingResult {
  const p = prepare('summary', SummaryConfigSchema, output, context);
  if (p.kind === 'result') return p.result;
  if (!p.tasks.task1) return notAsked('summary', p.mode, 'Task 1 (summary)');
  const reference = p.vars.gold?.summary;
  if (reference === undefined)
    return { pass: true, score: 1, reason: 'summary: the sample has no gold summary; not scored' };
  const parsed = cachedParse(p.text, p.mode);
  const prediction = parsed.summary ?? '';
  const rouge = rougeScores(prediction, reference, { stemmer: p.config.stemmer ?? false });
  const stats = sacreBleuStats(prediction, reference);
  const bleu = sacreSentenceBleu(prediction, reference);
  const namedScores: Record<string, number> = {
    [SCORE.summaryN]: 1,
    [SCORE.summaryMissing]: parsed.summary === null ? 1 : 0,
    [SCORE.summaryRouge1]: rouge.rouge1.fmeasure,
    [SCORE.summaryRouge2]: rouge.rouge2.fmeasure,
    [SCORE.summaryRougeL]: rouge.rougeL.fmeasure,
    [SCORE.summaryRougeLsum]: rouge.rougeLsum.fmeasure,
    [SCORE.bleuScore]: bleu.score,
    [SCORE.bleuSysLen]: stats.sysLen,
    [SCORE.bleuRefLen]: stats.refLen,
  };
  for (let n = 0; n < 4; n++) {
    namedScores[SCORE.bleuCounts[n] as string] = stats.counts[n] ?? 0;
    namedScores[SCORE.bleuTotals[n] as string] = stats.totals[n] ?? 0;
  }
  const c = p.config;
  const failures = belowMinimums([
    ['ROUGE-1', rouge.rouge1.fmeasure, c.minRouge1],
    ['ROUGE-2', rouge.rouge2.fmeasure, c.minRouge2],
    ['ROUGE-L', rouge.rougeL.fmeasure, c.minRougeL],
    ['ROUGE-Lsum', rouge.rougeLsum.fmeasure, c.minRougeLsum],
    ['BLEU', bleu.score, c.minBleu],
  ]);
  const values = `ROUGE-1 ${fmt(rouge.rouge1.fmeasure)}, ROUGE-2 ${fmt(rouge.rouge2.fmeasure)}, ROUGE-L ${fmt(rouge.rougeL.fmeasure)}, BLEU ${fmt(bleu.score, 2)}`;
  const missing = parsed.summary === null ? ' (no Task 1 answer: scored as empty)' : '';
  return {
    pass: failures.length === 0,
    score: rouge.rougeL.fmeasure,
    reason:
      failures.length === 0
        ? `summary: ${values}${missing}`
        : `summary below threshold: ${failures.join(', ')}${missing}`,
    namedScores,
  };
}
