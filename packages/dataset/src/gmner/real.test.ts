// Tests against the real GMNER annotations in ../shared (10,000 tweets, 5,613 XML files, 8,061 boxes).
// Expected totals were established independently of this code: by grep over the files (tweets, tokens,
// B- tags, boxes) and by a separate Python implementation of the reading rules (the 8 I- tags that open
// an entity, the ladder rungs, 5,535 tweets with 1–5 boxes). See packages/dataset/README.md.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { sharedPath } from '@mmre-test/shared';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetStats, formatStats, gmnerStats } from '../stats.js';
import { readSamples } from '../store.js';
import { placeholder } from './__fixtures__/make.js';
import { convertGmner } from './convert.js';

const root = sharedPath('datasets', 'gmner');
const temps: string[] = [];
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

async function readAll(dir: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const l of readSamples(dir)) {
    expect(l.issues).toEqual([]);
    out.push(l.sample as Sample);
  }
  return out;
}

describe.skipIf(!root)('GMNER (real annotations, no images)', () => {
  const gm = root as string;

  it('converts all 10,000 tweets with the expected totals', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gmner-real-'));
    temps.push(out);
    const report = await convertGmner({ root: gm, out });
    expect(report).toMatchObject({
      samples: 10_000,
      written: 10_000,
      filtered: 0,
      segments: 8_061,
      crops: 0,
      skippedBoxes: 0,
      splits: { train: 7_000, dev: 1_500, test: 1_500 },
      ladder: { exact: 8_014, compact: 5, levenshtein: 19, fallback: 23 },
    });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.diagnostics.filter((d) => d.code === 'gmner-ladder-fallback')).toHaveLength(23);
    expect(report.diagnostics.find((d) => d.code === 'gmner-no-xml')?.message).toMatch(/^4387 of 10000 tweets/);
    expect(report.diagnostics.filter((d) => d.code === 'gmner-xml-orphan')).toEqual([]);

    const samples = await readAll(out);
    expect(samples).toHaveLength(10_000);
    const boxCount = new Map<string, number>();
    for (const f of await readdir(join(gm, 'xml')))
      boxCount.set(f.slice(0, -4), ((await readFile(join(gm, 'xml', f), 'utf8')).match(/<object>/g) ?? []).length);
    let withSeg = 0;
    for (const s of samples) {
      // each sample has exactly as many segments as its XML has <object> elements (0 without XML)
      expect(s.segments.length).toBe(boxCount.get(s.id) ?? 0);
      expect(s.gold.pairs.length).toBe(s.segments.length);
      if (s.segments.length) withSeg++;
    }
    expect(withSeg).toBe(5_613);
    // the one image with 27 boxes (test split) is lettered past z
    const big = samples.find((s) => s.id === '597363') as Sample;
    expect(big.split).toBe('test');
    expect(big.segments.map((s) => s.id).slice(-2)).toEqual(['z', 'aa']);
    // the first tweet of train.txt, by hand
    expect(samples[0]).toMatchObject({
      id: '797970',
      split: 'train',
      text: 'RT @ MahaveerM _ : Pak is Home 2 All Terrorists , Houses Them &amp ; Gives THEM VIP treatment # ProudOfRAW',
      gold: { entities: [{ label: 'location', text: 'Pak' }] },
    });

    // stats over the converted folder agree with stats over the source
    const src = await gmnerStats(gm);
    const dir = await datasetStats(out);
    for (const k of ['samples', 'tokens', 'entities', 'samplesWithSegments', 'segments', 'groundedEntities'] as const) {
      expect(dir.total[k]).toEqual(src.total[k]);
      for (const split of ['train', 'dev', 'test'] as const)
        expect(dir.splits[split]?.[k]).toEqual(src.splits[split][k]);
    }
  });

  it('gmnerStats gives per-split counts (grep-verified)', async () => {
    const stats = await gmnerStats(gm);
    expect(Object.keys(stats.splits)).toEqual(['train', 'dev', 'test']);
    expect([stats.splits.train.samples, stats.splits.dev.samples, stats.splits.test.samples]).toEqual([
      7_000, 1_500, 1_500,
    ]);
    expect([stats.splits.train.tokens, stats.splits.dev.tokens, stats.splits.test.tokens]).toEqual([
      112_542, 24_199, 23_738,
    ]);
    // B- tags: PER 7195, ORG 4268, LOC 2729, OTHER 2578; plus the I- tags that open an entity: 2 LOC, 6 OTHER
    expect(stats.total.entities).toEqual({ person: 7_195, organization: 4_268, location: 2_731, other: 2_584 });
    expect(stats.total).toMatchObject({
      samples: 10_000,
      tokens: 160_479,
      samplesWithSegments: 5_613,
      segments: 8_061,
      groundedEntities: 6_752,
    });
    expect([stats.splits.train.segments, stats.splits.dev.segments, stats.splits.test.segments]).toEqual([
      5_655, 1_164, 1_242,
    ]);
    expect(stats.total.summaryChars).toBeUndefined();
    const table = formatStats(stats);
    expect(table).toMatch(/^samples\s+7,000\s+1,500\s+1,500\s+10,000$/m);
  });

  it('rebuilds the paper-sized subset: tweets with 1–5 boxes', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gmner-real-'));
    temps.push(out);
    const report = await convertGmner({ root: gm, out, minSegments: 1, maxSegments: 5 });
    expect(report.written).toBe(5_535);
    expect(report.filtered).toBe(10_000 - 5_535);
  });
});

