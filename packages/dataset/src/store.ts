import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DatasetManifest, DatasetManifestSchema, LABELS, type Sample, SampleSchema } from '@mmre/core';
import { decodeUtf8, formatBytes, type JsonLineErrorCode, readJsonLines } from '@mmre/core/jsonl';
import type { DatasetDiagnostic } from './diagnostics.js';
import { DatasetError } from './errors.js';
import { zodDiagnostics } from './issues.js';
import { compareIds, seededShuffle } from './random.js';
import { RecordChecker } from './records.js';

export const MANIFEST_FILE = 'dataset.json';
export const SAMPLES_FILE = 'samples.jsonl';

/**
 * The longest line of `samples.jsonl` (and of the other JSONL inputs of a dataset) that is read: 1 MiB.
 * A sample record is a few KB (text, gold, paths; images are files); a longer line is refused with its
 * file and line, without being held in memory, and the lines after it are read.
 */
export const MAX_SAMPLE_LINE_BYTES = 1024 * 1024;

/** The longest `dataset.json` that is read: 1 MiB (a manifest is a few hundred bytes). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

const LINE_FIX: Record<JsonLineErrorCode, { code: string; fix: string }> = {
  json: { code: 'json', fix: 'write one JSON object per line' },
  encoding: { code: 'encoding', fix: 're-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)' },
  'too-long': { code: 'line-too-long', fix: `keep each record under ${formatBytes(MAX_SAMPLE_LINE_BYTES)}` },
};

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
  const input = createReadStream(file);
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
  for await (const { line, value, error, code } of readJsonLines(input, { maxLineBytes: MAX_SAMPLE_LINE_BYTES })) {
    if (error !== undefined) {
      const how = LINE_FIX[code ?? 'json'];
      yield {
        line,
        issues: [
          { severity: 'error', code: how.code, message: `${file}:${line}: ${error}; fix: ${how.fix}`, file, line },
        ],
      };
      continue;
    }
    const r = SampleSchema.safeParse(value, { reportInput: true });
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

/**
 * Reads and validates `dir/dataset.json`: UTF-8, a byte order mark allowed. Throws a `DatasetError`
 * naming the file, the line and column of a byte that is not UTF-8, the field and the fix.
 */
export async function readManifest(dir: string): Promise<DatasetManifest> {
  const file = join(dir, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (st.isDirectory())
      throw new DatasetError(
        `${file}: is a folder, not a file; fix: write dataset.json with name, version, license, splits`,
      );
    if (st.size > MAX_MANIFEST_BYTES)
      throw new DatasetError(
        `${file}: ${formatBytes(st.size)}, over the limit of ${formatBytes(MAX_MANIFEST_BYTES)} for a manifest (name, version, labels, license, splits); fix: is this the right file?`,
      );
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DatasetError(
        `${file}: not found; is ${dir} a dataset folder? (create one with \`mmre dataset convert\`, or write dataset.json with name, version, license, splits)`,
      );
    throw new DatasetError(`${file}: cannot be read (${(err as Error).message})`);
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) throw new DatasetError(`${file}: ${text.message}; fix: save the file as UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(text.text);
  } catch (err) {
    throw new DatasetError(
      `${file}: not valid JSON (${(err as Error).message}); fix: write one JSON object with name, version, license, splits`,
    );
  }
  const r = DatasetManifestSchema.safeParse(value, { reportInput: true });
  if (!r.success) {
    const d = zodDiagnostics(r.error, { file });
    throw new DatasetError(`${file}: invalid manifest: ${d.map((x) => x.message.replace(`${file}: `, '')).join('; ')}`);
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
  /** Why lines or records of the selection were skipped (errors, with file and line), and unknown ids (warnings). */
  issues: DatasetDiagnostic[];
  /** Records of each split that pass the record checks, in the whole file (before `split`, `ids` and `limit`). */
  splits: Record<string, number>;
  /** Lines and records of the selection that were skipped (bad lines of any split count). */
  skipped: number;
}

/**
 * Loads a dataset's records (never image bytes) with the checks of `validate` (`RecordChecker`): a line
 * that is not a valid Sample, a repeated id (the first record keeps it), segments not lettered a, b, c, …,
 * an inverted box, a pair naming an unknown segment, or a path that is absolute, leaves the folder with
 * `..` or through a symbolic link, is reported in `issues` with its file and line and skipped; the rest
 * load. Without `seed`, the first `limit` samples in file order; with `seed`, a seeded shuffle of the
 * selection sorted by id (see `seededShuffle`), then the first `limit` that pass.
 */
export async function loadDataset(dir: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  const manifest = await readManifest(dir);
  const file = join(dir, SAMPLES_FILE);
  const checker = new RecordChecker(dir, file);
  const wanted = options.ids ? new Set(options.ids.map(String)) : null;
  const seen = new Set<string>();
  const issues: DatasetDiagnostic[] = [];
  const splits: Record<string, number> = {};
  let skipped = 0;
  let selected: { sample: Sample; line: number }[] = [];
  for await (const entry of readSamples(dir)) {
    const s = entry.sample;
    if (!s) {
      issues.push(...entry.issues);
      skipped++;
      continue;
    }
    const rec = checker.record(s, entry.line);
    const inSelection = (options.split === undefined || s.split === options.split) && (!wanted || wanted.has(s.id));
    if (!rec.ok) {
      // a bad record outside the selection is not read; `validate` lists it
      if (inSelection) {
        issues.push(...rec.diagnostics.filter((d) => d.severity === 'error'));
        skipped++;
      }
      continue;
    }
    splits[s.split] = (splits[s.split] ?? 0) + 1;
    if (!inSelection) continue;
    seen.add(s.id);
    selected.push({ sample: s, line: entry.line });
  }
  if (wanted) {
    for (const id of wanted)
      if (!seen.has(id))
        issues.push({
          severity: 'warning',
          code: 'unknown-id',
          message: `id ${JSON.stringify(id)} is not in ${file}${options.split !== undefined ? ` (split ${options.split})` : ''}; fix: check the id list`,
          file,
          sampleId: id,
        });
  }
  if (options.seed !== undefined) {
    const sorted = [...selected].sort((a, b) => compareIds(a.sample.id, b.sample.id));
    selected = seededShuffle(sorted, options.seed);
  }
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, options.limit);
  const samples: Sample[] = [];
  for (const { sample, line } of selected) {
    if (samples.length >= limit) break;
    const checked = checker.files(sample, line);
    if (!checked.ok) {
      issues.push(...checked.diagnostics);
      skipped++;
      continue;
    }
    samples.push(sample);
  }
  return { manifest, samples, issues, splits: orderSplits(splits), skipped };
}
