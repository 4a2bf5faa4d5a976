// A paper-size M-MRE dataset built from datasets/mmre-sample, for the scale bench (bench/scale.bench.mjs)
// and its CI smoke test (tests/scale.test.ts).
//
// Sample i (0-based) copies the text and gold of source sample i mod 32 and gets images of its OWN: the
// source's main image with a hue rotation distinct for every sample and a small brightness change (one
// colour matrix, see `hueMatrix`), and its segment crops cut from that shifted image at the same boxes, all
// written as JPEG (quality 80, as the sample dataset). So every request differs in its image bytes (promptfoo's cache and the PFA image cache
// see 5,533 different samples), while texts and gold answers stay the sample dataset's. Ids are
// `scale-00001`…; splits are 7:3 at random with a fixed seed (`assignSplits` of @mmre/dataset: 1,660 of
// 5,533 are `test`, as in the paper), or one split for every sample.
//
// Built datasets are cached in a folder keyed by the builder version, the size, the split rule and a digest
// of the source dataset, so repeated bench runs reuse them (MMRE_SCALE_CACHE, default <tmp>/mmre-scale-datasets).
//
// Plain TypeScript with erasable syntax only: Node runs it directly (type stripping), so the bench imports it
// and it is a CLI too:
//   node test-support/scale-dataset.ts [--samples 5533] [--split paper|<name>] [--seed 42] [--out DIR] [--cache DIR]
// It prints the result as one JSON line. Imports resolve to the built packages under Node and to src/ in vitest.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasGoldSummary, type Sample } from '@mmre/core';
import { assignSplits, loadDataset, writeDataset } from '@mmre/dataset';
import sharp from 'sharp';

/** Bump when the images or records the builder writes change: cached datasets of another version are not reused. */
export const SCALE_DATASET_VERSION = 'scale-v1';
/** The paper's sample count (GMNER tweets with 1–5 boxes); its 7:3 split has 1,660 test samples. */
export const PAPER_SAMPLES = 5533;
export const PAPER_TEST_SAMPLES = 1660;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE_DATASET = join(repoRoot, 'datasets', 'mmre-sample');

export interface ScaleDatasetOptions {
  /** Number of samples (default 5,533). */
  samples?: number;
  /**
   * `paper` (default): 7:3 train:test at random with `seed`, exactly as `mmre dataset split --ratio 7:3`;
   * any other string: every sample gets that split (e.g. `test`, for a run that selects them all).
   */
  split?: string;
  /** Seed of the paper split (default 42, as the README's `mmre dataset split … --seed 42`). */
  seed?: number;
  /** Source dataset (default datasets/mmre-sample). */
  source?: string;
  /** Write here instead of the cache (an existing folder is replaced). */
  out?: string;
  /** Cache root (default MMRE_SCALE_CACHE or <tmp>/mmre-scale-datasets). */
  cacheDir?: string;
  /** Samples processed at once (default 4: libuv's thread pool; sharp itself runs one thread per image here). */
  concurrency?: number;
  /** Called every 250 samples and at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScaleDataset {
  dir: string;
  samples: number;
  splits: Record<string, number>;
  /** Image files (main images + segment crops). */
  images: number;
  /** True when an earlier build was reused. */
  cached: boolean;
  /** Build time (0 when cached). */
  ms: number;
}

interface SourceImage {
  /** The source dataset folder. */
  root: string;
  sample: Sample;
  raw: Buffer;
  width: number;
  height: number;
}