describe.skipIf(!root)('GMNER slice with placeholder images', () => {
  it('crops every box, scaling where the image size differs from the XML', async () => {
    const gm = root as string;
    // a slice: the first 60 tweets of test.txt (with and without XML), as its own GMNER folder
    const text = await readFile(join(gm, 'txt', 'test.txt'), 'utf8');
    const blocks = text
      .split(/\n\n+/)
      .filter((b) => b.startsWith('IMGID:'))
      .slice(0, 60);
    const ids = blocks.map((b) => (b.split('\n')[0] as string).slice(6));
    const slice = await mkdtemp(join(tmpdir(), 'gmner-slice-'));
    temps.push(slice);
    await mkdir(join(slice, 'txt'));
    await mkdir(join(slice, 'xml'));
    await mkdir(join(slice, 'images'));
    await writeFile(join(slice, 'txt', 'test.txt'), `${blocks.join('\n\n')}\n`);
    const xmlIds = new Set((await readdir(join(gm, 'xml'))).map((f) => f.slice(0, -4)));
    let boxes = 0;
    let scaledExpected = 0;
    const xmlBoxes = new Map<string, number[][]>();
    const xmlW = new Map<string, number>();
    for (const [i, id] of ids.entries()) {
      if (!xmlIds.has(id)) {
        await placeholder(join(slice, 'images', `${id}.jpg`), 64, 48);
        continue;
      }
      await copyFile(join(gm, 'xml', `${id}.xml`), join(slice, 'xml', `${id}.xml`));
      const xml = await readFile(join(gm, 'xml', `${id}.xml`), 'utf8');
      const w = Number(/<width>(\d+)<\/width>/.exec(xml)?.[1]);
      const h = Number(/<height>(\d+)<\/height>/.exec(xml)?.[1]);
      const found = [
        ...xml.matchAll(/<xmin>(\d+)<\/xmin>\s*<ymin>(\d+)<\/ymin>\s*<xmax>(\d+)<\/xmax>\s*<ymax>(\d+)<\/ymax>/g),
      ].map((m) => m.slice(1).map(Number));
      xmlBoxes.set(id, found);
      xmlW.set(id, w);
      boxes += found.length;
      const half = i % 3 === 0; // every third image at half the XML size
      if (half) scaledExpected++;
      await placeholder(join(slice, 'images', `${id}.jpg`), half ? Math.round(w / 2) : w, half ? Math.round(h / 2) : h);
    }
    expect(boxes).toBeGreaterThan(30);

    const out = await mkdtemp(join(tmpdir(), 'gmner-slice-out-'));
    temps.push(out);
    const report = await convertGmner({ root: slice, out, images: join(slice, 'images'), concurrency: 3 });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report).toMatchObject({
      samples: 60,
      written: 60,
      segments: boxes,
      crops: boxes,
      skippedBoxes: 0,
      scaledImages: scaledExpected,
    });
    const samples = await readAll(out);
    for (const s of samples) {
      const main = await sharp(join(out, s.image.path)).metadata();
      expect([main.width, main.height]).toEqual([s.image.width, s.image.height]);
      const src = xmlBoxes.get(s.id) ?? [];
      expect(s.segments).toHaveLength(src.length);
      for (const [k, seg] of s.segments.entries()) {
        const b = seg.box as NonNullable<typeof seg.box>;
        const crop = await sharp(join(out, seg.path as string)).metadata();
        expect([crop.width, crop.height]).toEqual([b.xmax - b.xmin, b.ymax - b.ymin]);
        const [x0, y0, x1, y1] = src[k] as [number, number, number, number];
        const sx = (s.image.width as number) / (xmlW.get(s.id) as number);
        expect(Math.abs(b.xmin - x0 * sx)).toBeLessThanOrEqual(1);
        expect(Math.abs(b.xmax - Math.min(x1 * sx, s.image.width as number))).toBeLessThanOrEqual(1);
        expect(b.ymin).toBeLessThanOrEqual(y0);
        expect(b.ymax).toBeLessThanOrEqual(y1);
      }
    }
  });
});
