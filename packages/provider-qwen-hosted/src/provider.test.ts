import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, startDashScopePeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { FakeClock } from '@mmre/provider-transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenHostedConfigInput } from './config.js';
import type { ProviderInternals } from './provider.js';
import { QwenHostedProvider } from './provider.js';

const INTL_KEY = 'sk-intl-0f1e2d3c4b5a69788796a5b4';
const CN_KEY = 'sk-cn-99aa88bb77cc66dd55ee44ff';
const OR_KEY = 'sk-or-v1-1234567890abcdef1234567890';

const made: QwenHostedProvider[] = [];
function make(config: QwenHostedConfigInput, env: Record<string, string> = {}, internals: ProviderInternals = {}) {
  const p = new QwenHostedProvider({ config, env }, { random: mulberry32(5), ...internals });
  made.push(p);
  return p;
}

let intl: Peer;
let cn: Peer;
let openrouter: Peer;
let joint: string;

beforeAll(async () => {
  intl = await startDashScopePeer({ apiKey: INTL_KEY, faults: { rate: 0, retryAfterSeconds: 1 } });
  cn = await startDashScopePeer({ apiKey: CN_KEY });
  openrouter = await startOpenAIPeer({ apiKey: OR_KEY, basePath: '/api/v1' });
  joint = await buildChatPrompt({ mode: 'joint', segments: 2 });
});
afterAll(async () => {
  await Promise.all(made.map((p) => p.cleanup()));
  await Promise.all([intl.close(), cn.close(), openrouter.close()]);
});

const ds = (extra: Partial<QwenHostedConfigInput> = {}): QwenHostedConfigInput => ({
  backend: 'dashscope',
  baseUrl: intl.url,
  model: 'qwen2.5-vl-7b-instruct',
  ...extra,
});
/** What promptfoo hands a provider after the joint PFA prompt: the row's vars say the mode. */
const ctx = { vars: { mode: 'joint' } };

