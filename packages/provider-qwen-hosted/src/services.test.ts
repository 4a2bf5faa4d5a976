// The hosted provider against peers that answer the way DashScope and OpenRouter do: throttling without
// Retry-After (retried for the budget, not 7.5 s), a long Retry-After (fails at once), OpenRouter's 200 with an
// error (the server's message, retried when transient), content null (an error).

import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, startDashScopePeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { FakeClock } from '@mmre/provider-transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenHostedConfigInput } from './config.js';
import { QwenHostedProvider } from './provider.js';

const KEY = 'sk-hosted-services-5d4c3b2a1f0e';
let dashscope: Peer;
let openrouter: Peer;
let joint: string;
const providers: QwenHostedProvider[] = [];

function make(config: QwenHostedConfigInput, clock = new FakeClock()): QwenHostedProvider {
  const env = { DASHSCOPE_API_KEY: KEY, OPENROUTER_API_KEY: KEY };
  // a seeded jitter: the backoff's random delays (and so which limit ends a throttled row) are the same every run
  const p = new QwenHostedProvider({ config, env }, { clock, random: mulberry32(11), notice: () => {} });
  providers.push(p);
  return p;
}

beforeAll(async () => {
  dashscope = await startDashScopePeer({ apiKey: KEY });
  openrouter = await startOpenAIPeer({
    backend: 'openrouter',
    apiKey: KEY,
    basePath: '/api/v1',
    models: ['qwen/qwen2.5-vl-72b-instruct'],
  });
  joint = await buildChatPrompt({ mode: 'joint', segments: 2 });
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.cleanup()));
  await Promise.all([dashscope.close(), openrouter.close()]);
});

const ds = { backend: 'dashscope', baseUrl: '', model: 'qwen2.5-vl-7b-instruct' } as const;

describe('DashScope throttling', () => {
  it('a 429 without Retry-After is retried with backoff well past 7.5 s, and the row succeeds', async () => {
    const clock = new FakeClock();
    const p = make({ ...ds, baseUrl: dashscope.url }, clock);
    dashscope.failNext('429-no-retry-after', 9);
    const t0 = clock.now();
    const r = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toBeUndefined();
    expect(r.metadata?.attempts).toBe(10);
    expect(clock.now() - t0).toBeGreaterThan(7_500);
    expect(clock.now() - t0).toBeLessThanOrEqual(180_000);
  });

  it('throttled for good: the row fails after the retry budget (3 min by default), naming it', async () => {
    const clock = new FakeClock();
    const throttled = await startDashScopePeer({ apiKey: KEY }); // its own peer: the forced faults stay with it
    const p = make({ ...ds, baseUrl: throttled.url }, clock);
    throttled.failNext('429-no-retry-after', 200);
    const t0 = clock.now();
    const r = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toMatch(/server-busy: gave up after \d+ attempts in \d+ s: .*retryBudgetMs \(180000 ms\)/);
    expect(r.error).toMatch(/limit_requests|rate limit/i);
    expect(clock.now() - t0).toBeGreaterThan(60_000);
    expect(clock.now() - t0).toBeLessThanOrEqual(180_000);
    expect(r.metadata?.rateLimitKind).toBe('quota'); // promptfoo must not call it again
    await p.cleanup();
    await throttled.close();
  });
});

describe('OpenRouter', () => {
  it("a 200 carrying an error is retried when transient and surfaces the server's message otherwise", async () => {
    const p = make({ backend: 'openrouter', baseUrl: openrouter.url, model: 'qwen/qwen2.5-vl-72b-instruct' });
    openrouter.failNext('error-200');
    const r = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toBeUndefined();
    expect(r.metadata?.attempts).toBe(2);
    const q = make({
      backend: 'openrouter',
      baseUrl: openrouter.url,
      model: 'qwen/qwen2.5-vl-72b-instruct',
      maxRetries: 0,
    });
    openrouter.failNext('error-200');
    const e = await q.callApi(joint, { vars: { mode: 'joint' } });
    expect(e.error).toMatch(
      /error-in-200: .*the server answered 200 with an error \(code 502\): Provider returned error/,
    );
    expect(e.error).not.toMatch(/not an OpenAI chat completion/);
  });

  it('content null is an error, not an empty answer', async () => {
    const p = make({ backend: 'openrouter', baseUrl: openrouter.url, model: 'qwen/qwen2.5-vl-72b-instruct' });
    openrouter.failNext('content-null');
    const r = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.output).toBeUndefined();
    expect(r.error).toMatch(/bad-response: the server answered with message\.content null/);
  });
});

describe('resolution', () => {
  it('each row records the bounds its images were made with (from the PFA row config); hosted APIs take none', async () => {
    const p = make({ ...ds, baseUrl: dashscope.url });
    const image = { minPixels: 200_704, maxPixels: 1_003_520, factor: 28, format: 'jpeg', quality: 90 };
    const r = await p.callApi(joint, {
      vars: { mode: 'joint' },
      prompt: { config: { mmre: { mode: 'joint', image } } },
    });
    expect(r.error).toBeUndefined();
    expect(r.metadata?.resolution).toEqual({ minPixels: 200_704, maxPixels: 1_003_520, factor: 28, sentAs: 'none' });
    const bare = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(bare.metadata && 'resolution' in bare.metadata).toBe(false);
  });
});
