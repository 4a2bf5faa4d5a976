import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Box, DatasetManifest } from '@mmre/core';
import type { DatasetDiagnostic } from './diagnostics.js';
import { RecordChecker } from './records.js';
import { MANIFEST_FILE, orderSplits, readManifest, readSamples, SAMPLES_FILE } from './store.js';

export { checkSample } from './records.js';

/** Default limit of `validate` (width × height) above which an image is refused from its header, before decoding: a guard against decompression bombs, not the `smart_resize` bound of the prompts (`DEFAULT_MAX_PIXELS` of @mmre/images). */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

/** How far `validate` read the images: `full` decoded every pixel, `header` only the headers, `none` not at all. */
export type ImageCheck = 'full' | 'header' | 'none';

/** Images up to this many pixels are decoded into a buffer by `validate` (at most 48 MB each), larger ones streamed. */
const FULL_DECODE_BUFFER_PIXELS = 16 * 1024 * 1024;

export interface ValidateOptions {
  /** Check the images: that each exists, its header reads, its size is within `maxPixels`, and (`decode`) its pixels decode. Default true. */
  checkImages?: boolean;
  /**
   * `full` (default): decode every image to its last pixel the way the eval does (sharp, `failOn: 'error'`),
   * so a truncated or corrupt file fails here and not in the eval. `header`: read the headers only (faster;
   * a file cut off after its header passes).
   */
  decode?: 'full' | 'header';
  /** Images whose header declares more pixels than this are refused (decompression bombs). */
  maxPixels?: number;
  /** How many images are read at once. Default 8 for headers, 4 for full decodes. */
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
  /** How far the images were checked (`none`: `checkImages: false`; `header`: not decoded, so a truncated file would pass). */
  images: ImageCheck;
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
 * manifest errors; per line, JSON, encoding, size and schema errors (file, line, field, fix); and the
 * record checks every reader of the dataset applies (`RecordChecker`): duplicate ids, segment ids that
 * are not a, b, c, … in order, inverted boxes, pairs naming unknown segments, pair entities that are not
 * among the entities (warning), absolute paths, paths escaping the root with `..` and paths that leave
 * it through a symbolic link (refused, never opened). With `checkImages`: missing images, images whose
 * header does not read, images above `maxPixels` (refused from the header, before any decode) and, with
 * `decode: 'full'` (the default), images whose pixels do not decode (a truncated JPEG). `images` in the
 * result says how far the images were checked.
 */
export async function validate(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const checkImages = options.checkImages ?? true;
  const decode = checkImages && (options.decode ?? 'full') === 'full';
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
  const checker = new RecordChecker(dir, file);
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
      const rec = checker.record(s, entry.line);
      diagnostics.push(...rec.diagnostics);
      const checked = checker.files(s, entry.line);
      if (!checked.ok) {
        diagnostics.push(...checked.diagnostics);
        continue;
      }
      if (!checkImages) continue;
      const { files } = checked;
      const declared: { width?: number; height?: number } = {};
      if (s.image.width !== undefined) declared.width = s.image.width;
      if (s.image.height !== undefined) declared.height = s.image.height;
      tasks.push({
        rel: s.image.path,
        absolute: files.image,
        field: 'image.path',
        line: entry.line,
        sampleId: s.id,
        declared,
        boxes: s.segments.flatMap((seg, i) => (seg.box ? [{ field: `segments.${i}.box`, box: seg.box }] : [])),
      });
      s.segments.forEach((seg, i) => {
        const absolute = files.segments[i];
        if (seg.path === undefined || !absolute) return;
        tasks.push({ rel: seg.path, absolute, field: `segments.${i}.path`, line: entry.line, sampleId: s.id });
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
    await runPool(tasks, options.concurrency ?? (decode ? 4 : 8), async (t) => {
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
      if (decode) {
        try {
          // Every pixel, as the eval decodes it (@mmre/images: failOn 'error'). Up to 16 Mpx into a buffer (the
          // fastest full decode); larger images through stats(), which streams them, so memory stays bounded.
          const img = sharp(t.absolute, { limitInputPixels: false, failOn: 'error', sequentialRead: true });
          if (w * h <= FULL_DECODE_BUFFER_PIXELS) await img.raw().toBuffer();
          else await img.stats();
        } catch (err) {
          diagnostics.push({
            ...base,
            severity: 'error',
            code: 'undecodable-image',
            message: `${prefix} does not decode (${(err as Error).message}): the file is cut off or damaged; fix: copy it again or re-export it as JPEG or PNG`,
          });
          return;
        }
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
  const images: ImageCheck = !checkImages ? 'none' : decode ? 'full' : 'header';
  return { ok: errors === 0, samples, lines, errors, warnings, diagnostics, byCode, images };
}
