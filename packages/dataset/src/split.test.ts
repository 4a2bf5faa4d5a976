import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignSplits, split, splitCounts } from './split.js';
import { loadDataset, readManifest, writeDataset } from './store.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-split-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const s = (id: string): Sample => ({
  id,
  split: 'all',
  text: 't',
  image: { path: `images/${id}.jpg` },
  segments: [],
  gold: { entities: [], pairs: [] },
});

describe('splitCounts', () => {
  it('largest remainder: exact totals', () => {
    expect(splitCounts(5533, [7, 3])).toEqual([3873, 1660]);
    expect(splitCounts(10, [7, 3])).toEqual([7, 3]);
    expect(splitCounts(11, [8, 1, 1])).toEqual([9, 1, 1]);
    expect(splitCounts(0, [7, 3])).toEqual([0, 0]);
    for (let n = 0; n < 200; n++) expect(splitCounts(n, [5, 2, 3]).reduce((a, b) => a + b)).toBe(n);
  });
});

describe('assignSplits', () => {
  const ids = Array.from({ length: 100 }, (_, i) => `id${i}`);
  it('is deterministic, independent of input order, and seed-dependent', () => {
    const a = assignSplits(ids, { ratio: '7:3', seed: 42 });
    const b = assignSplits([...ids].reverse(), { ratio: '7:3', seed: 42 });
    const c = assignSplits(ids, { ratio: '7:3', seed: 43 });
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    expect([...a.entries()].sort()).not.toEqual([...c.entries()].sort());
    expect([...a.values()].filter((v) => v === 'train')).toHaveLength(70);
  });
  it('pins the seed-42 assignment (the documented algorithm must not drift)', () => {
    const a = assignSplits(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], { ratio: '7:3', seed: 42 });
    const test = [...a.entries()]
      .filter(([, v]) => v === 'test')
      .map(([k]) => k)
      .sort();
    expect(test).toHaveLength(3);
    // recomputed by hand from mulberry32(42) + Fisher–Yates in the README's description
    expect(test).toEqual(reference(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], 42).slice(7).sort());
  });
  it('three parts and custom names', () => {
    const m = assignSplits(ids, { ratio: '8:1:1', seed: 1 });
    expect(new Set(m.values())).toEqual(new Set(['train', 'dev', 'test']));
    expect(() => assignSplits(ids, { ratio: '1:1:1:1' })).toThrow(/names/);
    const n = assignSplits(ids, { ratio: '1:1', names: ['a', 'b'] });
    expect([...n.values()].filter((v) => v === 'a')).toHaveLength(50);
  });
});

/** An independent implementation of the documented algorithm. */
function reference(ids: string[], seed: number): string[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...ids].sort();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

describe('split', () => {
  it('rewrites split fields (keeping file order) and the manifest', async () => {
    const root = join(dir, 'ds');
    await writeDataset(
      root,
      { name: 'n', version: '2', license: 'CC-BY-4.0', description: 'd' },
      Array.from({ length: 20 }, (_, i) => s(`x${i}`)),
    );
    const r = await split(root, { ratio: '7:3', seed: 42 });
    expect(r.splits).toEqual({ train: 14, test: 6 });
    const m = await readManifest(root);
    expect(m).toMatchObject({
      name: 'n',
      version: '2',
      license: 'CC-BY-4.0',
      description: 'd',
      splits: { train: 14, test: 6 },
    });
    const { samples } = await loadDataset(root);
    expect(samples.map((x) => x.id)).toEqual(Array.from({ length: 20 }, (_, i) => `x${i}`));
    const first = await readFile(join(root, 'samples.jsonl'), 'utf8');
    await split(root, { ratio: '7:3', seed: 42 });
    expect(await readFile(join(root, 'samples.jsonl'), 'utf8')).toBe(first);
  });
  it('refuses to run over invalid lines, changing nothing', async () => {
    const root = join(dir, 'bad');
    await writeDataset(root, { name: 'n', version: '1', license: 'MIT' }, [s('a'), s('b')]);
    await writeFile(join(root, 'samples.jsonl'), `${JSON.stringify(s('a'))}\n{bad\n`);
    await expect(split(root, { ratio: '1:1' })).rejects.toThrow(
      /samples\.jsonl:2.*nothing was changed|nothing was changed[\s\S]*samples\.jsonl:2/,
    );
    expect(await readFile(join(root, 'samples.jsonl'), 'utf8')).toBe(`${JSON.stringify(s('a'))}\n{bad\n`);
  });
});