describe('config and keys', () => {
  it('selects the DashScope region endpoint and the default key variable', () => {
    const a = make({ backend: 'dashscope' }, { DASHSCOPE_API_KEY: INTL_KEY });
    expect(a.baseUrls).toEqual(['https://dashscope-intl.aliyuncs.com/compatible-mode/v1']);
    expect(a.apiKeyEnv).toBe('DASHSCOPE_API_KEY');
    const b = make({ backend: 'dashscope', region: 'cn' }, { DASHSCOPE_API_KEY: CN_KEY });
    expect(b.baseUrls).toEqual(['https://dashscope.aliyuncs.com/compatible-mode/v1']);
    expect(b.id()).toBe('qwen-hosted:dashscope-cn:qwen2.5-vl-72b-instruct');
    const c = make({ backend: 'openrouter' }, { OPENROUTER_API_KEY: OR_KEY });
    expect(c.baseUrls).toEqual(['https://openrouter.ai/api/v1']);
    expect(c.apiKeyEnv).toBe('OPENROUTER_API_KEY');
  });

  it('an empty baseUrl (a preset whose env override is unset) means the backend’s own endpoint and model check', () => {
    const env = { DASHSCOPE_API_KEY: CN_KEY };
    const a = make({ backend: 'dashscope', region: 'cn', baseUrl: '' }, env);
    expect(a.baseUrls).toEqual(['https://dashscope.aliyuncs.com/compatible-mode/v1']);
    expect(() => make({ backend: 'dashscope', baseUrl: '', model: 'gpt-4o' }, env)).toThrow(
      /unknown DashScope Qwen VL model "gpt-4o"/,
    );
    expect(make({ backend: 'dashscope', baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-4o' }, env).baseUrls).toEqual([
      'http://127.0.0.1:9/v1',
    ]);
  });

  it('a missing key names the variable (and the region), never a value', () => {
    const saved = process.env.DASHSCOPE_API_KEY;
    delete process.env.DASHSCOPE_API_KEY;
    try {
      expect(() => new QwenHostedProvider({ config: { region: 'cn' } })).toThrow(
        /no API key: the environment variable DASHSCOPE_API_KEY is not set \(a Beijing \(cn\) region key/,
      );
      expect(() => new QwenHostedProvider({ config: { backend: 'openrouter' }, env: {} })).toThrow(
        /OPENROUTER_API_KEY/,
      );
    } finally {
      if (saved !== undefined) process.env.DASHSCOPE_API_KEY = saved;
    }
  });

  it('rejects unknown options, wrong values and options of another backend, naming them', () => {
    const env = { DASHSCOPE_API_KEY: INTL_KEY };
    expect(() => make({ apiKey: INTL_KEY } as never, env)).toThrow(/unknown option config\.apiKey \(known options:/);
    expect(() => make({ region: 'eu' } as never, env)).toThrow(/config\.region/);
    expect(() => make({ model: 'gpt-4o' }, env)).toThrow(/config\.model: unknown DashScope Qwen VL model "gpt-4o"/);
    expect(() => make({ backend: 'openrouter', vlHighResolutionImages: true }, { OPENROUTER_API_KEY: OR_KEY })).toThrow(
      /config\.vlHighResolutionImages/,
    );
    expect(() => make({ backend: 'openai-compatible', baseUrl: 'https://x/v1', model: 'm' }, env)).toThrow(
      /config\.apiKeyEnv: backend 'openai-compatible' needs apiKeyEnv/,
    );
    expect(() => make({ apiKeyEnv: 'sk-live-abc' }, env)).toThrow(/NAME of an environment variable/);
  });
});

describe('DashScope against the DashScope-style peer', () => {
  it('answers with output, usage, cost and metadata; sends vl_high_resolution_images', async () => {
    const p = make(ds({ vlHighResolutionImages: true, prices: { input: 0.2, output: 0.6 } }), {
      DASHSCOPE_API_KEY: INTL_KEY,
    });
    const r = await p.callApi(joint, ctx);
    expect(r.error).toBeUndefined();
    expect(r.output).toContain('The request carried 3 images (64x48, 32x24, 31x23)');
    const u = r.tokenUsage as { prompt: number; completion: number; total: number };
    expect(u.total).toBe(u.prompt + u.completion);
    expect(r.cost).toBeCloseTo((u.prompt * 0.2 + u.completion * 0.6) / 1e6, 12);
    expect(r.metadata).toMatchObject({
      backend: 'dashscope',
      region: 'intl',
      model: 'qwen2.5-vl-7b-instruct',
      mode: 'joint',
      attempts: 1,
    });
    const last = intl.requests.at(-1);
    expect(last?.authorization).toBe(`Bearer ${INTL_KEY}`);
    expect((last?.body as Record<string, unknown> | undefined)?.vl_high_resolution_images).toBe(true);
    expect(JSON.stringify(r)).not.toContain(INTL_KEY);
  });

  it('the other region’s key is refused (DashScope’s invalid_api_key) by the readiness check, before any chat request', async () => {
    const notices: string[] = [];
    const before = intl.requests.length;
    const p = make(ds(), { DASHSCOPE_API_KEY: CN_KEY }, { notice: (l) => notices.push(l) });
    const rows = await Promise.all([p.callApi(joint, ctx), p.callApi(joint, ctx), p.callApi(joint, ctx)]);
    expect(intl.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual(['GET /compatible-mode/v1/models']);
    for (const r of rows) {
      expect(r.error).toMatch(
        /^QwenHostedProvider: not-ready: http:\/\/127\.0\.0\.1:\d+\/compatible-mode\/v1 refused the key \(HTTP 401: Incorrect API key provided: \[REDACTED\]\.\): check the key in DASHSCOPE_API_KEY \(an international \(intl\) region key/,
      );
      expect(JSON.stringify(r)).not.toContain(CN_KEY);
    }
    expect(notices).toHaveLength(1);
    expect(notices.join('')).not.toContain(CN_KEY);
    // what the check reports to a check of the whole run (the M-MRE extension's beforeAll): the same, once
    expect(await p.mmreReadiness()).toMatchObject({ ready: false, urls: [intl.url] });
    // without the check, the first chat request gets the 401 (not retried), reported without the key
    const after = intl.requests.length;
    const r = await make(ds({ checkReady: false }), { DASHSCOPE_API_KEY: CN_KEY }).callApi(joint, ctx);
    expect(intl.requests.length - after).toBe(1);
    expect(r.error).toMatch(/http-error: HTTP 401 from .*Incorrect API key provided: \[REDACTED\]/);
    expect(r.metadata).toMatchObject({ status: 401, errorCode: 'invalid_api_key' });
    expect(JSON.stringify(r)).not.toContain(CN_KEY);
    // the right key for the cn peer works there
    const ok = await make(ds({ baseUrl: cn.url, region: 'cn' }), { DASHSCOPE_API_KEY: CN_KEY }).callApi(joint, ctx);
    expect(ok.error).toBeUndefined();
  });

  it('an unknown model gets model_not_found at once', async () => {
    const r = await make(
      { backend: 'dashscope', baseUrl: intl.url, model: 'qwen-max' },
      { DASHSCOPE_API_KEY: INTL_KEY },
    ).callApi(joint, ctx);
    expect(r.error).toMatch(/HTTP 404 .*The model `qwen-max` does not exist or you do not have access to it/);
    expect(r.metadata?.errorCode).toBe('model_not_found');
  });

  it('retries limit_requests (429) after Retry-After, on the fake clock', async () => {
    const clock = new FakeClock();
    intl.failNext('429', 2);
    const r = await make(ds(), { DASHSCOPE_API_KEY: INTL_KEY }, { clock }).callApi(joint, ctx);
    expect(r.error).toBeUndefined();
    expect(r.metadata?.attempts).toBe(3);
    expect(clock.sleeps.filter((s) => s >= 1000)).toHaveLength(2);
  });

  it('applies requestsPerMinute client-side', async () => {
    const clock = new FakeClock();
    const p = make(ds({ requestsPerMinute: 30 }), { DASHSCOPE_API_KEY: INTL_KEY }, { clock });
    const t0 = clock.now();
    for (let i = 0; i < 3; i++) expect((await p.callApi('hello', ctx)).error).toBeUndefined();
    expect(clock.now() - t0).toBeGreaterThanOrEqual(4000); // 1 request per 2 s after the first
  });
});

describe('OpenRouter and any OpenAI-compatible endpoint', () => {
  it('openrouter: bearer key, attribution headers, model ids', async () => {
    const p = make(
      { backend: 'openrouter', baseUrl: openrouter.url, model: 'qwen/qwen-2.5-vl-7b-instruct', appTitle: 'mmre-eval' },
      { OPENROUTER_API_KEY: OR_KEY },
    );
    const r = await p.callApi(joint, ctx);
    expect(r.error).toBeUndefined();
    expect(openrouter.requests.at(-1)?.authorization).toBe(`Bearer ${OR_KEY}`);
    expect((openrouter.requests.at(-1)?.body as { model: string } | undefined)?.model).toBe(
      'qwen/qwen-2.5-vl-7b-instruct',
    );
    expect(p.id()).toBe('qwen-hosted:openrouter:qwen/qwen-2.5-vl-7b-instruct');
  });
  it('openai-compatible: key from apiKeyEnv', async () => {
    const p = make(
      { backend: 'openai-compatible', baseUrl: openrouter.url, model: 'any', apiKeyEnv: 'MY_GATEWAY_KEY' },
      { MY_GATEWAY_KEY: OR_KEY },
    );
    expect((await p.callApi(joint, ctx)).error).toBeUndefined();
  });
});

describe('30% injected faults over 200 DashScope requests', () => {
  it('every call ends as a success or a reported error; server-side ids show none lost or duplicated', async () => {
    const peer = await startDashScopePeer({
      apiKey: INTL_KEY,
      faults: { rate: 0.3, seed: 9, retryAfterSeconds: 0, slowMs: 2_500 },
    });
    try {
      const p = make(
        {
          backend: 'dashscope',
          baseUrl: peer.url,
          model: 'qwen-vl-max',
          timeoutMs: 2_000,
          maxRetries: 6,
          maxConcurrency: 32,
        },
        { DASHSCOPE_API_KEY: INTL_KEY },
        { backoff: { baseMs: 40, maxMs: 400 } },
      );
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => p.callApi(`Text: Alice${i} met Bob`, ctx)),
      );
      const ids = new Set<string>();
      results.forEach((r, i) => {
        const id = r.metadata?.requestId as string;
        ids.add(id);
        const seen = peer.requests.filter((q) => q.requestId === id);
        expect(seen.length).toBe(r.metadata?.attempts);
        expect(seen.filter((q) => q.outcome === 'ok').length).toBe(r.error === undefined ? 1 : 0);
        if (r.error === undefined) expect(r.output).toContain(`:person;Alice${i}`);
        else expect(r.error).toMatch(/: gave up after 7 attempts/);
        expect(JSON.stringify(r)).not.toContain(INTL_KEY);
      });
      expect(ids.size).toBe(200);
      expect(peer.requests.filter((q) => q.fault).length).toBeGreaterThan(40);
    } finally {
      await peer.close();
    }
  }, 60_000);
});
