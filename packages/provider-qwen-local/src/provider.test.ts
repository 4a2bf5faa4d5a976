import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenLocalConfigInput } from './config.js';
import { QwenLocalProvider } from './provider.js';

const providers: QwenLocalProvider[] = [];
function make(config: QwenLocalConfigInput, id?: string): QwenLocalProvider {
  // request counts below are chat requests: the readiness check (tested in readiness.test.ts) is off
  const c = { checkReady: false, ...config };
  const p = new QwenLocalProvider(id ? { id, config: c } : { config: c }, { random: mulberry32(3) });
  providers.push(p);
  return p;
}

let vllm: Peer;
let ollama: Peer;
let joint: string;
const vars = (mode?: string) => ({ vars: mode ? { mode } : {} });

beforeAll(async () => {
  vllm = await startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-7B-Instruct'], maxImagesPerPrompt: 5 });
  ollama = await startOllamaPeer({ models: ['qwen2.5vl:7b'] });
  joint = await buildChatPrompt({ mode: 'joint', segments: 2, width: 64, height: 48 });
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.cleanup()));
  await vllm.close();
  await ollama.close();
});

const lastBody = (peer: Peer) => peer.requests.at(-1)?.body as Record<string, unknown>;

describe('config validation', () => {
  it('rejects an unknown option, naming it and listing the known ones', () => {
    expect(() => new QwenLocalProvider({ config: { maxToken: 5 } })).toThrow(
      /QwenLocalProvider: invalid provider config: unknown option config\.maxToken \(known options: backend, model/,
    );
  });
  it('rejects a wrong type or value, naming the option', () => {
    expect(() => new QwenLocalProvider({ config: { temperature: 'hot' } })).toThrow(/config\.temperature/);
    expect(() => new QwenLocalProvider({ config: { backend: 'tgi' } })).toThrow(/config\.backend/);
    expect(() => new QwenLocalProvider({ config: { baseUrl: 'localhost' } })).toThrow(/config\.baseUrl: must be a URL/);
    expect(() => new QwenLocalProvider({ config: { maxConcurrency: 0 } })).toThrow(/config\.maxConcurrency/);
  });
  it('enforces backend-specific rules', () => {
    expect(() => new QwenLocalProvider({ config: { backend: 'openai-compatible', model: 'm' } })).toThrow(
      /config\.baseUrl: backend 'openai-compatible' needs baseUrl/,
    );
    expect(() => new QwenLocalProvider({ config: { backend: 'sglang', minPixels: 1000 } })).toThrow(
      /config\.minPixels: .*mm_processor_kwargs/,
    );
    expect(() => new QwenLocalProvider({ config: { backend: 'ollama', constrainFormat: 'regex' } })).toThrow(
      /config\.constrainFormat: 'regex' is a sglang field; backend 'ollama' has no regex or grammar constraint/,
    );
    expect(() => new QwenLocalProvider({ config: { backend: 'sglang', constrainFormat: 'grammar' } })).toThrow(
      /'grammar' is a llamacpp field; backend 'sglang' takes 'regex'/,
    );
    expect(() => new QwenLocalProvider({ config: { backend: 'vllm', numCtx: 4096 } })).toThrow(/config\.numCtx/);
    expect(() => new QwenLocalProvider({ config: { minPixels: 9, maxPixels: 3 } })).toThrow(/minPixels \(9\)/);
    expect(() => new QwenLocalProvider({ config: { baseUrl: 'http://a/v1', baseUrls: ['http://b/v1'] } })).toThrow(
      /not both/,
    );
  });
  it('names a missing API key variable, not a value', () => {
    delete process.env.MMRE_TEST_MISSING_KEY;
    expect(() => new QwenLocalProvider({ config: { apiKeyEnv: 'MMRE_TEST_MISSING_KEY' } })).toThrow(
      /environment variable MMRE_TEST_MISSING_KEY, which is not set/,
    );
    expect(() => new QwenLocalProvider({ config: { apiKeyEnv: 'sk-abc123' } })).toThrow(
      /NAME of an environment variable/,
    );
  });
  it('uses each backend default URL and model; the id is stable', () => {
    const cases = [
      ['vllm', 'http://127.0.0.1:8000/v1'],
      ['sglang', 'http://127.0.0.1:30000/v1'],
      ['lmdeploy', 'http://127.0.0.1:23333/v1'],
      ['llamacpp', 'http://127.0.0.1:8080/v1'],
      ['ollama', 'http://127.0.0.1:11434'],
    ] as const;
    for (const [backend, url] of cases) {
      const p = make({ backend });
      expect(p.baseUrls).toEqual([url]);
      expect(p.id()).toBe(`qwen-local:${backend}:${p.model}`);
    }
    expect(make({}, 'my-id').id()).toBe('my-id');
    expect(make({}).config.temperature).toBe(0);
  });
});

describe('vLLM backend against the vLLM-style peer', () => {
  it('sends content parts and returns output, usage, latency and metadata without secrets', async () => {
    const p = make({ baseUrl: vllm.url, maxTokens: 512, seed: 7, topP: 0.9, minPixels: 3136, maxPixels: 1003520 });
    const r = await p.callApi(joint, vars('joint'));
    expect(r.error).toBeUndefined();
    // the peer decoded all three images and echoes their sizes in order
    expect(r.output).toContain('The request carried 3 images (64x48, 32x24, 31x23) and 2 segment labels.');
    expect(r.output).toContain("image-entity pair: {'a': 'Spurs', 'b': 'Thunder'}");
    expect(r.tokenUsage?.total).toBe((r.tokenUsage?.prompt ?? 0) + (r.tokenUsage?.completion ?? 0));
    expect(r.tokenUsage?.prompt).toBeGreaterThan(0);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.metadata).toMatchObject({ backend: 'vllm', attempts: 1, mode: 'joint' });
    // one base URL: the replica is implied, not stored
    expect(r.metadata).not.toHaveProperty('replica');
    expect(r.cost).toBeUndefined();
    const body = lastBody(vllm);
    expect(body).toMatchObject({
      model: 'Qwen/Qwen2.5-VL-7B-Instruct',
      temperature: 0,
      max_tokens: 512,
      seed: 7,
      top_p: 0.9,
      mm_processor_kwargs: { min_pixels: 3136, max_pixels: 1003520 },
    });
    expect(body.structured_outputs).toBeUndefined();
  });

  it('constrainFormat sends the PFA regex of the mode as structured_outputs (or guided_regex)', async () => {
    for (const mode of ['joint', 'summary', 'mner'] as const) {
      const prompt = await buildChatPrompt({ mode, segments: 3 });
      // the segment letters come from vars.segments, as the dataset test generator writes them
      const segments = JSON.stringify(['a', 'b', 'c'].map((id) => ({ id, path: null, box: null })));
      const r = await make({ baseUrl: vllm.url, constrainFormat: true }).callApi(prompt, { vars: { mode, segments } });
      expect(r.error).toBeUndefined(); // the peer checks its answer against the regex (500 otherwise)
      const so = lastBody(vllm).structured_outputs as { regex: string };
      if (mode !== 'summary') expect(so.regex).toContain("'(a|b|c)'");
      expect(so.regex.includes('Task 1 Answer:')).toBe(mode !== 'mner');
      expect(so.regex.includes('Task 2 Answer:')).toBe(mode !== 'summary');
      expect(r.metadata?.mode).toBe(mode);
    }
    const r = await make({ baseUrl: vllm.url, constrainFormat: 'guided_regex' }).callApi(joint, vars('joint'));
    expect(r.error).toBeUndefined();
    // without vars.segments any lower-case segment key is allowed
    expect(lastBody(vllm).guided_regex).toContain("'[a-z]+'");
    expect(lastBody(vllm).structured_outputs).toBeUndefined();
  });

  it('constrainFormat without a known mode is a reported error; vars.mode and config.mode decide the mode', async () => {
    const r = await make({ baseUrl: vllm.url, constrainFormat: true }).callApi('Describe the picture.', vars());
    expect(r.error).toMatch(/bad-prompt: constrainFormat needs the mode/);
    // the prompt text is never searched for the mode: a PFA prompt without vars.mode has none
    const r1 = await make({ baseUrl: vllm.url, constrainFormat: true }).callApi(joint, vars());
    expect(r1.error).toMatch(/bad-prompt: constrainFormat needs the mode/);
    const r2 = await make({ baseUrl: vllm.url, constrainFormat: true }).callApi('Describe it.', vars('summary'));
    expect(r2.error).toBeUndefined();
    expect(r2.metadata?.mode).toBe('summary');
    const r3 = await make({ baseUrl: vllm.url, mode: 'mner' }).callApi(joint, vars('summary'));
    expect(r3.metadata?.mode).toBe('mner');
  });

  it('plain text prompts become one user message; extraBody is passed through', async () => {
    const r = await make({ baseUrl: vllm.url, extraBody: { repetition_penalty: 1.05 } }).callApi('Hello there', vars());
    expect(r.error).toBeUndefined();
    expect(lastBody(vllm).messages).toEqual([{ role: 'user', content: 'Hello there' }]);
    expect(lastBody(vllm).repetition_penalty).toBe(1.05);
  });

  it('reports a 400 at once with the server message (image limit, context length)', async () => {
    const before = vllm.requests.length;
    const many = await buildChatPrompt({ mode: 'joint', segments: 5 });
    const r = await make({ baseUrl: vllm.url }).callApi(many, vars());
    expect(vllm.requests.length - before).toBe(1);
    expect(r.output).toBeUndefined();
    expect(r.error).toMatch(/http-error: HTTP 400 from .*At most 5 image\(s\) may be provided in one prompt/);
    expect(r.metadata).toMatchObject({ status: 400, attempts: 1, failure: 'http-error' });
    const r2 = await make({ baseUrl: vllm.url, maxTokens: 40_000 }).callApi(joint, vars());
    expect(r2.error).toMatch(/maximum context length is 32768 tokens/);
  });

  it('reports prices as cost', async () => {
    const r = await make({ baseUrl: vllm.url, prices: { input: 2, output: 6 } }).callApi(joint, vars());
    const u = r.tokenUsage as { prompt: number; completion: number };
    expect(r.cost).toBeCloseTo((u.prompt * 2 + u.completion * 6) / 1e6, 12);
  });

  it('honours Retry-After (measured)', async () => {
    const peer = await startOpenAIPeer({ faults: { rate: 0, retryAfterSeconds: 1 } });
    try {
      peer.failNext('429');
      const t0 = performance.now();
      const r = await make({ baseUrl: peer.url }).callApi(joint, vars());
      expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
      expect(r.error).toBeUndefined();
      expect(r.metadata?.attempts).toBe(2);
    } finally {
      await peer.close();
    }
  });

  it('sends the key from apiKeyEnv as a Bearer token and never returns it', async () => {
    const key = 'vllm-local-key-5b0b9d0e2a';
    const peer = await startOpenAIPeer({ apiKey: key });
    process.env.MMRE_TEST_VLLM_KEY = key;
    try {
      const r = await make({ baseUrl: peer.url, apiKeyEnv: 'MMRE_TEST_VLLM_KEY' }).callApi(joint, vars());
      expect(r.error).toBeUndefined();
      expect(peer.requests.at(-1)?.authorization).toBe(`Bearer ${key}`);
      expect(JSON.stringify(r)).not.toContain(key);
      process.env.MMRE_TEST_VLLM_KEY_WRONG = `${key}-wrong`;
      const bad = await make({ baseUrl: peer.url, apiKeyEnv: 'MMRE_TEST_VLLM_KEY_WRONG' }).callApi(joint, vars());
      expect(bad.error).toMatch(/Incorrect API key provided: \[REDACTED\]/);
      expect(JSON.stringify(bad)).not.toContain(key);
    } finally {
      delete process.env.MMRE_TEST_VLLM_KEY;
      delete process.env.MMRE_TEST_VLLM_KEY_WRONG;
      await peer.close();
    }
  });

  it('balances over baseUrls replicas', async () => {
    const a = await startOpenAIPeer({ latencyMs: 15 });
    const b = await startOpenAIPeer({ latencyMs: 15 });
    try {
      const p = make({ baseUrls: [a.url, b.url], maxConcurrency: 8, model: 'm' });
      const rs = await Promise.all(Array.from({ length: 16 }, () => p.callApi('hi', vars())));
      expect(rs.every((r) => r.error === undefined)).toBe(true);
      expect(a.requests.length).toBe(8);
      expect(b.requests.length).toBe(8);
      expect(new Set(rs.map((r) => r.metadata?.replica))).toEqual(new Set([a.url, b.url]));
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('other OpenAI-compatible backends against the peer', () => {
  it.each(['sglang', 'lmdeploy', 'llamacpp', 'openai-compatible'] as const)('%s', async (backend) => {
    const p = make({ backend, baseUrl: vllm.url, model: 'Qwen/Qwen2.5-VL-7B-Instruct' });
    const r = await p.callApi(joint, vars());
    expect(r.error).toBeUndefined();
    expect(r.output).toContain('Task 2 Answer:');
    expect(r.metadata?.backend).toBe(backend);
    expect(lastBody(vllm).mm_processor_kwargs).toBeUndefined();
  });
  it('sglang constrainFormat sends regex', async () => {
    const r = await make({
      backend: 'sglang',
      baseUrl: vllm.url,
      constrainFormat: true,
      model: 'Qwen/Qwen2.5-VL-7B-Instruct',
    }).callApi(joint, vars('joint'));
    expect(r.error).toBeUndefined();
    expect(typeof lastBody(vllm).regex).toBe('string');
  });
});

describe('Ollama backend against the native peer', () => {
  it('sends raw base64 images in one message with [img] at their places, truncate false, stream false', async () => {
    const p = make({ backend: 'ollama', baseUrl: ollama.url, maxTokens: 300, seed: 1 });
    const r = await p.callApi(joint, vars());
    expect(r.error).toBeUndefined();
    expect(r.output).toContain('The request carried 3 images (64x48, 32x24, 31x23) and 2 segment labels.');
    expect(r.tokenUsage?.total).toBeGreaterThan(0);
    const body = lastBody(ollama) as {
      stream: boolean;
      truncate: boolean;
      options: Record<string, unknown>;
      messages: { role: string; content: string; images?: string[] }[];
    };
    expect(body.stream).toBe(false);
    expect(body.truncate).toBe(false);
    expect(body.options).toEqual({ temperature: 0, num_predict: 300, seed: 1 });
    expect(body.messages).toHaveLength(1);
    const [m] = body.messages;
    expect(m?.images).toHaveLength(3);
    expect(m?.content.split('\n').slice(0, 5)).toEqual(['[img]', 'Segment a:', '[img]', 'Segment b:', '[img]']);
    for (const im of m?.images ?? []) expect(im.startsWith('data:')).toBe(false);
    // what Ollama's template sees: each image at its place, main image first (server/prompt.go:116-121)
    expect(ollama.requests.at(-1)?.prompt?.split('\n').slice(0, 5)).toEqual([
      '[img-0]',
      'Segment a:',
      '[img-1]',
      'Segment b:',
      '[img-2]',
    ]);
  });
  it('reports an unknown model with Ollama’s message', async () => {
    const r = await make({ backend: 'ollama', baseUrl: ollama.url, model: 'llava' }).callApi(joint, vars());
    expect(r.error).toMatch(/HTTP 404 .*model "llava" not found, try pulling it first/);
  });
});
