import { z } from 'zod';
import { type AssertionContext, cachedParse, type GradingResult, ModeOptionSchema, prepare } from './context.js';
import { SCORE } from './names.js';

export const FormatConfigSchema = z
  .object({
    mode: ModeOptionSchema,
    /** Minimum fraction of the asked anchors that must be well-formed to pass (default 1: all). */
    minCompliance: z
      .number({ message: 'minCompliance must be a number between 0 and 1' })
      .min(0, { message: 'minCompliance must be ≥ 0' })
      .max(1, { message: 'minCompliance must be ≤ 1' })
      .optional(),
  })
  .strict();
export type FormatConfig = z.infer<typeof FormatConfigSchema>;

/**
 * PFA compliance of each anchor the mode asked for: `Task 1 Answer:` (summary, joint), `NER:` and
 * `image-entity pair:` (mner, joint), as reported by `parseAnswer`'s `compliance`. Score = fraction
 * of asked anchors that are well-formed; passes when it is ≥ `minCompliance` (default 1).
 * Diagnostics of the parser are listed in the reason.
 */
export function format(output: unknown, context?: AssertionContext): GradingResult {
  const p = prepare('format', FormatConfigSchema, output, context);
  if (p.kind === 'result') return p.result;
  const parsed = cachedParse(p.text, p.mode);
  const checks: [name: string, label: string, ok: boolean][] = [];
  if (p.tasks.task1) checks.push([SCORE.formatTask1, 'Task 1 Answer', parsed.compliance.task1]);
  if (p.tasks.task2) {
    checks.push([SCORE.formatNer, 'NER', parsed.compliance.ner]);
    checks.push([SCORE.formatPairs, 'image-entity pair', parsed.compliance.pairs]);
  }
  const namedScores: Record<string, number> = { [SCORE.formatN]: 1 };
  let ok = 0;
  for (const [name, , good] of checks) {
    namedScores[name] = good ? 1 : 0;
    if (good) ok++;
  }
  const all = ok === checks.length;
  namedScores[SCORE.formatOk] = all ? 1 : 0;
  const score = checks.length === 0 ? 1 : ok / checks.length;
  const min = p.config.minCompliance ?? 1;
  const bad = checks.filter(([, , good]) => !good).map(([, label]) => label);
  const diagnostics = parsed.diagnostics.map((d) => d.code).join(', ');
  return {
    pass: score >= min,
    score,
    reason: all
      ? `format: all ${checks.length} anchors of mode "${p.mode}" well-formed`
      : `format: malformed or missing: ${bad.join(', ')} (mode "${p.mode}")${diagnostics ? `; diagnostics: ${diagnostics}` : ''}`,
    namedScores,
  };
}
