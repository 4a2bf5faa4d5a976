import type { CallContext, Mode, ProviderResponse } from '@mmre/core';
import { ANCHOR_TASK1, ANCHOR_TASK2, MODES, modeTasks } from '@mmre/core';
import { buildChatPrompt } from './images.js';

/**
 * The part of promptfoo's ApiProvider the suite relies on (promptfoo's call context and response as
 * @mmre/core declares them; @mmre/provider-transport re-exports them for providers).
 */
export interface ProviderLike {
  id(): string;
  callApi(prompt: string, context?: CallContext, options?: unknown): Promise<ProviderResponse>;
}

export type ConformanceScenario = 'ok' | 'error';

export interface ConformanceOptions<Ctx = unknown> {
  /** Suite title (default 'provider conformance'). */
  name?: string;
  /** Runs once before the suite (start peers, set env vars); its value is passed to makeProvider. */
  setup?: () => Ctx | Promise<Ctx>;
  teardown?: (ctx: Ctx) => void | Promise<void>;
  /** Secret values that must never appear in any result, metadata or error (e.g. the API key set for the test). */
  secrets?: readonly string[] | ((ctx: Ctx) => readonly string[]);
  /** A successful result must report tokenUsage {prompt, completion, total} (default true). */
  expectTokenUsage?: boolean;
  /** A successful result must report latencyMs (default true). */
  expectLatency?: boolean;
  /** Outputs must carry exactly the PFA anchors of the prompt's mode (default true). */
  expectPfaAnswer?: boolean;
  /** makeProvider can build a provider whose calls fail (scenario 'error'; default true). */
  errorScenario?: boolean;
  /** Test vars for a call in a mode (default: a small sample's vars plus `mode`). */
  vars?: (mode: Mode) => Record<string, unknown>;
  /** Rendered prompt for a mode (default: a PFA-shaped JSON chat prompt from buildChatPrompt). */
  prompt?: (mode: Mode) => string | Promise<string>;
}

function defaultVars(mode: Mode): Record<string, unknown> {
  return {
    id: `conformance-${mode}`,
    split: 'test',
    text: 'Spurs beat Thunder in San Antonio',
    image: '/nonexistent/conformance.png',
    segments: JSON.stringify([
      { id: 'a', path: null, box: null },
      { id: 'b', path: null, box: null },
    ]),
    gold: JSON.stringify({ summary: 'A game.', entities: [], pairs: [] }),
    mode,
  };
}

/**
 * Registers a vitest suite every provider package runs: ids are non-empty and stable; each mode
 * answers with output, token usage and latency; malformed prompts never make callApi throw; a
 * failing provider reports `{ error }` with a reason; metadata is plain JSON; concurrent calls all
 * resolve; and no secret appears anywhere in what callApi returned.
 *
 * `makeProvider(scenario, ctx)` builds the provider under test: scenario 'ok' must succeed (point it
 * at a loopback peer), scenario 'error' must fail every call (e.g. a peer that answers 400 or a
 * closed port with maxRetries 0).
 */
