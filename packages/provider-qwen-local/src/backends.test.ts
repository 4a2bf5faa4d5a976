// The local provider against peers as strict as each real server (see the testkit's openai-peer.ts and
// ollama-peer.ts for the behaviours and their sources): readiness, constraints, resolution, Ollama's limits.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, ImageEncoder, smartResize } from '@mmre/images';
import type { OpenAIBackend, Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, makeTestImage, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { FakeClock } from '@mmre/provider-transport/testing';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QwenLocalConfigInput } from './config.js';
import { QwenLocalProvider } from './provider.js';

const MODEL = 'Qwen/Qwen2.5-VL-7B-Instruct';
const peers: Peer[] = [];
const providers: QwenLocalProvider[] = [];
let dir: string;
let joint: string;
const segments = JSON.stringify([{ id: 'a' }, { id: 'b' }]);

async function peer(backend: OpenAIBackend, o: Parameters<typeof startOpenAIPeer>[0] = {}): Promise<Peer> {
  const p = await startOpenAIPeer({ backend, models: [MODEL], ...o });
  peers.push(p);
  return p;
}

function make(config: QwenLocalConfigInput, notices: string[] = [], clock = new FakeClock()): QwenLocalProvider {
  const p = new QwenLocalProvider(
    { config: { model: MODEL, maxRetries: 0, ...config } },
    { clock, notice: (l) => notices.push(l) },
  );
  providers.push(p);
  return p;
}

const posts = (p: Peer) => p.requests.filter((q) => q.method === 'POST');
const gets = (p: Peer) => p.requests.filter((q) => q.method === 'GET').map((q) => q.path);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-local-backends-'));
  joint = await buildChatPrompt({ mode: 'joint', segments: 2 });
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.cleanup()));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

