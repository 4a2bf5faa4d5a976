// The peers reproduce what each real server does (sources cited in openai-peer.ts and ollama-peer.ts).
import { parseAnswer } from '@mmre/core';
import { describe, expect, it } from 'vitest';
import { deterministicAnswer } from './answer.js';
import { buildChatPrompt, makeTestImage } from './images.js';
import { startOllamaPeer } from './ollama-peer.js';
import type { OpenAIBackend } from './openai-peer.js';
import { serverSmartResize, startOpenAIPeer } from './openai-peer.js';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, headers: r.headers };
}

describe('error bodies per backend', () => {
  const cases: [OpenAIBackend, (j: Record<string, unknown>) => void][] = [
    [
      'vllm',
      (j) => expect(j).toMatchObject({ error: { message: expect.any(String), type: 'NotFoundError', code: 404 } }),
    ],
    ['sglang', (j) => expect(j).toMatchObject({ object: 'error', message: expect.any(String), code: 404 })],
    ['lmdeploy', (j) => expect(j).toMatchObject({ object: 'error', type: 'not_found_error', code: 404 })],
    ['llamacpp', (j) => expect(j).toMatchObject({ error: { code: 404, type: 'not_found_error' } })],
    ['openrouter', (j) => expect(j).toMatchObject({ error: { code: 404, message: expect.any(String) } })],
    [
      'dashscope',
      (j) => expect(j).toMatchObject({ error: { code: 'model_not_found' }, request_id: expect.any(String) }),
    ],
  ];
  for (const [backend, check] of cases)
    it(`${backend}: an unknown model`, async () => {
      const peer = await startOpenAIPeer({ backend, models: ['served'] });
      try {
        const r = await post(`${peer.url}/chat/completions`, {
          model: 'other',
          messages: [{ role: 'user', content: 'x' }],
        });
        // llama.cpp serves its one model under any name
        if (backend === 'llamacpp') expect(r.status).toBe(200);
        else {
          expect(r.status).toBe(404);
          check(r.json);
        }
        const nf = await post(`${peer.url}/nowhere`, {});
        expect(nf.status).toBe(404);
        if (backend === 'llamacpp') check(nf.json);
      } finally {
        await peer.close();
      }
    });
});

describe('vLLM by version', () => {
  const body = (extra: Record<string, unknown>) => ({
    model: 'm',
    messages: [{ role: 'user', content: 'Task 1 Answer: please' }],
    ...extra,
  });
  it('>= 0.12 ignores guided_regex (an extra field) and honours structured_outputs; < 0.10.2 the other way round', async () => {
    const now = await startOpenAIPeer({ vllmVersion: '0.12.0' });
    const old = await startOpenAIPeer({ vllmVersion: '0.10.1' });
    try {
      await post(`${now.url}/chat/completions`, body({ guided_regex: 'Task 1 Answer: [^\\n]+' }));
      expect(now.requests.at(-1)).toMatchObject({ ignoredFields: ['guided_regex'] });
      expect(now.requests.at(-1)?.constraint).toBeUndefined();
      await post(`${now.url}/chat/completions`, body({ structured_outputs: { regex: 'Task 1 Answer: [^\\n]+' } }));
      expect(now.requests.at(-1)?.constraint).toBe('structured_outputs.regex');
      await post(`${old.url}/chat/completions`, body({ structured_outputs: { regex: 'x' } }));
      expect(old.requests.at(-1)).toMatchObject({ ignoredFields: ['structured_outputs'] });
      const v = await (await fetch(`${old.origin}/version`)).json();
      expect(v).toEqual({ version: '0.10.1' });
    } finally {
      await now.close();
      await old.close();
    }
  });
});

