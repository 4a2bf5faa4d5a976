import { type DecodedTestVars, describeVarsIssues, MODES, type Mode, modeOf, TestVarsSchema } from '@mmre/core';
import type { z } from 'zod';

/**
 * The part of promptfoo's assertion context these functions read (`AssertionValueFunctionContext`).
 * `vars` is the row's own vars object: the @mmre/pfa prompt functions set `vars.mode` on it.
 */
export interface AssertionContext {
  /** The rendered prompt (never searched: the mode comes from `config.mode` or `vars.mode`). */
  prompt?: string | undefined;
  vars?: Record<string, unknown> | undefined;
  /** The assertion's `config` (a structured clone). */
  config?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/**
 * The key under which an assertion's result carries the row's named scores to the M-MRE extension, so the
 * row is scored once (by the assertion, with its `config`) and the extension only reads the result. A
 * symbol (`Symbol.for`, so two copies of the package agree): promptfoo copies a grading result with object
 * spreads, which keep it, into the row the extension's `afterEach` sees; the output file, the JSONL output
 * and the database are JSON, which leaves a symbol key out, so nothing is stored twice.
 */
export const ROW_SCORES: unique symbol = Symbol.for('@mmre/assertions.rowScores');

/**
 * The named scores an assertion computed for its row: `all` of the sample (every task the row's mode
 * asked for) and `own`, those of the assertion's `tasks`. null: the assertion could not score the row
 * (bad config, vars or mode; its reason says why).
 */
export type RowScores = {
  all: Record<string, number>;
  own: Record<string, number>;
  tasks: readonly string[];
} | null;

/** What an assertion function returns to promptfoo (a `GradingResult`). */
export interface GradingResult {
  pass: boolean;
  score: number;
  reason: string;
  namedScores?: Record<string, number>;
  [ROW_SCORES]?: RowScores;
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

/** What an assertion reads from its context, validated once. */
export interface Row<C> {
  config: C;
  mode: Mode;
  vars: DecodedTestVars & { gold: NonNullable<DecodedTestVars['gold']> };
  text: string;
}

/** A failing result naming the assertion and the fix. */
export function failure(name: string, reason: string): GradingResult {
  return { pass: false, score: 0, reason: `@mmre/assertions ${name}: ${reason}`, [ROW_SCORES]: null };
}

/** Reads config, vars and mode; a failing result with a clear reason when something is wrong. */
export function readRow<C extends { mode?: Mode | undefined }>(
  name: string,
  schema: z.ZodType<C>,
  output: unknown,
  context: AssertionContext | undefined,
): Row<C> | GradingResult {
  const cfg = schema.safeParse(context?.config ?? {});
  if (!cfg.success) {
    const issues = cfg.error.issues
      .map((i) => `config${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`)
      .join('; ');
    return failure(
      name,
      `invalid assertion config (${issues}). Fix the \`config:\` of this assertion in the promptfoo config.`,
    );
  }
  const vars = TestVarsSchema.safeParse(context?.vars ?? {});
  if (!vars.success) {
    return failure(
      name,
      `invalid test vars (${describeVarsIssues(vars.error)}). The tests must carry the M-MRE vars (id, text, image, gold as a JSON string), e.g. from the @mmre/dataset test generator.`,
    );
  }
  if (!vars.data.gold)
    return failure(
      name,
      `the test has no vars.gold (sample ${JSON.stringify(vars.data.id)}); fix: generate the tests with the @mmre/dataset test generator`,
    );
  const mode = modeOf(cfg.data.mode, vars.data.mode);
  if (!mode)
    return failure(
      name,
      `the row does not say which mode it asked for: neither config.mode nor vars.mode is ${MODES.join(', ')}. Use the @mmre/pfa prompts (they set vars.mode), or set \`config.mode\` on the assertion or \`vars.mode\` on the test.`,
    );
  return { config: cfg.data, mode, vars: vars.data as Row<C>['vars'], text: outputText(output) };
}

/** A threshold check: label, value (null: not defined on this sample) and the configured minimum. */
export type MinimumCheck = readonly [label: string, value: number | null | undefined, min: number | undefined];

/** The checks whose value is below its configured minimum, as `label value < min`. */
export function belowMinimums(checks: readonly MinimumCheck[]): string[] {
  const failures: string[] = [];
  for (const [label, value, min] of checks)
    if (min !== undefined && value !== null && value !== undefined && value < min)
      failures.push(`${label} ${fmt(value)} < ${min}`);
  return failures;
}

/** Formats a number for reasons. */
export function fmt(x: number, digits = 4): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}