describe('ready, or fail fast once', () => {
  it('a model that is not served fails every row with one message naming the served ones; no chat request is sent', async () => {
    const vllm = await peer('vllm', { models: ['mmre-joint'] });
    const notices: string[] = [];
    const p = make({ baseUrl: vllm.url }, notices);
    const rows = await Promise.all(Array.from({ length: 20 }, () => p.callApi(joint, { vars: { mode: 'joint' } })));
    expect(posts(vllm)).toHaveLength(0);
    expect(gets(vllm)).toEqual(['/health', '/v1/models']);
    for (const r of rows)
      expect(r.error).toMatch(
        /^QwenLocalProvider: not-ready: model "Qwen\/Qwen2\.5-VL-7B-Instruct" is not served by .*; it serves "mmre-joint"\. .*--served-model-name/,
      );
    expect(notices).toHaveLength(1);
  });

  it('a wrong base URL (no /v1) is named with the fix', async () => {
    const vllm = await peer('vllm');
    const r = await make({ baseUrl: vllm.origin }).callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toMatch(/not-ready: GET http:\/\/127\.0\.0\.1:\d+\/models answered HTTP 404 .*is baseUrl right\?/);
  });

  it('a refused key fails once, naming apiKeyEnv', async () => {
    const vllm = await peer('vllm', { apiKey: 'right-key-0123456789' });
    process.env.MMRE_TEST_WRONG_KEY = 'wrong-key-9876543210';
    const r = await make({ baseUrl: vllm.url, apiKeyEnv: 'MMRE_TEST_WRONG_KEY' }).callApi(joint, {
      vars: { mode: 'joint' },
    });
    expect(r.error).toMatch(/not-ready: .*refused the key \(HTTP 401: .*\): check apiKeyEnv/);
    expect(r.error).not.toContain('wrong-key-9876543210');
  });

  it('llama.cpp with a key: its /health and model list are public, so the key is checked on /props, before any row', async () => {
    const llama = await peer('llamacpp', { apiKey: 'right-key-0123456789' });
    process.env.MMRE_TEST_WRONG_KEY = 'wrong-key-9876543210';
    process.env.MMRE_TEST_RIGHT_KEY = 'right-key-0123456789';
    const bad = make({ backend: 'llamacpp', baseUrl: llama.url, apiKeyEnv: 'MMRE_TEST_WRONG_KEY' });
    const report = await bad.mmreReadiness();
    expect(report).toMatchObject({ ready: false, urls: [llama.url] });
    expect(report.message).toMatch(/refused the key \(HTTP 401: Invalid API Key: \[REDACTED\]\.\): check apiKeyEnv/);
    expect(gets(llama)).toEqual(['/health', '/props']);
    const r = await bad.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toMatch(/^QwenLocalProvider: not-ready: .*refused the key/);
    expect(posts(llama)).toHaveLength(0);
    const good = make({ backend: 'llamacpp', baseUrl: llama.url, apiKeyEnv: 'MMRE_TEST_RIGHT_KEY' });
    expect(await good.mmreReadiness()).toEqual({ provider: good.id(), urls: [llama.url], ready: true });
    expect((await good.callApi(joint, { vars: { mode: 'joint' } })).error).toBeUndefined();
  });

  it('no server: waits readyTimeoutMs (on the clock), then one clear message', async () => {
    const gone = await startOpenAIPeer();
    await gone.close();
    const clock = new FakeClock();
    const t0 = clock.now();
    const r = await make({ baseUrl: gone.url, readyTimeoutMs: 30_000 }, [], clock).callApi(joint, {
      vars: { mode: 'joint' },
    });
    expect(r.error).toMatch(
      /not-ready: no server answers at .* after waiting 30 s \(.*ECONNREFUSED.*\): is it running/,
    );
    expect(clock.now() - t0).toBeGreaterThanOrEqual(28_000);
    expect(clock.now() - t0).toBeLessThanOrEqual(30_000);
  });

  it("llama.cpp's 503 Loading model (no Retry-After) is waited for, then rows succeed", async () => {
    const llama = await peer('llamacpp', { loadingMs: 400 });
    const notices: string[] = [];
    const p = new QwenLocalProvider(
      { config: { backend: 'llamacpp', baseUrl: llama.url, maxRetries: 0 } },
      { notice: (l) => notices.push(l) },
    );
    providers.push(p);
    // real clock: the peer's loading time is real; the check polls every 2 s
    const r = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toBeUndefined();
    expect(llama.requests.filter((q) => q.path === '/health' && q.status === 503).length).toBeGreaterThanOrEqual(1);
    expect(notices.join('\n')).toMatch(/waited for the server to become ready/);
  }, 15_000);
});

