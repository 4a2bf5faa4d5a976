import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DatasetManifest, DatasetManifestSchema, LABELS, type Sample, SampleSchema } from '@mmre/core';
import { readJsonLines } from '@mmre/core/jsonl';
import type { DatasetDiagnostic } from './diagnostics.js';
import { zodDiagnostics } from './issues.js';
import { compareIds, seededShuffle } from './random.js';

export const MANIFEST_FILE = 'dataset.json';
export const SAMPLES_FILE = 'samples.jsonl';

/** What a caller says about a dataset; split counts and labels are filled in by `writeDataset`. */
export interface ManifestInput {
  name: string;
  version: string;
  license: string;
  description?: string;
  source?: string;
}

export interface WriteResult {
  count: number;
  splits: Record<string, number>;
}

const SPLIT_ORDER = ['train', 'dev', 'validation', 'val', 'test'];

/** Split names in a stable order: train, dev, validation, val, test, then the others by code unit. */
export function orderSplits(counts: Record<string, number>): Record<string, number> {
  const names = Object.keys(counts).sort((a, b) => {
    const ia = SPLIT_ORDER.indexOf(a);
    const ib = SPLIT_ORDER.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return compareIds(a, b);
  });
  return Object.fromEntries(names.map((n) => [n, counts[n] as number]));
}

/**
 * Writes a dataset folder: `samples.jsonl` (one validated Sample per line, streamed, written to a
 * temporary file and renamed at the end) and `dataset.json` (the manifest with split counts).
 * Images are not touched: adapters copy or crop them into `out/images/` themselves.
 * Throws when a sample does not match the Sample schema (naming the sample and the field).
 */
export async function writeDataset(
  out: string,
  manifest: ManifestInput,
  samples: AsyncIterable<Sample> | Iterable<Sample>,
): Promise<WriteResult> {
  await mkdir(out, { recursive: true });
  const target = join(out, SAMPLES_FILE);
  const partial = `${target}.partial`;
  const stream = createWriteStream(partial, { encoding: 'utf8' });
  const splits: Record<string, number> = {};
  let count = 0;
  try {
    for await (const raw of samples) {
      const r = SampleSchema.safeParse(raw);
      if (!r.success) {
        const d = zodDiagnostics(r.error, { sampleId: String((raw as { id?: unknown })?.id ?? '?') });
        throw new Error(
          `writeDataset: sample #${count + 1} (id ${JSON.stringify((raw as { id?: unknown })?.id)}) is not a valid Sample: ${d.map((x) => x.message).join('; ')}`,
        );
      }
      const sample = r.data;
      if (!stream.write(`${JSON.stringify(sample)}\n`)) await once(stream, 'drain');
      splits[sample.split] = (splits[sample.split] ?? 0) + 1;
      count++;
    }
    stream.end();
    await once(stream, 'finish');
  } catch (err) {
    stream.destroy();
    await rm(partial, { force: true });
    throw err;
  }
  await rename(partial, target);
  await writeManifest(out, { ...manifest, splits });
  return { count, splits: orderSplits(splits) };
}

/**
 * JSON with 2-space indentation and short arrays of scalars on one line, the way Biome and
 * Prettier format JSON, so a committed dataset.json passes the repository's format check.
 */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n(\s+)([^[\]{}]*?)\n\s*\]/g,
    (all, indent: string, inner: string) => {
      const one = `[${inner.split(/,\n\s+/).join(', ')}]`;
      return indent.length + one.length <= 100 ? one : all;
    },
  );
}

/** Writes `dataset.json` (validated; labels default to the four canonical ones). */
export async function writeManifest(
  dir: string,
  manifest: ManifestInput & { splits: Record<string, number>; labels?: DatasetManifest['labels'] },
): Promise<DatasetManifest> {
  const m = DatasetManifestSchema.parse({
    name: manifest.name,
    version: manifest.version,
    ...(manifest.description !== undefined ? { description: manifest.description } : {}),
    labels: manifest.labels ?? [...LABELS],
    license: manifest.license,
    splits: orderSplits(manifest.splits),
    ...(manifest.source !== undefined ? { source: manifest.source } : {}),
  });
  await writeFile(join(dir, MANIFEST_FILE), `${formatJson(m)}\n`);
  return m;
}

