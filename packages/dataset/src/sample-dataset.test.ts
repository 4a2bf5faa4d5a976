import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABELS } from '@mmre/core';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from './store.js';
import { validate } from './validate.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const sample = join(repo, 'datasets', 'mmre-sample');
const script = join(repo, 'scripts', 'make-sample-dataset.mjs');
const built = existsSync(join(repo, 'packages', 'dataset', 'dist', 'index.js'));

let tmp: string | undefined;
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('datasets/mmre-sample (committed)', () => {
  it('validates with zero errors and zero warnings, images included', async () => {
    const r = await validate(sample);
    expect(r.diagnostics).toEqual([]);
    expect(r.samples).toBeGreaterThanOrEqual(30);
  });

  it('has the promised shape: splits, all four labels, summaries of 40–90 words, segments with pairs', async () => {
    const { manifest, samples } = await loadDataset(sample);
    expect(manifest.splits.test).toBeGreaterThanOrEqual(20);
    expect(manifest.splits.train).toBeGreaterThanOrEqual(10);
    const labels = new Set(samples.flatMap((s) => s.gold.entities.map((e) => e.label)));
    expect([...labels].sort()).toEqual([...LABELS].sort());
    for (const s of samples) {
      const n = words(s.gold.summary ?? '');
      expect(n, `${s.id} summary has ${n} words`).toBeGreaterThanOrEqual(40);
      expect(n, `${s.id} summary has ${n} words`).toBeLessThanOrEqual(90);
      expect(s.gold.pairs.length).toBeGreaterThanOrEqual(s.segments.length); // every segment is paired
    }
    expect(samples.filter((s) => s.segments.length >= 2).length).toBeGreaterThanOrEqual(15);
  });

  it('segment images are the drawn boxes cropped from the main image', async () => {
    const { samples } = await loadDataset(sample);
    for (const s of samples.slice(0, 8))
      for (const seg of s.segments) {
        const meta = await sharp(join(sample, seg.path as string)).metadata();
        expect([meta.width, meta.height]).toEqual([
          (seg.box?.xmax ?? 0) - (seg.box?.xmin ?? 0),
          (seg.box?.ymax ?? 0) - (seg.box?.ymin ?? 0),
        ]);
      }
  });
});

describe('scripts/make-sample-dataset.mjs', () => {
  it.skipIf(!built)('reproduces the committed dataset (records byte-identical, same image sizes)', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mmre-sample-'));
    const r = spawnSync(process.execPath, [script, '--out', tmp], { encoding: 'utf8', cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(await readFile(join(tmp, 'samples.jsonl'), 'utf8')).toBe(
      await readFile(join(sample, 'samples.jsonl'), 'utf8'),
    );
    expect(await readFile(join(tmp, 'dataset.json'), 'utf8')).toBe(
      await readFile(join(sample, 'dataset.json'), 'utf8'),
    );
    const files = (await readdir(join(sample, 'images'), { recursive: true })).filter((f) => f.endsWith('.jpg')).sort();
    const again = (await readdir(join(tmp, 'images'), { recursive: true })).filter((f) => f.endsWith('.jpg')).sort();
    expect(again).toEqual(files);
    let identical = 0;
    for (const f of files) {
      const [a, b] = await Promise.all([
        sharp(join(sample, 'images', f)).metadata(),
        sharp(join(tmp, 'images', f)).metadata(),
      ]);
      expect([b.width, b.height, b.format]).toEqual([a.width, a.height, a.format]);
      if ((await readFile(join(sample, 'images', f))).equals(await readFile(join(tmp, 'images', f)))) identical++;
    }
    // JPEG bytes depend on libvips and the installed fonts; on the machine that made them they match.
    if (identical !== files.length)
      console.warn(
        `make-sample-dataset: ${files.length - identical} of ${files.length} JPEGs differ in bytes (fonts/libvips)`,
      );
  });
});