describe('constraints that constrain', () => {
  it.each([
    ['vllm', 'structured_outputs.regex'],
    ['sglang', 'regex'],
    ['lmdeploy', 'response_format.regex_schema'],
    ['llamacpp', 'grammar'],
  ] as const)(
    '%s: constrainFormat true sends the field the server honours (%s) and it applies',
    async (backend, field) => {
      const server = await peer(backend);
      const p = make({ backend, baseUrl: server.url, constrainFormat: true });
      for (const mode of ['joint', 'summary', 'mner'] as const) {
        const r = await p.callApi(await buildChatPrompt({ mode: 'joint', segments: 2 }), { vars: { mode, segments } });
        expect(r.error).toBeUndefined();
        const last = posts(server).at(-1);
        expect(last?.constraint).toBe(field);
        expect(last?.ignoredFields ?? []).toEqual([]);
        // the constrained server answered in the mode of the constraint, not the prompt's
        expect(r.output).toMatch(mode === 'mner' ? /^Task 2 Answer:/ : /^Task 1 Answer:/);
      }
    },
  );

  it('vLLM: the field is picked from GET /version: guided_regex before 0.10.2, structured_outputs after', async () => {
    const old = await peer('vllm', { vllmVersion: '0.9.2' });
    const p = make({ baseUrl: old.url, constrainFormat: true });
    expect((await p.callApi(joint, { vars: { mode: 'joint', segments } })).error).toBeUndefined();
    expect(posts(old).at(-1)?.constraint).toBe('guided_regex');
    expect(gets(old)).toContain('/version');
    const now = await peer('vllm', { vllmVersion: '0.12.1' });
    const q = make({ baseUrl: now.url, constrainFormat: true });
    expect((await q.callApi(joint, { vars: { mode: 'joint', segments } })).error).toBeUndefined();
    expect(posts(now).at(-1)?.constraint).toBe('structured_outputs.regex');
  });

  it('control: guided_regex forced on vLLM >= 0.12 is ignored by the server, as the issue says (nothing constrains)', async () => {
    const now = await peer('vllm', { vllmVersion: '0.12.0' });
    const p = make({ baseUrl: now.url, constrainFormat: 'guided_regex' });
    const r = await p.callApi(joint, { vars: { mode: 'summary', segments } });
    expect(r.error).toBeUndefined();
    expect(posts(now).at(-1)?.ignoredFields).toEqual(['guided_regex']);
    expect(posts(now).at(-1)?.constraint).toBeUndefined();
    expect(r.output).toMatch(/Task 2 Answer:/); // unconstrained: the joint prompt's answer, not the summary format
  });

  it('a backend that cannot constrain says so once at start', async () => {
    const ollama = await startOllamaPeer({ models: ['qwen2.5vl:7b'] });
    peers.push(ollama);
    const notices: string[] = [];
    const p = make({ backend: 'ollama', baseUrl: ollama.url, model: 'qwen2.5vl:7b', constrainFormat: true }, notices);
    await Promise.all([1, 2, 3].map(() => p.callApi(joint, { vars: { mode: 'joint' } })));
    expect(
      notices.filter((n) => /has no regex or grammar constraint; answers are NOT constrained/.test(n)),
    ).toHaveLength(1);
  });
});