describe('llama.cpp', () => {
  it('answers 503 Loading model without Retry-After while loading, except the model list; a bad grammar is a 400', async () => {
    const peer = await startOpenAIPeer({ backend: 'llamacpp', loadingMs: 300 });
    try {
      const h = await fetch(`${peer.origin}/health`);
      expect(h.status).toBe(503);
      expect(h.headers.get('retry-after')).toBeNull();
      expect(await h.json()).toEqual({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
      expect((await fetch(`${peer.url}/models`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 350));
      expect((await fetch(`${peer.origin}/health`)).status).toBe(200);
      const bad = await post(`${peer.url}/chat/completions`, {
        model: 'x',
        messages: [{ role: 'user', content: 'x' }],
        grammar: 'root ::= ("a"',
      });
      expect(bad.status).toBe(400);
      expect(String((bad.json.error as { message: string }).message)).toMatch(/^Failed to parse grammar/);
    } finally {
      await peer.close();
    }
  });
});

describe('keys as the servers check them', () => {
  it('llama.cpp asks no key on its health and model routes, only elsewhere (/props), and says "Invalid API Key"', async () => {
    const peer = await startOpenAIPeer({ backend: 'llamacpp', apiKey: 'k-123', echoKeyInErrors: false });
    try {
      for (const path of ['/health', '/v1/health', '/v1/models', '/models', '/api/tags'])
        expect((await fetch(`${peer.origin}${path}`)).status, path).not.toBe(401);
      const props = await fetch(`${peer.origin}/props`);
      expect(props.status).toBe(401);
      expect(await props.json()).toEqual({
        error: { code: 401, message: 'Invalid API Key.', type: 'authentication_error' },
      });
      expect((await fetch(`${peer.origin}/props`, { headers: { authorization: 'Bearer k-123' } })).status).toBe(200);
    } finally {
      await peer.close();
    }
  });

  it('OpenRouter answers GET /key with the key, 401 without it', async () => {
    const peer = await startOpenAIPeer({ backend: 'openrouter', apiKey: 'sk-or-1', basePath: '/api/v1' });
    try {
      expect((await fetch(`${peer.url}/key`)).status).toBe(401);
      const ok = await fetch(`${peer.url}/key`, { headers: { authorization: 'Bearer sk-or-1' } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ data: { usage: 0 } });
    } finally {
      await peer.close();
    }
  });
});

describe('resolution as the server sees it', () => {
  it("resizes with the request's bounds (vLLM mm_processor_kwargs) or its own", async () => {
    const peer = await startOpenAIPeer({ serverMinPixels: 3136, serverMaxPixels: 200_000 });
    try {
      const png = (await makeTestImage(800, 600)).toString('base64');
      const messages = [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] },
      ];
      await post(`${peer.url}/chat/completions`, { model: 'm', messages });
      expect(peer.requests.at(-1)?.images?.[0]?.seen).toEqual(serverSmartResize(600, 800, 3136, 200_000));
      await post(`${peer.url}/chat/completions`, {
        model: 'm',
        messages,
        mm_processor_kwargs: { min_pixels: 3136, max_pixels: 1_000_000 },
      });
      expect(peer.requests.at(-1)?.images?.[0]?.seen).toEqual({ width: 812, height: 588 }); // only the grid rounding
    } finally {
      await peer.close();
    }
  });
});

describe('Ollama', () => {
  it('one generation at a time (OLLAMA_NUM_PARALLEL=1); past OLLAMA_MAX_QUEUE a 503 "server busy"', async () => {
    const peer = await startOllamaPeer({ generateMs: 40, maxQueue: 2 });
    try {
      const chat = { model: 'q', stream: false, messages: [{ role: 'user', content: 'Task 1 Answer:' }] };
      const t0 = performance.now();
      const rs = await Promise.all(Array.from({ length: 4 }, () => post(`${peer.origin}/api/chat`, chat)));
      expect(rs.map((r) => r.status).sort()).toEqual([200, 200, 200, 503]);
      expect(rs.find((r) => r.status === 503)?.json).toEqual({
        error: 'server busy, please try again.  maximum pending requests exceeded',
      });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(3 * 40 - 5); // served one after another
    } finally {
      await peer.close();
    }
  });

  it('drops whole messages from the front to fit num_ctx (the main image first) unless truncate is false', async () => {
    const peer = await startOllamaPeer({ numCtx: 1000 });
    try {
      const img = (await makeTestImage(32, 32)).toString('base64');
      // the old one-message-per-image form: main image, "Segment a:", segment image, instruction
      const messages = [
        { role: 'user', content: '', images: [img] },
        { role: 'user', content: 'Segment a:' },
        { role: 'user', content: '', images: [img] },
        { role: 'user', content: 'Task 1 Answer: describe' },
      ];
      const cut = await post(`${peer.origin}/api/chat`, { model: 'q', stream: false, messages });
      expect(cut.status).toBe(200);
      expect(peer.requests.at(-1)?.images).toHaveLength(1); // the main image is gone
      expect(peer.requests.at(-1)?.ignoredFields?.[0]).toMatch(/truncated to fit num_ctx 1000/);
      const refused = await post(`${peer.origin}/api/chat`, { model: 'q', stream: false, messages, truncate: false });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatch(/the prompt is longer than the context length/);
      // images at their [img] places in one message (a peer with the default num_ctx, 4096)
      const roomy = await startOllamaPeer();
      const one = await post(`${roomy.origin}/api/chat`, {
        model: 'q',
        stream: false,
        messages: [{ role: 'user', content: '[img]\nSegment a:\n[img]\nTask 1 Answer:', images: [img, img] }],
      });
      expect(one.status).toBe(200);
      expect(roomy.requests.at(-1)?.prompt).toBe('[img-0]\nSegment a:\n[img-1]\nTask 1 Answer:');
      await roomy.close();
    } finally {
      await peer.close();
    }
  });
});

describe('faults', () => {
  it('429 without Retry-After, the 200 with an error, content null', async () => {
    const peer = await startOpenAIPeer();
    try {
      const prompt = JSON.parse(await buildChatPrompt({ mode: 'summary', segments: 0 }));
      const body = { model: 'm', messages: prompt };
      peer.failNext('429-no-retry-after');
      const a = await post(`${peer.url}/chat/completions`, body);
      expect(a.status).toBe(429);
      expect(a.headers.get('retry-after')).toBeNull();
      peer.failNext('error-200');
      const b = await post(`${peer.url}/chat/completions`, body);
      expect([b.status, (b.json.error as { code: number }).code]).toEqual([200, 502]);
      peer.failNext('content-null');
      const c = await post(`${peer.url}/chat/completions`, body);
      expect((c.json.choices as { message: { content: unknown } }[])[0]?.message.content).toBeNull();
    } finally {
      await peer.close();
    }
  });
});

describe('answers of a real length', () => {
  const texts = [
    'Segment a:',
    'Segment b:',
    "Task 1: Summarize the image. Answer as: Task 1 Answer: <summary>\nTask 2: Extract the label-entity pairs. Answer as: Task 2 Answer: NER: :label;entity image-entity pair: {'a': 'entity'}\nText: Maya Torres scores for Riverside Hawks",
  ];
  it('summaryChars lengthens the summary only: the same entities and pairs, still a well-formed PFA answer', () => {
    const short = deterministicAnswer({ texts, images: [] });
    const long = deterministicAnswer({ texts, images: [], summaryChars: 360 });
    const a = parseAnswer(short.text, { mode: 'joint' });
    const b = parseAnswer(long.text, { mode: 'joint' });
    expect(long.mode).toBe('joint');
    expect(a.summary?.length).toBeLessThan(100);
    expect(b.summary?.length).toBeGreaterThanOrEqual(360);
    expect(b.summary?.length).toBeLessThan(460);
    expect(b.summary?.startsWith(a.summary ?? '?')).toBe(true);
    expect(b.summary).toContain('Maya');
    expect([b.entities, b.pairs, b.compliance]).toEqual([a.entities, a.pairs, a.compliance]);
    // an mner answer has no summary to lengthen
    expect(deterministicAnswer({ texts, images: [], mode: 'mner', summaryChars: 360 }).text).toBe(
      deterministicAnswer({ texts, images: [], mode: 'mner' }).text,
    );
  });

  it('the vLLM and Ollama peers answer with summaries of summaryChars', async () => {
    const vllm = await startOpenAIPeer({ summaryChars: 300 });
    const ollama = await startOllamaPeer({ summaryChars: 300 });
    try {
      const content = texts.map((text) => ({ type: 'text', text }));
      const r = await post(`${vllm.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content }] });
      const choice = (r.json.choices as { message: { content: string } }[])[0];
      expect(parseAnswer(choice?.message.content).summary?.length).toBeGreaterThanOrEqual(300);
      const o = await post(`${ollama.url}/api/chat`, {
        model: 'm',
        stream: false,
        messages: [{ role: 'user', content: texts.join('\n') }],
      });
      expect(parseAnswer((o.json.message as { content: string }).content).summary?.length).toBeGreaterThanOrEqual(300);
    } finally {
      await Promise.all([vllm.close(), ollama.close()]);
    }
  });
});
