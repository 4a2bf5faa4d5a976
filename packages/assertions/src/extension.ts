import { isDeepStrictEqual } from 'node:util';
import {
  endPromptfooEval,
  type Gold,
  modeOf,
  PFA_REPLAY_FIX,
  pfaPromptTextMode,
  type ReadinessAware,
  type ReadinessReport,
  stubAbsentSourceMapSupport,
  TestVarsSchema,
} from '@mmre/core';
import { namedScores, scoreSample } from '@mmre/scorer';
import { outputText, ROW_SCORES, type RowScores } from './context.js';
import { derivedMetrics } from './derived.js';

/** The part of a promptfoo test case the extension reads. */
interface HookTest {
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The part of a promptfoo result row the extension reads. */
interface HookResult {
  vars?: Record<string, unknown>;
  prompt?: { config?: Record<string, unknown> };
  response?: { output?: unknown; error?: unknown; metadata?: Record<string, unknown> } | null;
  failureReason?: number;
  gradingResult?: { componentResults?: unknown[] } | null;
  namedScores?: Record<string, number>;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** promptfoo's ResultFailureReason.ERROR: the provider call failed, there is no answer. */
const ERROR_FAILURE = 2;

/** The grading results of a row's assertions (promptfoo's `componentResults`), as the extension reads them. */
type ComponentResult = { [ROW_SCORES]?: RowScores } & Record<string, unknown>;

/**
 * The named scores the row's @mmre assertions computed (carried under ROW_SCORES, never stored), merged:
 * every assertion's scores of the sample, then each one's scores of its own tasks over them, the more
 * specific over the broader (so a `summary` assertion with `stemmer: true` decides the `summary.*` scores
 * of a row an `mmre` assertion also grades; between two of the same breadth, the later one).
 * undefined: no @mmre assertion graded the row; null: they could not score it.
 */
export function assertionRowScores(result: HookResult): Record<string, number> | null | undefined {
  const components = (result.gradingResult?.componentResults ?? []) as ComponentResult[];
  const carried = components.filter((c) => c !== null && typeof c === 'object' && ROW_SCORES in c);
  if (carried.length === 0) return undefined;
  const scored = carried.map((c) => c[ROW_SCORES]).filter((r): r is NonNullable<RowScores> => r != null);
  if (scored.length === 0) return null;
  const bySpecificity = [...scored].sort((a, b) => b.tasks.length - a.tasks.length);
  return Object.assign({}, ...scored.map((r) => r.all), ...bySpecificity.map((r) => r.own));
}

/**
 * The named scores of one result row, computed once: the ones its @mmre assertions computed with their
 * `config` (assertionRowScores). A row no @mmre assertion graded is scored here, with the defaults
 * (`namedScores(scoreSample(...))` of @mmre/scorer, no stemmer, the mode the PFA prompt recorded in the
 * row's prompt config, else `vars.mode`). Null for a row without an answer (a provider error), one its
 * assertions could not score, or one without M-MRE vars or a known mode.
 */
export function rowNamedScores(result: HookResult): Record<string, number> | null {
  if (result.failureReason === ERROR_FAILURE || (result.response?.error ?? null) !== null) return null;
  if (!result.response || result.response.output === undefined) return null;
  const carried = assertionRowScores(result);
  if (carried !== undefined) return carried;
  const vars = TestVarsSchema.safeParse(result.vars ?? {});
  if (!vars.success || !vars.data.gold) return null;
  const recorded = (result.prompt?.config?.mmre as { mode?: unknown } | undefined)?.mode;
  const mode = modeOf(recorded, vars.data.mode);
  if (!mode) return null;
  return namedScores(scoreSample(mode, outputText(result.response.output), vars.data.gold as Gold));
}

/**
 * The row's metadata without its copy of the provider's: promptfoo builds a row's `metadata` as the test's
 * metadata with the whole `response.metadata` spread over it, and keeps both, so every key a provider reports
 * (model, backend, mode, resolution, attempts, request id) is written twice per row, in the output file and in
 * the database: at the paper's size about 370 bytes per row, 1.8 MB of the output at 1,660 samples.
 *
 * Each key whose value equals the one in `response.metadata` is set to `undefined`: promptfoo merges a hook's
 * metadata over the row's (so a key cannot be deleted, only overwritten), and the output file, the JSONL
 * output and the database are JSON, which leaves an undefined value out. `response.metadata` stays whole
 * (promptfoo reads it there, e.g. `response.metadata.http.status`, and so does `mmre report`); keys of the
 * test's own metadata stay even when the provider reports the same value. Returns `result.metadata` itself
 * when there is nothing to drop.
 */
export function metadataWithoutResponseCopy(
  test: HookTest | undefined,
  result: HookResult,
): Record<string, unknown> | undefined {
  const metadata = result.metadata;
  const reported = result.response?.metadata;
  if (!metadata || !reported || typeof metadata !== 'object' || typeof reported !== 'object') return metadata;
  const own = test?.metadata ?? {};
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(reported)) {
    if (metadata[key] === undefined || Object.hasOwn(own, key)) continue;
    if (metadata[key] !== reported[key] && !isDeepStrictEqual(metadata[key], reported[key])) continue;
    out ??= { ...metadata };
    out[key] = undefined;
  }
  return out ?? metadata;
}

const isReadinessAware = (p: unknown): p is ReadinessAware =>
  typeof (p as { mmreReadiness?: unknown } | null)?.mmreReadiness === 'function';

/** Some providers of the suite cannot serve the run (wrong URL, model not served, refused key). */
export class ProvidersNotReadyError extends Error {
  override name = 'ProvidersNotReadyError';
}

/** The one message for the providers that are not ready: each named with its URL and what is wrong (the fix). */
export function notReadyMessage(failed: readonly ReadinessReport[], checked: number): string {
  const lines = failed.map((r) => {
    const message = r.message ?? 'not ready';
    const urls = r.urls.filter((u) => !message.includes(u));
    return `  - ${r.provider}${urls.length ? ` (${urls.join(', ')})` : ''}: ${message}`;
  });
  const which = checked === 1 ? 'the provider is' : `${failed.length} of ${checked} providers are`;
  return [
    `M-MRE: ${which} not ready, so the run stops before its first row (no prompt was sent, no result written):`,
    ...lines,
  ].join('\n');
}

/**
 * Asks every provider of the suite that can tell (`mmreReadiness()`: this project's Qwen providers) whether its
 * server is ready, all at once. A server that is starting is waited for by its provider (`readyTimeoutMs`); a
 * wrong URL, a model not served or a refused key is not ready. When any is not ready, the run ends here with one
 * message naming each one: under `promptfoo eval` the message is printed and the process exits with code 1
 * before the first row (a hook that throws gets promptfoo's error log and a stack trace, and an eval that goes on
 * with no rows writes an empty result file over the last one); elsewhere (promptfoo's `evaluate()`) a
 * ProvidersNotReadyError is thrown, which promptfoo rethrows. `MMRE_CHECK_READY=0` skips the check (a rerun
 * answered from promptfoo's cache with the servers off): each provider then checks before its first request.
 */
export async function checkSuiteReadiness(providers: readonly unknown[], argv: readonly string[] = process.argv) {
  const aware = providers.filter(isReadinessAware);
  if (aware.length === 0) return;
  const reports = await Promise.all(
    aware.map((p) =>
      p.mmreReadiness().catch(
        (e: unknown): ReadinessReport => ({
          provider: String((p as { label?: unknown }).label ?? 'provider'),
          urls: [],
          ready: false,
          message: e instanceof Error ? e.message : String(e),
        }),
      ),
    ),
  );
  const failed = reports.filter((r) => !r.ready);
  if (failed.length === 0) return;
  const message = notReadyMessage(failed, reports.length);
  endPromptfooEval(message, new ProvidersNotReadyError(message), argv);
}

/** promptfoo is about to send a PFA prompt's stored text instead of calling the prompt function. */
export class PfaPromptReplayError extends Error {
  override name = 'PfaPromptReplayError';
}

/**
 * The labels of the suite's prompts that are a PFA prompt function's stored text (`pfaPromptText` of
 * @mmre/core) without the function: what promptfoo 0.123's `eval --resume` and `eval --retry-errors` make
 * of the PFA prompts (they keep each prompt's text, label and config, not its function).
 */
export function replayedPfaPrompts(prompts: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const p of prompts) {
    const prompt = p as { raw?: unknown; label?: unknown; function?: unknown } | null;
    if (!prompt || typeof prompt.function === 'function') continue;
    const mode = pfaPromptTextMode(prompt.raw);
    if (mode) out.push(typeof prompt.label === 'string' ? prompt.label : mode);
  }
  return out;
}

