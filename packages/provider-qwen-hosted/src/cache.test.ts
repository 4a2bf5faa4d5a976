import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import {
  buildChatPrompt,
  fakePromptfooCache as fakeCache,
  startDashScopePeer,
  startOpenAIPeer,
} from '@mmre/provider-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenHostedConfigInput } from './config.js';
import { QwenHostedProvider } from './provider.js';

const KEY = 'sk-intl-cache-5e4d3c2b1a09f8e7d6c5';
const OR_KEY = 'sk-or-v1-cache-0011223344556677';

const made: QwenHostedProvider[] = [];
function make(config: QwenHostedConfigInput, env: Record<string, string>) {
  // request counts below are chat requests: the readiness check (tested in provider.test.ts) is off
  const p = new QwenHostedProvider({ config: { checkReady: false, ...config }, env }, { random: mulberry32(9) });
  made.push(p);
  return p;
}

let dashscope: Peer;
let openrouter: Peer;
let joint: string;
beforeAll(async () => {
  dashscope = await startDashScopePeer({ apiKey: KEY });
  openrouter = await startOpenAIPeer({ apiKey: OR_KEY, basePath: '/api/v1' });
  joint = await buildChatPrompt({ mode: 'joint', segments: 2 });
});
afterAll(async () => {
  await Promise.all(made.map((p) => p.cleanup()));
  await Promise.all([dashscope.close(), openrouter.close()]);
});

describe('QwenHostedProvider behind promptfoo’s cache (context.getCache)', () => {
  it('DashScope: a second identical call does not reach the server, says cached: true and costs nothing', async () => {
    const cache = fakeCache();
    const prices = { input: 2, output: 6 };
    const p = make(
      { backend: 'dashscope', baseUrl: dashscope.url, model: 'qwen2.5-vl-7b-instruct', prices },
      { DASHSCOPE_API_KEY: KEY },
    );
    const ctx = { vars: {}, getCache: () => cache };
    const before = dashscope.requests.length;
    const a = await p.callApi(joint, ctx);
    expect(a.error).toBeUndefined();
    expect(a.cost).toBeGreaterThan(0);
    const b = await p.callApi(joint, ctx);
    expect(dashscope.requests.length).toBe(before + 1);
    expect([b.cached, b.output, b.cost]).toEqual([true, a.output, undefined]);
    expect(b.tokenUsage?.cached).toBe(a.tokenUsage?.total);
    // the same request to the other region (another key, other servers) is another cache entry
    const cn = make(
      { backend: 'dashscope', region: 'cn', baseUrl: dashscope.url, model: 'qwen2.5-vl-7b-instruct', prices },
      { DASHSCOPE_API_KEY: KEY },
    );
    expect((await cn.callApi(joint, ctx)).cached).toBeUndefined();
    expect(dashscope.requests.length).toBe(before + 2);
    // neither the key nor anything that reveals it is in the cache
    const stored = JSON.stringify([...cache.map]);
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(encodeURIComponent(KEY));
    expect(cache.map.size).toBe(2);
  });

  it('OpenRouter: cached across providers with the same request; errors (401) are not stored', async () => {
    const cache = fakeCache();
    const ctx = { vars: {}, getCache: () => cache };
    const cfg = { backend: 'openrouter', baseUrl: openrouter.url, model: 'qwen/qwen2.5-vl-72b-instruct' } as const;
    const before = openrouter.requests.length;
    const a = await make(cfg, { OPENROUTER_API_KEY: OR_KEY }).callApi(joint, ctx);
    const b = await make(cfg, { OPENROUTER_API_KEY: OR_KEY }).callApi(joint, ctx);
    expect(a.error).toBeUndefined();
    expect([b.cached, b.output]).toEqual([true, a.output]);
    expect(openrouter.requests.length).toBe(before + 1);
    // a wrong key: 401 each time, reaching the server each time, nothing stored
    // (a new provider each time, as in a new run: within one, the first 401 stops further requests)
    const wrong = () => make({ ...cfg, maxTokens: 77, maxRetries: 0 }, { OPENROUTER_API_KEY: 'sk-or-wrong-000000' });
    expect((await wrong().callApi(joint, ctx)).error).toMatch(/401/);
    expect((await wrong().callApi(joint, ctx)).error).toMatch(/401/);
    expect(openrouter.requests.length).toBe(before + 3);
    expect(cache.map.size).toBe(1);
  });

  it('without getCache (called directly, not by promptfoo) every call reaches the server', async () => {
    const p = make(
      { backend: 'dashscope', baseUrl: dashscope.url, model: 'qwen2.5-vl-7b-instruct', seed: 11 },
      { DASHSCOPE_API_KEY: KEY },
    );
    const before = dashscope.requests.length;
    await p.callApi(joint, { vars: {} });
    expect((await p.callApi(joint, { vars: {} })).cached).toBeUndefined();
    expect(dashscope.requests.length).toBe(before + 2);
  });
});
