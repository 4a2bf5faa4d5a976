import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../store.js';
import { validate } from '../validate.js';
import { datasetImagePath } from './common.js';
import { convertJsonl } from './jsonl.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-jsonl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rec = (id: string, over: Partial<Sample> = {}): Sample => ({
  id,
  split: 'train',
  text: `Messi scores for Barcelona (${id})`,
  image: { path: `pics/${id}.jpg` },
  segments: [{ id: 'a', path: `pics/${id}_a.jpg` }],
  gold: {
    entities: [
      { label: 'person', text: 'Messi' },
      { label: 'organization', text: 'Barcelona' },
    ],
    pairs: [{ segment: 'a', entity: 'Messi' }],
  },
  ...over,
});

describe('datasetImagePath', () => {
  it('puts images under images/ once', () => {
    expect(datasetImagePath('a.jpg')).toBe('images/a.jpg');
    expect(datasetImagePath('./x/a.jpg')).toBe('images/x/a.jpg');
    expect(datasetImagePath('images/a.jpg')).toBe('images/a.jpg');
  });
});

describe('convertJsonl', () => {
  it('reports bad lines with their line numbers and converts the rest, copying images', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'pics'), { recursive: true });
    for (const f of ['1.jpg', '1_a.jpg', '3.jpg', '3_a.jpg', '5.jpg'])
      await writeFile(join(src, 'pics', f), `img ${f}`);
    const input = join(src, 'data.jsonl');
    const lines = [
      JSON.stringify(rec('1')),
      JSON.stringify({ ...rec('2'), gold: { entities: [], pairs: [{ segment: 'A', entity: 'x' }] } }),
      JSON.stringify(rec('3')),
      '{"id": "4",',
      JSON.stringify(rec('5')), // segment image missing
      JSON.stringify(rec('1')), // duplicate
      JSON.stringify({ ...rec('7'), image: { path: '../../etc/passwd' } }),
    ];
    await writeFile(input, `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    const progress: number[] = [];
    const r = await convertJsonl({ input, out, onProgress: (n) => progress.push(n) });
    expect(r.written).toBe(3);
    expect(r.read).toBe(7);
    expect(progress.at(-1)).toBe(7);
    expect(r.diagnostics.map((d) => [d.line, d.code, d.field])).toEqual([
      [2, 'schema', 'gold.pairs.0.segment'],
      [4, 'json', undefined],
      [5, 'missing-image', 'segments.0.path'],
      [6, 'duplicate-id', 'id'],
      [7, 'unsafe-path', 'image.path'],
    ]);
    const loaded = await loadDataset(out);
    expect(loaded.samples.map((s) => s.id)).toEqual(['1', '3', '5']);
    expect(loaded.samples[0]?.image.path).toBe('images/pics/1.jpg');
    expect((await stat(join(out, 'images/pics/1_a.jpg'))).isFile()).toBe(true);
    expect(loaded.manifest.splits).toEqual({ train: 3 });
    // The missing segment image is still named in the record, so validate flags it.
    const v = await validate(out, { checkImages: true });
    expect(v.diagnostics.filter((d) => d.code === 'missing-image').map((d) => d.sampleId)).toEqual(['5']);
  });

  it('with images: null keeps the paths and copies nothing', async () => {
    const input = join(dir, 'plain.jsonl');
    await writeFile(input, `${JSON.stringify(rec('9'))}\n`);
    const out = join(dir, 'out2');
    const r = await convertJsonl({ input, out, images: null });
    expect(r.diagnostics).toEqual([]);
    expect((await loadDataset(out)).samples[0]?.image.path).toBe('pics/9.jpg');
  });
});
