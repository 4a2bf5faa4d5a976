import { type Gold, modeOf, TestVarsSchema } from '@mmre/core';
import { namedScores, scoreSample } from '@mmre/scorer';
import { outputText } from './context.js';
import { derivedMetrics } from './derived.js';

/** The part of a promptfoo test case the extension reads. */
interface HookTest {
  assert?: { type?: string; value?: unknown; config?: Record<string, unknown> }[];
  [key: string]: unknown;
}

/** The part of a promptfoo result row the extension reads. */
interface HookResult {
  vars?: Record<string, unknown>;
  prompt?: { config?: Record<string, unknown> };
  response?: { output?: unknown; error?: unknown } | null;
  failureReason?: number;
  namedScores?: Record<string, number>;
  [key: string]: unknown;
}

/** promptfoo's ResultFailureReason.ERROR: the provider call failed, there is no answer. */
const ERROR_FAILURE = 2;

/** The `mmre` assertion of a test, if it has one (its `config` decides the mode override and the stemmer). */
function mmreAssertion(test: HookTest | undefined) {
  return test?.assert?.find((a) => typeof a.value === 'string' && /(^|[:/])mmre$/.test(a.value));
}

/**
 * The named scores of one result row: `namedScores(scoreSample(...))` of @mmre/scorer, the same
 * function the `mmre` assertion uses. Null for a row without an answer (a provider error), without
 * M-MRE vars, or whose mode is not known (`config.mode` of its `mmre` assertion, the mode the PFA prompt
 * recorded in the row's prompt config, or `vars.mode`).
 */
export function rowNamedScores(test: HookTest | undefined, result: HookResult): Record<string, number> | null {
  if (result.failureReason === ERROR_FAILURE || (result.response?.error ?? null) !== null) return null;
  if (!result.response || result.response.output === undefined) return null;
  const vars = TestVarsSchema.safeParse(result.vars ?? {});
  if (!vars.success || !vars.data.gold) return null;
  const config = mmreAssertion(test)?.config ?? {};
  const recorded = (result.prompt?.config?.mmre as { mode?: unknown } | undefined)?.mode;
  const mode = modeOf(config.mode, recorded, vars.data.mode);
  if (!mode) return null;
  const score = scoreSample(mode, outputText(result.response.output), vars.data.gold as Gold, {
    stemmer: config.stemmer === true,
  });
  return namedScores(score);
}

/**
 * The M-MRE promptfoo extension (`extensions: [file://…:mmre]`, one entry for every hook):
 * - `beforeAll` adds the corpus-level `derivedMetrics` (metrics the config already lists are kept);
 * - `afterEach` writes the row's named scores (`rowNamedScores`) into the row, where promptfoo sums
 *   them per prompt for those metrics. With it, the `mmre` assertion can leave them out of its grading
 *   result (`config: { namedScores: false }`, as the shipped configs do): promptfoo keeps a grading
 *   result's named scores three more times per row, which at the paper's size is a fifth of the output.
 */
export function extension(hookName: string, context: Record<string, unknown>): Record<string, unknown> | undefined {
  if (hookName === 'beforeAll') {
    const suite = context.suite as { derivedMetrics?: { name: string }[] } & Record<string, unknown>;
    const have = new Set((suite.derivedMetrics ?? []).map((m) => m.name));
    return {
      suite: {
        ...suite,
        derivedMetrics: [...(suite.derivedMetrics ?? []), ...derivedMetrics.filter((m) => !have.has(m.name))],
      },
    };
  }
  if (hookName === 'afterEach') {
    const result = context.result as HookResult | undefined;
    if (!result) return undefined;
    const named = rowNamedScores(context.test as HookTest | undefined, result);
    if (!named) return undefined;
    return { ...context, result: { ...result, namedScores: { ...result.namedScores, ...named } } };
  }
  return undefined;
}
