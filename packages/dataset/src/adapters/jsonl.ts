import { basename, dirname } from 'node:path';
import type { Sample } from '@mmre/core';
import type { DatasetDiagnostic } from '../diagnostics.js';
import { readSampleFile, type WriteResult, writeDataset } from '../store.js';
import { copyGuards, copyImage, mapOrdered, type ProgressFn } from './common.js';

export interface ConvertJsonlOptions {
  /** JSONL file of records in the Sample shape. */
  input: string;
  /** Dataset folder to write. */
  out: string;
  /**
   * Folder the records' image paths are relative to; images are copied into `out/images/`.
   * Default: the input file's folder. `null`: do not copy images, keep the paths as written.
   */
  images?: string | null;
  name?: string;
  version?: string;
  license?: string;
  description?: string;
  onProgress?: ProgressFn;
}

export interface ConvertResult extends WriteResult {
  /** Records read (valid or not). */
  read: number;
  /** Records written. */
  written: number;
  /** Records skipped because they were invalid. */
  skipped: number;
  diagnostics: DatasetDiagnostic[];
}

/**
 * Converts a JSONL file of Sample records into a dataset folder. Every line is validated; a bad
 * line is reported (file, line, field, fix) and skipped, and the rest goes on. Duplicate ids are
 * skipped after the first. Images are copied next to the records unless `images` is null.
 */
export async function convertJsonl(options: ConvertJsonlOptions): Promise<ConvertResult> {
  const diagnostics: DatasetDiagnostic[] = [];
  const imagesDir = options.images === undefined ? dirname(options.input) : options.images;
  const seen = new Map<string, number>();
  const guards = imagesDir === null ? null : copyGuards(imagesDir, options.out);
  let read = 0;
  let skipped = 0;

  async function prepare(entry: {
    line: number;
    sample?: Sample;
    issues: DatasetDiagnostic[];
  }): Promise<Sample | null> {
    if (!entry.sample) return null;
    const s = entry.sample;
    if (imagesDir === null) return s;
    const copy = async (rel: string, field: string): Promise<string | null> => {
      const r = await copyImage(imagesDir, rel, options.out, guards ?? copyGuards(imagesDir, options.out));
      if (r.ok) return r.path;
      diagnostics.push({
        severity: 'error',
        code: r.code,
        message: `${options.input}:${entry.line}: sample ${JSON.stringify(s.id)}: ${field} ${r.reason}`,
        file: options.input,
        line: entry.line,
        sampleId: s.id,
        field,
      });
      return r.code === 'unsafe-path' ? null : rel;
    };
    const main = await copy(s.image.path, 'image.path');
    if (main === null) return null;
    const segments = [];
    for (const [i, seg] of s.segments.entries()) {
      if (seg.path === undefined) {
        segments.push(seg);
        continue;
      }
      const p = await copy(seg.path, `segments.${i}.path`);
      if (p === null) return null;
      segments.push({ ...seg, path: p });
    }
    return { ...s, image: { ...s.image, path: main }, segments };
  }

  async function* records(): AsyncGenerator<Sample> {
    const source = async function* () {
      for await (const entry of readSampleFile(options.input)) {
        read++;
        diagnostics.push(...entry.issues);
        if (entry.sample) {
          const first = seen.get(entry.sample.id);
          if (first !== undefined) {
            diagnostics.push({
              severity: 'error',
              code: 'duplicate-id',
              message: `${options.input}:${entry.line}: id ${JSON.stringify(entry.sample.id)} was already used on line ${first}; this record is skipped; fix: give every sample a unique id`,
              file: options.input,
              line: entry.line,
              sampleId: entry.sample.id,
              field: 'id',
            });
            yield { line: entry.line, issues: [] };
            continue;
          }
          seen.set(entry.sample.id, entry.line);
        }
        yield entry;
      }
    };
    let done = 0;
    for await (const s of mapOrdered(source(), 8, prepare)) {
      options.onProgress?.(++done);
      if (s) yield s;
      else skipped++;
    }
  }

  const result = await writeDataset(
    options.out,
    {
      name: options.name ?? basename(options.out),
      version: options.version ?? '0.0.0',
      license: options.license ?? 'unknown',
      description: options.description ?? `Converted from ${basename(options.input)} (JSONL)`,
      source: basename(options.input),
    },
    records(),
  );
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ...result, read, written: result.count, skipped, diagnostics };
}