export function describeProviderConformance<Ctx = unknown>(
  makeProvider: (scenario: ConformanceScenario, ctx: Ctx) => ProviderLike | Promise<ProviderLike>,
  options: ConformanceOptions<Ctx> = {},
): void {
  if (!vitest)
    throw new Error('describeProviderConformance needs vitest (a peer dependency of @mmre/provider-testkit)');
  const { afterAll, beforeAll, describe, expect, it } = vitest;
  const expectTokenUsage = options.expectTokenUsage ?? true;
  const expectLatency = options.expectLatency ?? true;
  const expectPfa = options.expectPfaAnswer ?? true;
  const varsFor = options.vars ?? defaultVars;
  const promptFor = options.prompt ?? ((mode: Mode) => buildChatPrompt({ mode, segments: 2 }));

  describe(options.name ?? 'provider conformance', () => {
    let ctx: Ctx;
    let ok: ProviderLike;
    const results: ProviderResponse[] = [];
    const call = async (p: ProviderLike, prompt: string, mode: Mode): Promise<ProviderResponse> => {
      let r: ProviderResponse;
      try {
        r = await p.callApi(prompt, { vars: varsFor(mode), prompt: { raw: prompt, label: `conformance-${mode}` } });
      } catch (e) {
        throw new Error(`callApi threw instead of returning { error }: ${(e as Error)?.message ?? e}`);
      }
      results.push(r);
      return r;
    };

    beforeAll(async () => {
      ctx = (await options.setup?.()) as Ctx;
      ok = await makeProvider('ok', ctx);
    });
    afterAll(async () => {
      await options.teardown?.(ctx);
    });

    it('id() is a non-empty string, stable across calls and across identical instances', async () => {
      const id = ok.id();
      expect(typeof id).toBe('string');
      expect(id.length).toBeGreaterThan(0);
      expect(ok.id()).toBe(id);
      const twin = await makeProvider('ok', ctx);
      expect(twin.id()).toBe(id);
    });

    for (const mode of MODES) {
      it(`answers a ${mode} prompt with output${expectTokenUsage ? ', token usage' : ''}${expectLatency ? ', latency' : ''}`, async () => {
        const r = await call(ok, await promptFor(mode), mode);
        expect(r.error, `unexpected error: ${r.error}`).toBeUndefined();
        expect(typeof r.output).toBe('string');
        expect((r.output as string).length).toBeGreaterThan(0);
        if (expectPfa) {
          const out = (r.output as string).toLowerCase();
          const tasks = modeTasks(mode);
          expect(out.includes(ANCHOR_TASK1.toLowerCase())).toBe(tasks.task1);
          expect(out.includes(ANCHOR_TASK2.toLowerCase())).toBe(tasks.task2);
        }
        if (expectTokenUsage) {
          const u = r.tokenUsage;
          expect(u).toBeDefined();
          for (const k of ['prompt', 'completion', 'total'] as const) {
            expect(Number.isFinite(u?.[k]), `tokenUsage.${k}`).toBe(true);
            expect(u?.[k] as number).toBeGreaterThanOrEqual(0);
          }
          expect(u?.total).toBe((u?.prompt as number) + (u?.completion as number));
        }
        if (expectLatency) {
          expect(Number.isFinite(r.latencyMs)).toBe(true);
          expect(r.latencyMs as number).toBeGreaterThanOrEqual(0);
        }
        if (r.metadata !== undefined) expect(JSON.parse(JSON.stringify(r.metadata))).toEqual(r.metadata);
      });
    }

    it('never throws on malformed prompts: each call resolves with output or an error', async () => {
      const bad = [
        '',
        '{"not": "messages"',
        '[]',
        '[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]',
        '[{"role":"wizard","content":42}]',
        'x'.repeat(20_000),
      ];
      for (const p of bad) {
        const r = await call(ok, p, 'joint');
        expect(r && typeof r === 'object').toBe(true);
        const hasOutput = r.output !== undefined && r.output !== null;
        const hasError = typeof r.error === 'string' && r.error.length > 0;
        expect(hasOutput || hasError, `prompt ${JSON.stringify(p.slice(0, 40))} gave neither`).toBe(true);
      }
    });

    it('resolves every one of 16 concurrent calls exactly once', async () => {
      const prompt = await promptFor('joint');
      const settled = await Promise.allSettled(Array.from({ length: 16 }, () => call(ok, prompt, 'joint')));
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(16);
      for (const s of settled) if (s.status === 'fulfilled') expect(s.value.error).toBeUndefined();
    });

    if (options.errorScenario ?? true) {
      it('reports a failed call as { error } with a reason, no output, never a throw', async () => {
        const failing = await makeProvider('error', ctx);
        for (const mode of MODES) {
          const r = await call(failing, await promptFor(mode), mode);
          expect(typeof r.error).toBe('string');
          expect((r.error as string).trim().length).toBeGreaterThan(10);
          expect(r.output === undefined || r.output === null || r.output === '').toBe(true);
        }
      });
    }

    it('leaks no secret into outputs, metadata or errors', () => {
      const secrets = typeof options.secrets === 'function' ? options.secrets(ctx) : (options.secrets ?? []);
      expect(results.length).toBeGreaterThan(0);
      const dump = JSON.stringify(results);
      for (const s of secrets) {
        expect(s.length).toBeGreaterThan(0);
        expect(dump.includes(s), 'a secret appears in a provider result').toBe(false);
      }
    });
  });
}

let vitest: typeof import('vitest') | undefined;
try {
  vitest = await import('vitest');
} catch {
  vitest = undefined;
}
