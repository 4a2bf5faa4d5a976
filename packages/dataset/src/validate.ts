import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Box, type DatasetManifest, type Sample, segmentId } from '@mmre/core';
import type { DatasetDiagnostic } from './diagnostics.js';
import { resolveInside } from './paths.js';
import { MANIFEST_FILE, orderSplits, readManifest, readSamples, SAMPLES_FILE } from './store.js';

/** Default limit of `validate` (width × height) above which an image is refused from its header, before decoding: a guard against decompression bombs, not the `smart_resize` bound of the prompts (`DEFAULT_MAX_PIXELS` of @mmre/images). */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

export interface ValidateOptions {
  /** Check that every image exists and its header decodes (sharp metadata, no full decode). Default true. */
  checkImages?: boolean;
  /** Images whose header declares more pixels than this are refused (decompression bombs). */
  maxPixels?: number;
  /** How many image headers are read at once. Default 8. */
  concurrency?: number;
}

export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  /** Valid sample records read. */
  samples: number;
  /** Lines in samples.jsonl (non-blank). */
  lines: number;
  errors: number;
  warnings: number;
  diagnostics: DatasetDiagnostic[];
  /** Code → number of diagnostics with that code. */
  byCode: Record<string, number>;
}

/** Lower-case, NFKC, collapsed whitespace: how entity texts are compared (DESIGN.md). */
export function normalizeEntity(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

interface ImageTask {
  rel: string;
  absolute: string;
  field: string;
  line: number;
  sampleId: string;
  declared?: { width?: number; height?: number };
  boxes?: { field: string; box: Box }[];
}

/** Checks one sample record's internal consistency (no I/O). */
export function checkSample(sample: Sample, where: { file?: string; line?: number } = {}): DatasetDiagnostic[] {
  const out: DatasetDiagnostic[] = [];
  const loc = `${where.file ?? ''}${where.line !== undefined ? `:${where.line}` : ''}`;
  const add = (severity: DatasetDiagnostic['severity'], code: string, field: string, message: string) => {
    const d: DatasetDiagnostic = {
      severity,
      code,
      message: `${loc ? `${loc}: ` : ''}sample ${JSON.stringify(sample.id)}: ${message}`,
      sampleId: sample.id,
      field,
    };
    if (where.file !== undefined) d.file = where.file;
    if (where.line !== undefined) d.line = where.line;
    out.push(d);
  };
  const ids = new Set<string>();
  sample.segments.forEach((seg, i) => {
    const expected = segmentId(i);
    if (seg.id !== expected)
      add(
        'error',
        'segment-order',
        `segments.${i}.id`,
        `segment ${i + 1} has id ${JSON.stringify(seg.id)}, expected ${JSON.stringify(expected)}; fix: letter segments a, b, c, … in order with no gaps`,
      );
    if (ids.has(seg.id))
      add('error', 'duplicate-segment', `segments.${i}.id`, `segment id ${JSON.stringify(seg.id)} appears twice`);
    ids.add(seg.id);
    if (seg.box && (seg.box.xmax <= seg.box.xmin || seg.box.ymax <= seg.box.ymin))
      add(
        'error',
        'degenerate-box',
        `segments.${i}.box`,
        `box ${JSON.stringify(seg.box)} has no area; fix: xmax > xmin and ymax > ymin`,
      );
  });
  const entities = new Set(sample.gold.entities.map((e) => normalizeEntity(e.text)));
  sample.gold.pairs.forEach((p, i) => {
    if (!ids.has(p.segment))
      add(
        'error',
        'unknown-segment',
        `gold.pairs.${i}.segment`,
        `pair names segment ${JSON.stringify(p.segment)}, which is not among the segments (${[...ids].join(', ') || 'none'}); fix: add the segment or drop the pair`,
      );
    if (!entities.has(normalizeEntity(p.entity)))
      add(
        'warning',
        'pair-entity-not-in-entities',
        `gold.pairs.${i}.entity`,
        `pair entity ${JSON.stringify(p.entity)} is not among the gold entities; check the spelling or add the entity`,
      );
  });
  return out;
}

function pathDiagnostic(sample: Sample, rel: string, field: string, reason: string, file: string, line: number) {
  return {
    severity: 'error',
    code: 'unsafe-path',
    message: `${file}:${line}: sample ${JSON.stringify(sample.id)}: ${field} ${JSON.stringify(rel)} ${reason} (refused, not opened)`,
    file,
    line,
    sampleId: sample.id,
    field,
  } satisfies DatasetDiagnostic;
}

async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/**
 * Validates a dataset folder and returns every problem found, not just the first:
 * manifest errors; per line, JSON and schema errors (file, line, field, fix); duplicate ids;
 * segment ids that are not a, b, c, … in order; pairs naming unknown segments; pair entities
 * that are not among the entities (warning); absolute paths and paths escaping the root with
 * `..` (refused, never opened); and, with `checkImages`, missing images, images whose header does
 * not decode, and images above `maxPixels` (refused from the header, before any decode).
 */
export async function validate(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const checkImages = options.checkImages ?? true;
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  const file = join(dir, SAMPLES_FILE);
  const diagnostics: DatasetDiagnostic[] = [];
  let manifest: DatasetManifest | null = null;
  try {
    manifest = await readManifest(dir);
  } catch (err) {
    diagnostics.push({
      severity: 'error',
      code: 'manifest',
      message: (err as Error).message,
      file: join(dir, MANIFEST_FILE),
    });
  }
  const firstLine = new Map<string, number>();
  const splitCounts: Record<string, number> = {};
  const tasks: ImageTask[] = [];
  let samples = 0;
  let lines = 0;
  try {
    for await (const entry of readSamples(dir)) {
      lines++;
      diagnostics.push(...entry.issues);
      const s = entry.sample;
      if (!s) continue;
      samples++;
      splitCounts[s.split] = (splitCounts[s.split] ?? 0) + 1;
      const prev = firstLine.get(s.id);
      if (prev !== undefined)
        diagnostics.push({
          severity: 'error',
          code: 'duplicate-id',
          message: `${file}:${entry.line}: id ${JSON.stringify(s.id)} was already used on line ${prev}; fix: give every sample a unique id`,
          file,
          line: entry.line,
          sampleId: s.id,
          field: 'id',
        });
      else firstLine.set(s.id, entry.line);
      diagnostics.push(...checkSample(s, { file, line: entry.line }));

      const main = resolveInside(dir, s.image.path);
      if (!main.ok) diagnostics.push(pathDiagnostic(s, s.image.path, 'image.path', main.reason, file, entry.line));
      else if (checkImages) {
        const declared: { width?: number; height?: number } = {};
        if (s.image.width !== undefined) declared.width = s.image.width;
        if (s.image.height !== undefined) declared.height = s.image.height;
        tasks.push({
          rel: s.image.path,
          absolute: main.absolute,
          field: 'image.path',
          line: entry.line,
          sampleId: s.id,
          declared,
          boxes: s.segments.flatMap((seg, i) => (seg.box ? [{ field: `segments.${i}.box`, box: seg.box }] : [])),
        });
      }
      s.segments.forEach((seg, i) => {
        if (seg.path === undefined) return;
        const r = resolveInside(dir, seg.path);
        if (!r.ok) diagnostics.push(pathDiagnostic(s, seg.path, `segments.${i}.path`, r.reason, file, entry.line));
        else if (checkImages)
          tasks.push({
            rel: seg.path,
            absolute: r.absolute,
            field: `segments.${i}.path`,
            line: entry.line,
            sampleId: s.id,
          });
      });
    }
  } catch (err) {
    diagnostics.push({ severity: 'error', code: 'samples-file', message: (err as Error).message, file });
  }

  if (manifest) {
    const actual = orderSplits(splitCounts);
    const declared = manifest.splits;
    const names = new Set([...Object.keys(actual), ...Object.keys(declared)]);
    for (const n of names)
      if ((actual[n] ?? 0) !== (declared[n] ?? 0))
        diagnostics.push({
          severity: 'warning',
          code: 'manifest-splits',
          message: `${join(dir, MANIFEST_FILE)}: splits.${n} says ${declared[n] ?? 0} but samples.jsonl has ${actual[n] ?? 0} valid samples in that split; fix: rewrite the counts (mmre dataset split rewrites them)`,
          file: join(dir, MANIFEST_FILE),
          field: `splits.${n}`,
        });
  }

  if (checkImages && tasks.length > 0) {
    const { default: sharp } = await import('sharp');
    await runPool(tasks, options.concurrency ?? 8, async (t) => {
      const base = {
        file,
        line: t.line,
        sampleId: t.sampleId,
        field: t.field,
      };
      const prefix = `${file}:${t.line}: sample ${JSON.stringify(t.sampleId)}: ${t.field} ${JSON.stringify(t.rel)}`;
      try {
        const st = await stat(t.absolute);
        if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      } catch {
        diagnostics.push({
          ...base,
          severity: 'error',
          code: 'missing-image',
          message: `${prefix} does not exist; fix: copy the image to ${t.absolute} or correct the path`,
        });
        return;
      }
      let meta: { width?: number; height?: number; format?: string };
      try {
        // Header only: metadata() does not decode pixels, so a bomb is caught before it expands.
        meta = await sharp(t.absolute, { limitInputPixels: false, failOn: 'error' }).metadata();
      } catch (err) {
        diagnostics.push({
          ...base,
          severity: 'error',
          code: 'undecodable-image',
          message: `${prefix} is not a readable image (${(err as Error).message}); fix: re-export it as JPEG or PNG`,
        });
        return;
      }
      const w = meta.width ?? 0;
      const h = meta.height ?? 0;
      if (!w || !h) {
        diagnostics.push({
          ...base,
          severity: 'error',
          code: 'undecodable-image',
          message: `${prefix} has no readable size in its header; fix: re-export it as JPEG or PNG`,
        });
        return;
      }
      if (w * h > maxPixels) {
        diagnostics.push({
          ...base,
          severity: 'error',
          code: 'image-too-large',
          message: `${prefix} declares ${w}×${h} = ${w * h} pixels, above the limit of ${maxPixels} (possible decompression bomb; refused before decoding); fix: downscale it or raise --max-pixels`,
        });
        return;
      }
      const d = t.declared;
      if (d && ((d.width !== undefined && d.width !== w) || (d.height !== undefined && d.height !== h)))
        diagnostics.push({
          ...base,
          severity: 'warning',
          code: 'image-size-mismatch',
          message: `${prefix} is ${w}×${h} but the record says ${d.width ?? '?'}×${d.height ?? '?'}; fix: correct image.width/height`,
        });
      for (const b of t.boxes ?? []) {
        const { xmin, ymin, xmax, ymax } = b.box;
        if (xmin < 0 || ymin < 0 || xmax > w || ymax > h)
          diagnostics.push({
            ...base,
            field: b.field,
            severity: 'warning',
            code: 'box-outside-image',
            message: `${file}:${t.line}: sample ${JSON.stringify(t.sampleId)}: ${b.field} ${JSON.stringify(b.box)} reaches outside the ${w}×${h} image; crops clamp it`,
          });
      }
    });
  }

  diagnostics.sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) || (a.field ?? '').localeCompare(b.field ?? '') || a.code.localeCompare(b.code),
  );
  const byCode: Record<string, number> = {};
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    byCode[d.code] = (byCode[d.code] ?? 0) + 1;
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { ok: errors === 0, samples, lines, errors, warnings, diagnostics, byCode };
}
