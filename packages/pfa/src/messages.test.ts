import { DEFAULT_PFA_TEMPLATES, formatAnswer, pfaInstruction } from '@mmre/core';
import { parseImageRef, sharedImageEncoder } from '@mmre/images';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureDataset, makeDataset, varsOf } from './__fixtures__/dataset.js';
import { buildMessages, type ContentPart } from './messages.js';

let ds: FixtureDataset;
beforeAll(async () => {
  ds = await makeDataset({ train: 5, test: 2 });
});
afterEach(() => {
  delete process.env.MMRE_MIN_PIXELS;
  delete process.env.MMRE_MAX_PIXELS;
  delete process.env.MMRE_IMAGES;
});

const urlOf = (p: ContentPart | undefined) => (p as { image_url: { url: string } }).image_url.url;
const stats = () => sharedImageEncoder().stats();

const parts = (m: { content: string | ContentPart[] }) => m.content as ContentPart[];

describe('buildMessages', () => {
  it('builds one user turn: main image, lettered segments, then the PFA text', async () => {
    const vars = varsOf(ds, 's05');
    const messages = await buildMessages('joint', vars);
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m?.role).toBe('user');
    const c = parts(m as never);
    expect(c.map((p) => p.type)).toEqual(['image_url', 'text', 'image_url', 'text', 'image_url', 'text']);
    expect(c[1]).toEqual({ type: 'text', text: 'Segment a:' });
    expect(c[3]).toEqual({ type: 'text', text: 'Segment b:' });
    // Image references, not images: the main image, segment a's own file, segment b a box of the main image.
    const refs = [0, 2, 4].map((i) => parseImageRef(urlOf(c[i])));
    const root = ds.root;
    expect(refs.map((r) => r.path)).toEqual([
      `${root}/images/s05.jpg`,
      `${root}/images/s05_a.jpg`,
      `${root}/images/s05.jpg`,
    ]);
    expect(refs.map((r) => r.crop)).toEqual([null, null, { xmin: 10, ymin: 20, xmax: 110, ymax: 140 }]);
    expect(refs[0]?.sha256).toBe(refs[2]?.sha256);
    expect(refs[0]?.settings).toEqual({
      factor: 28,
      minPixels: 200704,
      maxPixels: 1003520,
      format: 'jpeg',
      quality: 90,
      passthrough: true,
    });
    expect(JSON.stringify(messages).length).toBeLessThan(3000);
    const sample = ds.samples.find((s) => s.id === 's05');
    expect(c[5]).toEqual({
      type: 'text',
      text: pfaInstruction('joint', { text: sample?.text ?? '', segmentIds: ['a', 'b'] }),
    });
  });

  it('asks for the right tasks per mode', async () => {
    const vars = varsOf(ds, 's05');
    const text = async (mode: 'joint' | 'summary' | 'mner') => {
      const c = parts((await buildMessages(mode, vars))[0] as never);
      return (c.at(-1) as { text: string }).text;
    };
    const [j, s, m] = [await text('joint'), await text('summary'), await text('mner')];
    expect(j).toContain('Task 1 Answer:');
    expect(j).toContain('Task 2 Answer:');
    expect(s).toContain('Task 1 Answer:');
    expect(s).not.toContain('Task 2 Answer:');
    expect(m).not.toContain('Task 1 Answer:');
    expect(m).toContain('Task 2 Answer:');
  });

  it('handles a sample without segments', async () => {
    const vars = { ...varsOf(ds, 's05'), segments: '[]' };
    const c = parts((await buildMessages('mner', vars))[0] as never);
    expect(c.map((p) => p.type)).toEqual(['image_url', 'text']);
    expect((c[1] as { text: string }).text).toContain('There are no segment images');
  });

  it('gives byte-identical prompts across calls; making references decodes no image', async () => {
    const vars = varsOf(ds, 's05');
    const before = stats();
    const first = JSON.stringify(await buildMessages('joint', vars));
    await buildMessages('summary', vars);
    await buildMessages('mner', vars);
    expect(JSON.stringify(await buildMessages('joint', vars))).toBe(first);
    expect(stats().processed).toBe(before.processed);
    expect(stats().decoded).toBe(before.decoded);
  });

  it('inline images (option or MMRE_IMAGES=inline): data URLs, each image made once across the modes', async () => {
    const vars = varsOf(ds, 's04');
    const before = stats();
    const joint = await buildMessages('joint', vars, { images: 'inline' });
    const c = parts(joint[0] as never);
    for (const i of [0, 2, 4]) expect(urlOf(c[i])).toMatch(/^data:image\/jpeg;base64,/);
    expect(new Set([0, 2, 4].map((i) => urlOf(c[i]))).size).toBe(3);
    process.env.MMRE_IMAGES = 'inline';
    const summary = await buildMessages('summary', vars);
    await buildMessages('mner', vars);
    expect(urlOf(parts(summary[0] as never)[0])).toBe(urlOf(c[0]));
    // three images (main, own segment file, box crop of the main image), two files decoded, whatever the mode
    expect(stats().processed - before.processed).toBe(3);
    expect(stats().decoded - before.decoded).toBe(2);
    // the same bytes as resolving the references
    const refs = await buildMessages('joint', vars, { images: 'ref' });
    const resolved = await sharedImageEncoder().resolveMessages(refs);
    expect(JSON.stringify(resolved)).toBe(JSON.stringify(joint));
    process.env.MMRE_IMAGES = 'base64';
    await expect(buildMessages('joint', vars)).rejects.toThrow(/MMRE_IMAGES="base64" must be ref .* or inline/);
  });

  it('passthrough (option or MMRE_IMAGE_PASSTHROUGH): on by default, carried by every reference, refused when malformed', async () => {
    const vars = varsOf(ds, 's04');
    const imageUrls = async (options?: object) =>
      parts((await buildMessages('joint', vars, options))[0] as never)
        .filter((p) => p.type === 'image_url')
        .map((p) => urlOf(p));
    const on = await imageUrls();
    expect(on.length).toBe(3);
    for (const u of on) expect(u).toContain('&pass=1');
    const off = await imageUrls({ passthrough: false });
    for (const u of off) expect(u).toContain('&pass=0');
    process.env.MMRE_IMAGE_PASSTHROUGH = '0';
    try {
      expect(await imageUrls()).toEqual(off);
      expect(await imageUrls({ passthrough: true })).toEqual(on);
      process.env.MMRE_IMAGE_PASSTHROUGH = 'sometimes';
      await expect(buildMessages('joint', vars)).rejects.toThrow(
        /MMRE_IMAGE_PASSTHROUGH="sometimes" must be 1 .* or 0/,
      );
    } finally {
      delete process.env.MMRE_IMAGE_PASSTHROUGH;
    }
  });

  it('applies template overrides and a system prompt', async () => {
    const vars = varsOf(ds, 's05');
    const messages = await buildMessages('joint', vars, {
      systemPrompt: 'You are careful.',
      templates: { general: 'GENERAL for {segments}.', task1: 'T1 please.' },
    });
    expect(messages[0]).toEqual({ role: 'system', content: 'You are careful.' });
    const last = (parts(messages[1] as never).at(-1) as { text: string }).text;
    expect(last.split('\n').slice(0, 2)).toEqual(['GENERAL for a, b.', 'T1 please.']);
    // task2 keeps the default wording
    expect(last).toContain(DEFAULT_PFA_TEMPLATES.task2.slice(0, 40));
  });

  it('draws k-shot examples from the train split, seeded, never the sample itself', async () => {
    const shots = { dataset: ds.root, k: 2, seed: 7 };
    const vars = varsOf(ds, 's05');
    const messages = await buildMessages('joint', vars, { shots });
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    const trainIds = ds.samples.filter((s) => s.split === 'train').map((s) => s.id);
    const shotTexts = [0, 2].map((i) => (parts(messages[i] as never).at(-1) as { text: string }).text);
    const shotSamples = shotTexts.map((t) => ds.samples.find((s) => t.includes(s.text)));
    for (const [i, s] of shotSamples.entries()) {
      expect(s && trainIds.includes(s.id)).toBe(true);
      expect(messages[i * 2 + 1]?.content).toBe(formatAnswer(s?.gold ?? { entities: [], pairs: [] }, 'joint'));
    }
    // same seed → same shots; another seed → a different choice (5 train samples, 2 drawn)
    expect(JSON.stringify(await buildMessages('joint', vars, { shots }))).toBe(JSON.stringify(messages));
    const seeds = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      const m = await buildMessages('mner', vars, { shots: { ...shots, seed } });
      seeds.add(JSON.stringify(m[1]?.content) + JSON.stringify(m[3]?.content));
      expect(String(m[1]?.content).startsWith('Task 2 Answer:')).toBe(true);
    }
    expect(seeds.size).toBeGreaterThan(1);
    // a train sample never sees itself as a shot
    for (const id of trainIds) {
      const m = await buildMessages('summary', varsOf(ds, id), { shots: { ...shots, k: 4 } });
      const texts = [0, 2, 4, 6].map((i) => (parts(m[i] as never).at(-1) as { text: string }).text);
      const own = ds.samples.find((s) => s.id === id)?.text ?? '';
      expect(texts.some((t) => t.includes(own))).toBe(false);
    }
    await expect(buildMessages('joint', vars, { shots: { ...shots, k: 6 } })).rejects.toThrow(
      /asked for k=6 examples but split "train" .* has only 5/,
    );
    await expect(buildMessages('joint', vars, { shots: { dataset: '/nonexistent/ds', k: 1 } })).rejects.toThrow(
      /shots\.dataset/,
    );
  });

  it('takes pixel bounds from env, options and vars (later wins) and validates them', async () => {
    const vars = varsOf(ds, 's05');
    const size = async (opts = {}, v: object = vars) =>
      parseImageRef(urlOf(parts((await buildMessages('summary', v, opts))[0] as never)[0])).settings;
    const base = await size();
    expect(base).toMatchObject({ minPixels: 256 * 28 * 28, maxPixels: 1280 * 28 * 28 });
    process.env.MMRE_MAX_PIXELS = String(64 * 28 * 28);
    process.env.MMRE_MIN_PIXELS = String(4 * 28 * 28);
    const env = await size();
    expect(env).toMatchObject({ minPixels: 4 * 28 * 28, maxPixels: 64 * 28 * 28 });
    const defaults = { minPixels: 256 * 28 * 28, maxPixels: 1280 * 28 * 28 };
    expect(await size(defaults)).toEqual(base);
    expect(await size(defaults, { ...vars, minPixels: 4 * 28 * 28, maxPixels: String(64 * 28 * 28) })).toEqual(env);
    process.env.MMRE_MAX_PIXELS = 'lots';
    await expect(size()).rejects.toThrow(/MMRE_MAX_PIXELS="lots" must be a positive integer/);
    delete process.env.MMRE_MAX_PIXELS;
    await expect(size({ maxPixel: 5 })).rejects.toThrow(/unknown option `maxPixel`/);
    await expect(size({ minPixels: 10, maxPixels: 5 })).rejects.toThrow(
      /`minPixels` \(10\) is larger than `maxPixels` \(5\)/,
    );
    await expect(size({ quality: 101 })).rejects.toThrow(/option `quality`/);
  });

  it('rejects vars that are not M-MRE test vars, naming the field', async () => {
    await expect(buildMessages('joint', { id: 'x', text: 't' })).rejects.toThrow(/sample "x" .*vars\.image/);
    await expect(buildMessages('joint', { ...varsOf(ds, 's05'), segments: '[{"id":"a"}' })).rejects.toThrow(
      /vars\.segments is not valid JSON/,
    );
    const noImage = { ...varsOf(ds, 's05'), segments: JSON.stringify([{ id: 'a', path: null, box: null }]) };
    await expect(buildMessages('joint', noImage)).rejects.toThrow(/segment a has neither a path nor a box/);
  });
});