export interface SampleLine {
  /** 1-based line number in samples.jsonl. */
  line: number;
  /** The record, when the line is valid JSON and a valid Sample. */
  sample?: Sample;
  /** Why the line was rejected (empty when `sample` is set). */
  issues: DatasetDiagnostic[];
}

/**
 * Reads `dir/samples.jsonl` line by line, validating each line with the Sample schema. A bad line
 * yields diagnostics naming the file, line, field and the fix, and the stream goes on.
 * Blank lines are skipped. A missing file throws (there is nothing to read).
 */
export async function* readSamples(dir: string): AsyncGenerator<SampleLine> {
  const file = join(dir, SAMPLES_FILE);
  yield* readSampleFile(file);
}

/** Like `readSamples` but for any JSONL file of Sample records. */
export async function* readSampleFile(file: string): AsyncGenerator<SampleLine> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${file}: not found; a dataset folder holds dataset.json and samples.jsonl (create one with \`mmre dataset convert\`)`
        : `${file}: cannot be read (${(err as Error).message})`,
    );
  }
  for await (const { line, value, error } of readJsonLines(input)) {
    if (error !== undefined) {
      yield {
        line,
        issues: [
          {
            severity: 'error',
            code: 'json',
            message: `${file}:${line}: ${error}; fix: write one JSON object per line`,
            file,
            line,
          },
        ],
      };
      continue;
    }
    const r = SampleSchema.safeParse(value);
    if (r.success) {
      yield { line, sample: r.data, issues: [] };
    } else {
      const id = (value as { id?: unknown } | null)?.id;
      const where: { file: string; line: number; sampleId?: string } = { file, line };
      if (typeof id === 'string' || typeof id === 'number') where.sampleId = String(id);
      yield { line, issues: zodDiagnostics(r.error, where) };
    }
  }
}

/** Reads and validates `dir/dataset.json`. Throws an error naming the file, field and fix. */
export async function readManifest(dir: string): Promise<DatasetManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `${file}: not found; is ${dir} a dataset folder? (create one with \`mmre dataset convert\`, or write dataset.json with name, version, license, splits)`,
      );
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const r = DatasetManifestSchema.safeParse(value);
  if (!r.success) {
    const d = zodDiagnostics(r.error, { file });
    throw new Error(`${file}: invalid manifest: ${d.map((x) => x.message.replace(`${file}: `, '')).join('; ')}`);
  }
  return r.data;
}

export interface LoadOptions {
  /** Keep only this split. */
  split?: string;
  /** Keep only these ids (file order is kept; ids not found are reported as warnings). */
  ids?: readonly string[];
  /** Keep at most this many samples (after the optional seeded shuffle). */
  limit?: number;
  /** When set, the selection is shuffled with this seed before `limit` is applied. */
  seed?: number;
}

export interface LoadedDataset {
  manifest: DatasetManifest;
  samples: Sample[];
  issues: DatasetDiagnostic[];
}

/**
 * Loads a dataset's records (never image bytes). Bad lines are reported in `issues` and skipped.
 * Without `seed`, the first `limit` samples in file order; with `seed`, a seeded shuffle of the
 * selection sorted by id (see `seededShuffle`), then the first `limit`.
 */
export async function loadDataset(dir: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  const manifest = await readManifest(dir);
  const wanted = options.ids ? new Set(options.ids.map(String)) : null;
  const seen = new Set<string>();
  const issues: DatasetDiagnostic[] = [];
  let samples: Sample[] = [];
  for await (const entry of readSamples(dir)) {
    issues.push(...entry.issues);
    const s = entry.sample;
    if (!s) continue;
    if (options.split !== undefined && s.split !== options.split) continue;
    if (wanted && !wanted.has(s.id)) continue;
    seen.add(s.id);
    samples.push(s);
  }
  if (wanted) {
    for (const id of wanted)
      if (!seen.has(id))
        issues.push({
          severity: 'warning',
          code: 'unknown-id',
          message: `id ${JSON.stringify(id)} is not in ${join(dir, SAMPLES_FILE)}${options.split !== undefined ? ` (split ${options.split})` : ''}; fix: check the id list`,
          file: join(dir, SAMPLES_FILE),
          sampleId: id,
        });
  }
  if (options.seed !== undefined) {
    const sorted = [...samples].sort((a, b) => compareIds(a.id, b.id));
    samples = seededShuffle(sorted, options.seed);
  }
  if (options.limit !== undefined) samples = samples.slice(0, Math.max(0, options.limit));
  return { manifest, samples, issues };
}
