import {
  type DecodedTestVars,
  type Mode,
  modeTasks,
  type ParseResult,
  parseAnswer,
  resolveMode,
  TestVarsSchema,
} from '@mmre/core';
import { z } from 'zod';

/** The part of promptfoo's assertion context these functions read (`AssertionValueFunctionContext`). */
export interface AssertionContext {
  /** The rendered prompt (for chat prompts: the JSON of the messages). */
  prompt?: string | undefined;
  vars?: Record<string, unknown> | undefined;
  /** The assertion's `config` (a structured clone). */
  config?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/** What an assertion function returns to promptfoo (a `GradingResult`). */
export interface GradingResult {
  pass: boolean;
  score: number;
  reason: string;
  namedScores?: Record<string, number>;
}

export type AssertionFunction = (output: unknown, context?: AssertionContext) => GradingResult;

/** The promptfoo output as text: strings as they are, null/undefined as '', anything else as JSON. */
export function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output === null || output === undefined) return '';
  try {
    return JSON.stringify(output) ?? '';
  } catch {
    return String(output);
  }
}

const CACHE_LIMIT = 512;
const parseCache = new Map<string, ParseResult>();

/**
 * Parses an output once: the four assertions of one row share the result (keyed by mode + text;
 * the newest 512 parses are kept).
 */
export function cachedParse(text: string, mode: Mode): ParseResult {
  const key = `${mode}\u0000${text}`;
  const hit = parseCache.get(key);
  if (hit) return hit;
  const parsed = parseAnswer(text, { mode });
  parseCache.set(key, parsed);
  if (parseCache.size > CACHE_LIMIT) {
    const oldest = parseCache.keys().next().value;
    if (oldest !== undefined) parseCache.delete(oldest);
  }
  return parsed;
}

/** For tests: number of cached parses, and a reset. */
export const parseCacheInfo = {
  size: (): number => parseCache.size,
  clear: (): void => parseCache.clear(),
};

/** The `config.mode` option every assertion accepts. */
export const ModeOptionSchema = z.enum(['joint', 'summary', 'mner']).optional();

const ratio = (name: string) =>
  z
    .number({ message: `${name} must be a number between 0 and 1` })
    .min(0, { message: `${name} must be ≥ 0` })
    .max(1, { message: `${name} must be ≤ 1` })
    .optional();

export { ratio as ratioOption };

export interface Prepared<C> {
  kind: 'ok';
  config: C;
  mode: Mode;
  tasks: { task1: boolean; task2: boolean };
  vars: DecodedTestVars;
  text: string;
}

export type Failed = { kind: 'result'; result: GradingResult };

/** Reads config, vars and mode; returns a failing result with a clear reason when something is wrong. */
export function prepare<C extends { mode?: Mode | undefined }>(
  name: string,
  schema: z.ZodType<C>,
  output: unknown,
  context: AssertionContext | undefined,
): Prepared<C> | Failed {
  const fail = (reason: string): Failed => ({
    kind: 'result',
    result: { pass: false, score: 0, reason: `@mmre/assertions ${name}: ${reason}` },
  });
  const cfg = schema.safeParse(context?.config ?? {});
  if (!cfg.success) {
    const issues = cfg.error.issues
      .map((i) => `config${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`)
      .join('; ');
    return fail(`invalid assertion config (${issues}). Fix the \`config:\` of this assertion in the promptfoo config.`);
  }
  const vars = TestVarsSchema.safeParse(context?.vars ?? {});
  if (!vars.success) {
    const issues = vars.error.issues
      .map((i) => {
        const where = i.path.length ? `vars.${i.path.join('.')}: ` : '';
        return `${where}${i.message}`;
      })
      .join('; ');
    return fail(
      `invalid test vars (${issues}). The tests must carry the M-MRE vars (id, text, image, gold as a JSON string), e.g. from the @mmre/dataset test generator.`,
    );
  }
  const mode = resolveMode(cfg.data.mode ?? vars.data.mode, context?.prompt);
  if (!mode)
    return fail(
      'cannot tell which tasks the prompt asked for: the prompt names neither "Task 1 Answer:" nor "Task 2 Answer:". Set `config.mode` (joint, summary or mner) on the assertion or `vars.mode` on the test.',
    );
  return { kind: 'ok', config: cfg.data, mode, tasks: modeTasks(mode), vars: vars.data, text: outputText(output) };
}

/** The neutral result of an assertion whose task the mode did not ask for: passes, no named scores. */
export function notAsked(name: string, mode: Mode, task: string): GradingResult {
  return { pass: true, score: 1, reason: `${name}: mode "${mode}" did not ask for ${task}; not scored` };
}

/** Formats a number for reasons. */
/** A threshold check: label, value (null: not defined on this sample) and the configured minimum. */
export type MinimumCheck = readonly [label: string, value: number | null, min: number | undefined];

/** The checks whose value is below its configured minimum, as `label value < min`. */
export function belowMinimums(checks: readonly MinimumCheck[]): string[] {
  const failures: string[] = [];
  for (const [label, value, min] of checks)
    if (min !== undefined && value !== null && value < min) failures.push(`${label} ${fmt(value)} < ${min}`);
  return failures;
}

export function fmt(x: number, digits = 4): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}