describe('one resolution', () => {
  async function refPrompt(settings: { minPixels: number; maxPixels: number }) {
    const main = join(dir, 'big.png');
    await writeFile(main, await makeTestImage(1400, 1000, { r: 120, g: 30, b: 60 })); // 1.4 Mpx: resized down
    const small = join(dir, 'small.png');
    await writeFile(small, await makeTestImage(200, 150, { r: 30, g: 120, b: 60 })); // 30 kpx: resized up
    const enc = new ImageEncoder();
    const refs = [await enc.ref(main, settings), await enc.ref(small, settings)];
    return {
      prompt: JSON.stringify([
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: refs[0] } },
            { type: 'text', text: 'Segment a:' },
            { type: 'image_url', image_url: { url: refs[1] } },
            { type: 'text', text: 'Describe it.' },
          ],
        },
      ]),
      sources: [
        [1000, 1400],
        [150, 200],
      ] as const,
    };
  }

  it.each([
    ['vllm', 'mm_processor_kwargs'],
    ['lmdeploy', 'image_url'],
  ] as const)(
    '%s: the prompt bounds go to the server (%s); the images it receives are smart_resize for the recorded bounds, and it does not resize again',
    async (backend, sentAs) => {
      // a server started with narrower bounds than the prompt's (the old vLLM preset's 3136–802816)
      const server = await peer(backend, { serverMinPixels: 3136, serverMaxPixels: 802_816, imageValidation: 'full' });
      const bounds = { minPixels: DEFAULT_MIN_PIXELS, maxPixels: DEFAULT_MAX_PIXELS };
      const { prompt, sources } = await refPrompt(bounds);
      const r = await make({ backend, baseUrl: server.url }).callApi(prompt, { vars: { mode: 'summary' } });
      expect(r.error).toBeUndefined();
      expect(r.metadata?.resolution).toEqual({ ...bounds, factor: 28, sentAs });
      const rec = posts(server).at(-1);
      const body = rec?.body as { messages: { content: { type: string; image_url?: { url: string } }[] }[] };
      const urls =
        body.messages[0]?.content.filter((c) => c.type === 'image_url').map((c) => c.image_url?.url as string) ?? [];
      expect(urls).toHaveLength(2);
      for (const [i, url] of urls.entries()) {
        const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
        const [h, w] = smartResize(sources[i]?.[0] as number, sources[i]?.[1] as number, { ...bounds, factor: 28 });
        expect([meta.height, meta.width]).toEqual([h, w]);
        const seen = rec?.images?.[i];
        expect(seen?.minPixels).toBe(bounds.minPixels);
        expect(seen?.maxPixels).toBe(bounds.maxPixels);
        expect(seen?.seen).toEqual({ width: w, height: h }); // what the model sees is what the row records
      }
    },
  );

  it('sglang takes no bounds per request: none are sent (said once), the images arrive as smart_resize made them, and a server with its default bounds keeps them', async () => {
    const notices: string[] = [];
    const server = await peer('sglang', { imageValidation: 'full' }); // Qwen2.5-VL's own 3136–12845056
    const bounds = { minPixels: DEFAULT_MIN_PIXELS, maxPixels: DEFAULT_MAX_PIXELS };
    const { prompt, sources } = await refPrompt(bounds);
    const p = make({ backend: 'sglang', baseUrl: server.url }, notices);
    const r = await p.callApi(prompt, { vars: { mode: 'summary' } });
    await p.callApi(prompt, { vars: { mode: 'summary' } });
    expect(r.error).toBeUndefined();
    expect(r.metadata?.resolution).toEqual({ ...bounds, factor: 28, sentAs: 'none' });
    expect(notices.filter((n) => /backend 'sglang' takes no per-request image bounds/.test(n))).toHaveLength(1);
    const rec = posts(server).at(-1);
    expect(rec?.body).not.toHaveProperty('mm_processor_kwargs');
    for (const [i, im] of (rec?.images ?? []).entries()) {
      const [h, w] = smartResize(sources[i]?.[0] as number, sources[i]?.[1] as number, { ...bounds, factor: 28 });
      expect([im.height, im.width]).toEqual([h, w]);
      expect(im.seen).toEqual({ width: w, height: h }); // kept as they came
    }
    // what SGLang does with bounds a client sends anyway: nothing (not a field of its request)
    const extra = make({
      backend: 'sglang',
      baseUrl: server.url,
      extraBody: { mm_processor_kwargs: { max_pixels: 3136 } },
    });
    expect((await extra.callApi(prompt, { vars: { mode: 'summary' } })).error).toBeUndefined();
    expect(posts(server).at(-1)?.ignoredFields).toContain('mm_processor_kwargs');
    expect(posts(server).at(-1)?.images?.[0]?.seen.width).toBe(rec?.images?.[0]?.seen.width);
  });

  it('control: without the pin the same server resizes the big image a second time', async () => {
    const server = await peer('vllm', { serverMinPixels: 3136, serverMaxPixels: 802_816 });
    const bounds = { minPixels: DEFAULT_MIN_PIXELS, maxPixels: DEFAULT_MAX_PIXELS };
    const { prompt } = await refPrompt(bounds);
    const r = await make({ baseUrl: server.url, pinResolution: false }).callApi(prompt, { vars: { mode: 'summary' } });
    expect(r.error).toBeUndefined();
    const [big] = posts(server).at(-1)?.images ?? [];
    expect(big?.seen.width).toBeLessThan(big?.width as number);
    expect(r.metadata?.resolution).toMatchObject({ sentAs: 'none' });
  });

  it('config pins that differ from the prompt bounds are an error, not a second resize', async () => {
    const server = await peer('vllm');
    const { prompt } = await refPrompt({ minPixels: DEFAULT_MIN_PIXELS, maxPixels: DEFAULT_MAX_PIXELS });
    const r = await make({ baseUrl: server.url, minPixels: 3136, maxPixels: 802_816 }).callApi(prompt, {
      vars: { mode: 'summary' },
    });
    expect(r.error).toMatch(
      /bad-prompt: config\.minPixels\/maxPixels \(3136–802816\) differ from the bounds .*\(200704–1003520\)/,
    );
    expect(posts(server)).toHaveLength(0);
  });
});