/**
 * Stops a run whose PFA prompts promptfoo would send as their stored text (see {@link replayedPfaPrompts}),
 * before its first row: one message naming the prompts and the fix, exit code 1 under `promptfoo eval`
 * (nothing is sent and the resumed eval gets no row), a PfaPromptReplayError elsewhere.
 */
export function checkPromptsCallable(prompts: readonly unknown[], argv: readonly string[] = process.argv): void {
  const replayed = replayedPfaPrompts(prompts);
  if (replayed.length === 0) return;
  const message = `M-MRE: the PFA prompt${replayed.length === 1 ? '' : 's'} ${replayed.map((l) => JSON.stringify(l)).join(', ')} would be sent as ${replayed.length === 1 ? 'its' : 'their'} stored name instead of a prompt, so the run stops before its first row (no prompt was sent, no result written). ${PFA_REPLAY_FIX}`;
  endPromptfooEval(message, new PfaPromptReplayError(message), argv);
}

/**
 * The M-MRE promptfoo extension (`extensions: [file://…:mmre]`, one entry for every hook):
 * - `beforeAll` stops a run that would send a PFA prompt's stored name instead of calling it (promptfoo's
 *   `--resume` and `--retry-errors`; see {@link checkPromptsCallable}), checks that every provider of ours
 *   in the suite is ready (see {@link checkSuiteReadiness}:
 *   one message and exit code 1 before the first row when one is not), and adds the corpus-level
 *   `derivedMetrics` (metrics the config already lists are kept);
 * - `afterEach` writes the row's named scores (`rowNamedScores`: the ones the row's @mmre assertion
 *   computed, so the row is scored once) into the row, where promptfoo sums them per prompt for those
 *   metrics. With it, the `mmre` assertion can leave them out of its grading
 *   result (`config: { namedScores: false }`, as the shipped configs do): promptfoo keeps a grading
 *   result's named scores three more times per row, which at the paper's size is a fifth of the output.
 *   It also drops the row metadata's copy of `response.metadata` ({@link metadataWithoutResponseCopy}),
 *   on every row, with or without an answer.
 */