async function readSources(source: string): Promise<Sample[]> {
  const text = await readFile(join(source, 'samples.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Sample);
}

/** Digest of the source dataset: its records, manifest and image sizes (cheap; images are deterministic). */
async function sourceDigest(source: string): Promise<string> {
  const h = createHash('sha256');
  h.update(await readFile(join(source, 'samples.jsonl')));
  h.update(await readFile(join(source, 'dataset.json')));
  for (const sub of ['images', join('images', 'segments')]) {
    const names = (await readdir(join(source, sub))).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
    for (const n of names) h.update(`${sub}/${n}:${(await stat(join(source, sub, n))).size}\n`);
  }
  return h.digest('hex').slice(0, 12);
}

function resolved(o: ScaleDatasetOptions) {
  const samples = o.samples ?? PAPER_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`scale dataset: samples must be a positive integer`);
  const split = o.split ?? 'paper';
  if (!/^[\w.-]+$/.test(split)) throw new Error(`scale dataset: split must be "paper" or a split name, got ${split}`);
  return {
    samples,
    split,
    seed: o.seed ?? 42,
    source: resolve(o.source ?? SOURCE_DATASET),
    cacheDir: resolve(o.cacheDir ?? process.env.MMRE_SCALE_CACHE ?? join(tmpdir(), 'mmre-scale-datasets')),
    concurrency: Math.max(1, o.concurrency ?? 4),
  };
}

/** The cache folder a build with these options uses. */
export async function scaleDatasetDir(options: ScaleDatasetOptions = {}): Promise<string> {
  const o = resolved(options);
  const splitKey = o.split === 'paper' ? `paper7x3-s${o.seed}` : `all-${o.split}`;
  return join(o.cacheDir, `${SCALE_DATASET_VERSION}-n${o.samples}-${splitKey}-${await sourceDigest(o.source)}`);
}

export const scaleId = (i: number) => `scale-${String(i + 1).padStart(5, '0')}`;

/**
 * Hue rotation of sample i in degrees, distinct for every sample: (i + ½)·360/slots with slots = ⌈n/32⌉·32, so
 * the ⌈n/32⌉ copies of one source sample are 360/⌈n/32⌉ degrees apart (≈ 2.1° at 5,533).
 */
export function scaleHue(i: number, n: number, sources: number): number {
  const slots = Math.ceil(n / sources) * sources;
  return ((i + 0.5) * 360) / slots;
}

/** Brightness factor of sample i, 0.95…1.05 (golden-ratio sequence). */
export function scaleBrightness(i: number): number {
  return 0.95 + 0.1 * ((i * 0.618033988749895) % 1);
}

/**
 * The hue-rotation matrix of the W3C filter effects (`feColorMatrix type="hueRotate"`, CSS `hue-rotate()`),
 * scaled by a brightness factor, for sharp's `recomb`. sharp's `modulate({ hue })` rotates in LCh instead,
 * but takes whole degrees only (not enough distinct hues for 5,533 samples) and costs ≈ 25 ms per 640×480
 * image against ≈ 7 ms here, which would double the build time.
 */
export function hueMatrix(
  degrees: number,
  brightness = 1,
): [[number, number, number], [number, number, number], [number, number, number]] {
  const r = (degrees * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  const b = brightness;
  return [
    [b * (0.213 + c * 0.787 - s * 0.213), b * (0.715 - c * 0.715 - s * 0.715), b * (0.072 - c * 0.072 + s * 0.928)],
    [b * (0.213 - c * 0.213 + s * 0.143), b * (0.715 + c * 0.285 + s * 0.14), b * (0.072 - c * 0.072 - s * 0.283)],
    [b * (0.213 - c * 0.213 - s * 0.787), b * (0.715 - c * 0.715 + s * 0.715), b * (0.072 + c * 0.928 + s * 0.072)],
  ];
}

function cropRect(box: NonNullable<Sample['segments'][number]['box']>, width: number, height: number) {
  const left = Math.max(0, Math.min(width, Math.floor(Math.min(box.xmin, box.xmax))));
  const top = Math.max(0, Math.min(height, Math.floor(Math.min(box.ymin, box.ymax))));
  const right = Math.max(0, Math.min(width, Math.ceil(Math.max(box.xmin, box.xmax))));
  const bottom = Math.max(0, Math.min(height, Math.ceil(Math.max(box.ymin, box.ymax))));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

async function makeSample(i: number, n: number, src: SourceImage, sources: number, dir: string): Promise<Sample> {
  const id = scaleId(i);
  const { width, height } = src;
  const raw = { width, height, channels: 3 as const };
  const matrix = hueMatrix(scaleHue(i, n, sources), scaleBrightness(i));
  const shifted = await sharp(src.raw, { raw }).recomb(matrix).raw().toBuffer();
  const mainPath = `images/${id}.jpg`;
  await sharp(shifted, { raw }).jpeg({ quality: 80 }).toFile(join(dir, mainPath));
  const segments: Sample['segments'] = [];
  for (const seg of src.sample.segments) {
    const path = `images/segments/${id}_${seg.id}.jpg`;
    if (seg.box) {
      await sharp(shifted, { raw })
        .extract(cropRect(seg.box, width, height))
        .jpeg({ quality: 80 })
        .toFile(join(dir, path));
      segments.push({ ...seg, path });
    } else if (seg.path) {
      // a segment with a file but no box: hue-shift its own file
      await sharp(join(src.root, seg.path)).removeAlpha().recomb(matrix).jpeg({ quality: 80 }).toFile(join(dir, path));
      segments.push({ ...seg, path });
    } else segments.push({ ...seg });
  }
  return {
    ...src.sample,
    id,
    split: src.sample.split,
    image: { ...src.sample.image, path: mainPath, width, height },
    segments,
  };
}

/**
 * Builds (or reuses from the cache) a dataset of `samples` samples from the sample dataset; see the file's
 * header. With `out`, writes there (replacing it) and never caches.
 */
export async function buildScaleDataset(options: ScaleDatasetOptions = {}): Promise<ScaleDataset> {
  const o = resolved(options);
  const final = options.out ? resolve(options.out) : await scaleDatasetDir(options);
  const manifestPath = join(final, 'dataset.json');
  if (!options.out && existsSync(manifestPath)) {
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { splits: Record<string, number> };
    const count = Object.values(m.splits).reduce((a, b) => a + b, 0);
    if (count === o.samples) {
      const images =
        (await readdir(join(final, 'images'))).length - 1 + (await readdir(join(final, 'images', 'segments'))).length;
      return { dir: final, samples: count, splits: m.splits, images, cached: true, ms: 0 };
    }
  }
  const started = performance.now();
  const sourceSamples = await readSources(o.source);
  if (sourceSamples.length === 0) throw new Error(`scale dataset: ${o.source} has no samples`);
  const sources: SourceImage[] = [];
  for (const s of sourceSamples) {
    const { data, info } = await sharp(join(o.source, s.image.path))
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    sources.push({ root: o.source, sample: s, raw: data, width: info.width, height: info.height });
  }
  const work = `${final}.partial-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, 'images', 'segments'), { recursive: true });
  try {
    const built = new Array<Sample>(o.samples);
    let next = 0;
    let done = 0;
    let images = 0;
    const worker = async () => {
      while (next < o.samples) {
        const i = next++;
        const s = await makeSample(i, o.samples, sources[i % sources.length] as SourceImage, sources.length, work);
        built[i] = s;
        images += 1 + s.segments.filter((g) => g.path).length;
        done++;
        if (options.onProgress && (done % 250 === 0 || done === o.samples)) options.onProgress(done, o.samples);
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.samples) }, worker));
    const splitOf =
      o.split === 'paper'
        ? assignSplits(
            built.map((s) => s.id),
            { ratio: '7:3', seed: o.seed },
          )
        : null;
    const records = built.map((s) => ({ ...s, split: splitOf ? (splitOf.get(s.id) as string) : o.split }));
    const written = await writeDataset(
      work,
      {
        name: `mmre-scale-${o.samples}`,
        version: '1.0.0',
        license: 'CC0-1.0',
        description: `${o.samples} samples built from mmre-sample by test-support/scale-dataset.ts (${SCALE_DATASET_VERSION}): sample i copies the text and gold of source sample i mod ${sources.length}, with hue-shifted images of its own; ${o.split === 'paper' ? `split 7:3 at random, seed ${o.seed}` : `every sample in split ${o.split}`}.`,
        source: 'test-support/scale-dataset.ts',
      },
      records,
    );
    if (options.out) await rm(final, { recursive: true, force: true });
    await mkdir(dirname(final), { recursive: true });
    try {
      await rename(work, final);
    } catch (err) {
      // another process finished the same build first: use it
      if (!existsSync(manifestPath)) throw err;
      await rm(work, { recursive: true, force: true });
    }
    return {
      dir: final,
      samples: written.count,
      splits: written.splits,
      images,
      cached: false,
      ms: performance.now() - started,
    };
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

function parseArgs(argv: readonly string[]): ScaleDatasetOptions {
  const o: ScaleDatasetOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--samples' || a === '-n') o.samples = Number(value());
    else if (a === '--split') o.split = value();
    else if (a === '--seed') o.seed = Number(value());
    else if (a === '--out') o.out = value();
    else if (a === '--cache') o.cacheDir = value();
    else if (a === '--source') o.source = value();
    else if (a === '--concurrency') o.concurrency = Number(value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: node test-support/scale-dataset.ts [--samples 5533] [--split paper|<name>] [--seed 42] [--out DIR] [--cache DIR] [--source DIR] [--concurrency 4]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const r = await buildScaleDataset({
    ...options,
    onProgress: (done, total) => process.stderr.write(`scale dataset: ${done}/${total} samples\n`),
  });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

/**
 * The mean length, in characters, of the gold summaries of a dataset's samples (those of `split` when given),
 * rounded: the scale bench's peer answers with summaries this long, so result rows are as large as a real
 * model's (the testkit's one-sentence summary is about 80 characters; the sample dataset's gold ones average
 * about 360). Summaries as `hasGoldSummary` of @mmre/core counts them; 0 when no sample has one.
 */
export async function meanGoldSummaryChars(dir: string, split?: string): Promise<number> {
  const { samples } = await loadDataset(dir, split === undefined ? {} : { split });
  const lengths = samples.flatMap((s) => (hasGoldSummary(s.gold) ? [s.gold.summary.length] : []));
  return lengths.length ? Math.round(lengths.reduce((a, b) => a + b, 0) / lengths.length) : 0;
}
