// The providers receive PFA prompts whose images are references (@mmre/images): they resolve them
// to data URLs just before sending, and only on a cache miss.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageEncoder, parseImageRef, sharedImageEncoder, smartResize } from '@mmre/images';
import type { Peer } from '@mmre/provider-testkit';
import { fakePromptfooCache, makeTestImage, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenLocalConfigInput } from './config.js';
import { QwenLocalProvider } from './provider.js';

let dir: string;
let vllm: Peer;
let ollama: Peer;
const providers: QwenLocalProvider[] = [];
const make = (config: QwenLocalConfigInput) => {
  const p = new QwenLocalProvider({ config: { checkReady: false, ...config } });
  providers.push(p);
  return p;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-local-refs-'));
  await writeFile(join(dir, 'main.png'), await makeTestImage(300, 200, { r: 200, g: 60, b: 30 }));
  await writeFile(join(dir, 'seg.png'), await makeTestImage(40, 70, { r: 20, g: 160, b: 90 }));
  // full validation: the peer decodes every image with sharp, as vLLM does
  vllm = await startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-7B-Instruct'] });
  ollama = await startOllamaPeer({ models: ['qwen2.5vl:7b'] });
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.cleanup()));
  await Promise.all([vllm.close(), ollama.close()]);
});

/** A PFA-shaped prompt with image references: main image, segment a (own file), segment b (a box of the main image). */
async function refPrompt(settings = { minPixels: 3136, maxPixels: 50_000 }) {
  const enc = new ImageEncoder();
  const main = join(dir, 'main.png');
  const refs = [
    await enc.ref(main, settings),
    await enc.ref(join(dir, 'seg.png'), settings),
    await enc.ref(main, { ...settings, crop: { xmin: 10, ymin: 20, xmax: 110, ymax: 180 } }),
  ];
  const messages = [
    {
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: refs[0] } },
        { type: 'text', text: 'Segment a:' },
        { type: 'image_url', image_url: { url: refs[1] } },
        { type: 'text', text: 'Segment b:' },
        { type: 'image_url', image_url: { url: refs[2] } },
        { type: 'text', text: 'Describe it.' },
      ],
    },
  ];
  return { prompt: JSON.stringify(messages), refs: refs as string[] };
}

function imagesSent(body: unknown): string[] {
  const messages = (body as { messages: { content: unknown }[] }).messages;
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? m.content.filter((p) => p.type === 'image_url').map((p) => p.image_url.url as string)
      : [],
  );
}

describe('image references in prompts', () => {
  it('are sent as the data URLs they name, resized by smart_resize within the recorded bounds', async () => {
    const { prompt, refs } = await refPrompt();
    const r = await make({ baseUrl: vllm.url }).callApi(prompt, { vars: { mode: 'joint' } });
    expect(r.error).toBeUndefined();
    const urls = imagesSent(vllm.requests.at(-1)?.body);
    expect(urls).toHaveLength(3);
    const sources = [
      [200, 300],
      [70, 40],
      [160, 100],
    ] as const;
    for (const [i, url] of urls.entries()) {
      expect(url).toMatch(/^data:image\/jpeg;base64,/);
      const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
      const ref = parseImageRef(refs[i] as string);
      const [h, w] = smartResize(sources[i]?.[0] as number, sources[i]?.[1] as number, ref.settings);
      expect([meta.height, meta.width]).toEqual([h, w]);
    }
  });

  it('a cache hit makes no image and sends nothing; another image content is another question', async () => {
    const cache = fakePromptfooCache();
    const path = join(dir, 'changing.png');
    await writeFile(path, await makeTestImage(120, 90, { r: 10, g: 10, b: 200 }));
    const enc = new ImageEncoder();
    const prompt = async () =>
      JSON.stringify([
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: await enc.ref(path) } },
            { type: 'text', text: 'x' },
          ],
        },
      ]);
    const p = make({ baseUrl: vllm.url });
    const ctx = { vars: { mode: 'summary' }, getCache: () => cache };
    const before = vllm.requests.length;
    const made = sharedImageEncoder().stats().processed;
    expect((await p.callApi(await prompt(), ctx)).error).toBeUndefined();
    expect(sharedImageEncoder().stats().processed).toBe(made + 1);
    const again = await p.callApi(await prompt(), ctx);
    expect(again.cached).toBe(true);
    expect(vllm.requests.length).toBe(before + 1);
    expect(sharedImageEncoder().stats().processed).toBe(made + 1);
    // the file is replaced at the same path: the reference (its digest) changes, so the answer is not reused
    await writeFile(path, await makeTestImage(120, 90, { r: 250, g: 250, b: 10 }));
    const changed = await p.callApi(await prompt(), ctx);
    expect(changed.cached).toBeUndefined();
    expect(vllm.requests.length).toBe(before + 2);
  });

  it('a file changed after the prompt was rendered is a reported error, not a silently different image', async () => {
    const path = join(dir, 'edited.png');
    await writeFile(path, await makeTestImage(64, 64, { r: 90, g: 90, b: 90 }));
    const ref = await new ImageEncoder().ref(path);
    await writeFile(path, await makeTestImage(64, 64, { r: 91, g: 90, b: 90 }));
    const prompt = JSON.stringify([{ role: 'user', content: [{ type: 'image_url', image_url: { url: ref } }] }]);
    const r = await make({ baseUrl: vllm.url }).callApi(prompt, { vars: { mode: 'summary' } });
    expect(r.error).toMatch(/bad-image: image .*edited\.png changed after the prompt was rendered/);
  });

  it('Ollama gets the resolved images as raw base64 in its native messages', async () => {
    const { prompt } = await refPrompt();
    const r = await make({ backend: 'ollama', baseUrl: ollama.url }).callApi(prompt, { vars: { mode: 'joint' } });
    expect(r.error).toBeUndefined();
    const last = ollama.requests.at(-1) as { body: { messages: { images?: string[] }[] } };
    const messages = last.body.messages;
    const images = messages.flatMap((m) => m.images ?? []);
    expect(images).toHaveLength(3);
    for (const b64 of images) expect((await sharp(Buffer.from(b64, 'base64')).metadata()).format).toBe('jpeg');
  });
});