describe('limits checked before sending', () => {
  it('more images than maxImagesPerPrompt is one clear error and no request', async () => {
    const server = await peer('vllm', { maxImagesPerPrompt: 8 });
    const many = await buildChatPrompt({ mode: 'joint', segments: 8 }); // 9 images
    const r = await make({ baseUrl: server.url, maxImagesPerPrompt: 8 }).callApi(many, { vars: { mode: 'joint' } });
    expect(r.error).toMatch(/bad-prompt: the prompt has 9 images, more than maxImagesPerPrompt \(8/);
    expect(posts(server)).toHaveLength(0);
  });

  it('Ollama: one request at a time by default (OLLAMA_NUM_PARALLEL=1), none queued past the timeout', async () => {
    const ollama = await startOllamaPeer({ models: ['qwen2.5vl:7b'], generateMs: 30 });
    peers.push(ollama);
    const p = make({ backend: 'ollama', baseUrl: ollama.url, model: 'qwen2.5vl:7b', timeoutMs: 2_000 });
    expect(p.config.maxConcurrency).toBe(1);
    const rows = await Promise.all(Array.from({ length: 6 }, () => p.callApi(joint, { vars: { mode: 'joint' } })));
    for (const r of rows) expect(r.error).toBeUndefined();
    expect(ollama.maxConcurrent).toBe(1);
  });

  it('Ollama: a prompt over num_ctx is refused by the provider (numCtx) or by the server (truncate: false), never cut', async () => {
    const ollama = await startOllamaPeer({ models: ['qwen2.5vl:7b'], numCtx: 1024 });
    peers.push(ollama);
    const p = make({ backend: 'ollama', baseUrl: ollama.url, model: 'qwen2.5vl:7b', numCtx: 2048 });
    const r = await p.callApi(joint, { vars: { mode: 'joint' } });
    expect(r.error).toMatch(/bad-prompt: the prompt may need up to \d+ tokens .*more than numCtx \(2048\)/);
    const q = make({ backend: 'ollama', baseUrl: ollama.url, model: 'qwen2.5vl:7b' });
    const s = await q.callApi(joint, { vars: { mode: 'joint' } });
    expect(s.error).toMatch(/HTTP 400 .*the prompt is longer than the context length currently available/);
    expect(ollama.requests.filter((x) => x.method === 'POST' && x.status === 200)).toHaveLength(0);
  });
});

describe('a server that dies during the run', () => {
  it('the rows after its death end at once, each saying why, instead of 5 attempts × timeout each', async () => {
    const server = await startOpenAIPeer({ models: [MODEL], latencyMs: 5 });
    const p = new QwenLocalProvider(
      { config: { model: MODEL, baseUrl: server.url, maxRetries: 4, timeoutMs: 2_000, maxConcurrency: 4 } },
      { breaker: { threshold: 5, openMs: 60_000, minDownMs: 0 }, backoff: { baseMs: 10, maxMs: 20 }, notice: () => {} },
    );
    providers.push(p);
    const first = await Promise.all(Array.from({ length: 8 }, () => p.callApi(joint, { vars: { mode: 'joint' } })));
    for (const r of first) expect(r.error).toBeUndefined();
    await server.close(); // the server dies
    const t0 = performance.now();
    const rest = await Promise.all(Array.from({ length: 40 }, () => p.callApi(joint, { vars: { mode: 'joint' } })));
    const wall = performance.now() - t0;
    expect(wall).toBeLessThan(5_000);
    for (const r of rest) expect(r.error).toMatch(/QwenLocalProvider: (connection|circuit-open): /);
    expect(
      rest.filter((r) =>
        /circuit-open: circuit open: .* failed \d+ times in a row \(last: connection/.test(r.error ?? ''),
      ).length,
    ).toBeGreaterThan(30);
  });
});