export function extension(
  hookName: string,
  context: Record<string, unknown>,
): Record<string, unknown> | undefined | Promise<Record<string, unknown>> {
  if (hookName === 'beforeAll') {
    // before the first row: promptfoo's logger stops retrying a failed import per debug call (@mmre/core promptfoo-logger.ts)
    stubAbsentSourceMapSupport();
    const suite = context.suite as {
      derivedMetrics?: { name: string }[];
      providers?: unknown[];
      prompts?: unknown[];
    } & Record<string, unknown>;
    checkPromptsCallable(Array.isArray(suite.prompts) ? suite.prompts : []);
    const have = new Set((suite.derivedMetrics ?? []).map((m) => m.name));
    const out = {
      suite: {
        ...suite,
        derivedMetrics: [...(suite.derivedMetrics ?? []), ...derivedMetrics.filter((m) => !have.has(m.name))],
      },
    };
    const providers = Array.isArray(suite.providers) ? suite.providers : [];
    if (process.env.MMRE_CHECK_READY === '0' || !providers.some(isReadinessAware)) return out;
    return checkSuiteReadiness(providers).then(() => out);
  }
  if (hookName === 'afterEach') {
    const result = context.result as HookResult | undefined;
    if (!result) return undefined;
    const test = context.test as HookTest | undefined;
    const named = rowNamedScores(result);
    const metadata = metadataWithoutResponseCopy(test, result);
    if (!named && metadata === result.metadata) return undefined;
    return {
      ...context,
      result: {
        ...result,
        ...(named ? { namedScores: { ...result.namedScores, ...named } } : {}),
        ...(metadata !== result.metadata ? { metadata } : {}),
      },
    };
  }
  return undefined;
}
