import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Box } from '@mmre/core';
import { LRUCache } from 'lru-cache';
import sharp, { type Metadata } from 'sharp';
import { DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, QWEN_FACTOR, smartResize } from './smart-resize.js';

export type ImageFormat = 'jpeg' | 'png';

export interface EncodeImageOptions {
  /** smart_resize factor (default 28). */
  factor?: number;
  /** Default 256·28·28. */
  minPixels?: number;
  /** Default 1280·28·28. */
  maxPixels?: number;
  /** Output format (default jpeg). */
  format?: ImageFormat;
  /** JPEG quality 1–100 (default 90; ignored for png). */
  quality?: number;
  /** Crop this box (pixels, in the image's own frame) before resizing: a segment with no file of its own. */
  crop?: Box | null;
}

export interface EncodedImage {
  /** `data:image/jpeg;base64,…` or `data:image/png;base64,…`. */
  dataUrl: string;
  mime: 'image/jpeg' | 'image/png';
  /** Size sent to the model (after crop and smart_resize). */
  width: number;
  height: number;
  /** Size of the region that was resized (the crop, or the whole image). */
  sourceWidth: number;
  sourceHeight: number;
  /** Encoded bytes (before base64). */
  bytes: number;
}

export const DEFAULT_IMAGE_FORMAT: ImageFormat = 'jpeg';
export const DEFAULT_JPEG_QUALITY = 90;

/** An image that could not be read, cropped or resized; the message names the file and the fix. */
export class PfaImageError extends Error {
  override name = 'PfaImageError';
}

export interface ImageCacheStats {
  /** Calls answered from the cache (including ones that joined an image still being processed). */
  hits: number;
  /** Calls that had to process the image. */
  misses: number;
  /** Images decoded, resized and encoded (the real work); equals misses minus failures. */
  processed: number;
  /** Processing failures (not cached: the next call retries). */
  failures: number;
  /** Milliseconds spent processing (sum over images; concurrent work overlaps). */
  processMs: number;
  /** Entries and total data-URL characters held now. */
  entries: number;
  size: number;
  maxSize: number;
}

const DEFAULT_CACHE_BYTES = Number(process.env.MMRE_PFA_CACHE_MB ?? 512) * 1024 * 1024;

function newCache(maxSize: number) {
  return new LRUCache<string, Promise<EncodedImage>>({
    maxSize,
    // Pending entries count 1 until they settle; then their data-URL length (1 byte per char).
    sizeCalculation: () => 1,
  });
}

let cache = newCache(DEFAULT_CACHE_BYTES);
const counters = { hits: 0, misses: 0, processed: 0, failures: 0, processMs: 0 };

/** Counters of the in-process image cache (for benchmarks and tests). */
export function imageCacheStats(): ImageCacheStats {
  return { ...counters, entries: cache.size, size: cache.calculatedSize, maxSize: cache.maxSize };
}

/** Empties the image cache and zeroes its counters; `maxBytes` changes its capacity. */
export function resetImageCache(options: { maxBytes?: number } = {}): void {
  cache = newCache(options.maxBytes ?? cache.maxSize);
  counters.hits = 0;
  counters.misses = 0;
  counters.processed = 0;
  counters.failures = 0;
  counters.processMs = 0;
}

interface Settings {
  factor: number;
  minPixels: number;
  maxPixels: number;
  format: ImageFormat;
  quality: number;
  crop: Box | null;
}

function settingsOf(o: EncodeImageOptions): Settings {
  return {
    factor: o.factor ?? QWEN_FACTOR,
    minPixels: o.minPixels ?? DEFAULT_MIN_PIXELS,
    maxPixels: o.maxPixels ?? DEFAULT_MAX_PIXELS,
    format: o.format ?? DEFAULT_IMAGE_FORMAT,
    quality: o.quality ?? DEFAULT_JPEG_QUALITY,
    crop: o.crop ?? null,
  };
}

/** Integer crop rectangle for a box, clamped to the image (floor of the start, ceil of the end). */
export function cropRect(
  box: Box,
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } | null {
  const left = Math.max(0, Math.min(width, Math.floor(Math.min(box.xmin, box.xmax))));
  const top = Math.max(0, Math.min(height, Math.floor(Math.min(box.ymin, box.ymax))));
  const right = Math.max(0, Math.min(width, Math.ceil(Math.max(box.xmin, box.xmax))));
  const bottom = Math.max(0, Math.min(height, Math.ceil(Math.max(box.ymin, box.ymax))));
  if (right - left < 1 || bottom - top < 1) return null;
  return { left, top, width: right - left, height: bottom - top };
}

async function processImage(path: string, s: Settings): Promise<EncodedImage> {
  let input: Buffer;
  try {
    input = await readFile(path);
  } catch (err) {
    throw new PfaImageError(
      `cannot read image ${path}: ${(err as Error).message}; fix: check the image path in the test vars`,
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(input).metadata();
  } catch (err) {
    throw new PfaImageError(
      `cannot decode image ${path}: ${(err as Error).message}; fix: use a JPEG/PNG/WebP/GIF/TIFF file`,
    );
  }
  // Raw (stored) orientation, as Qwen's preprocessing (PIL Image.open, no EXIF transpose) sees it.
  const fullW = meta.width;
  const fullH = meta.height;
  if (!fullW || !fullH) throw new PfaImageError(`image ${path} has no size in its header; fix: re-encode the file`);
  let pipeline = sharp(input, { failOn: 'error' });
  let srcW = fullW;
  let srcH = fullH;
  if (s.crop) {
    const rect = cropRect(s.crop, fullW, fullH);
    if (!rect)
      throw new PfaImageError(
        `segment box ${JSON.stringify(s.crop)} is empty inside image ${path} (${fullW}x${fullH}); fix: the box must overlap the image`,
      );
    pipeline = pipeline.extract(rect);
    srcW = rect.width;
    srcH = rect.height;
  }
  let h: number;
  let w: number;
  try {
    [h, w] = smartResize(srcH, srcW, s);
  } catch (err) {
    throw new PfaImageError(
      `image ${path}${s.crop ? ` (crop ${JSON.stringify(s.crop)})` : ''}: ${(err as Error).message}`,
    );
  }
  // PIL's default resize filter for RGB is bicubic; alpha is composed on white as qwen_vl_utils' to_rgb does.
  pipeline = pipeline
    .resize({ width: w, height: h, fit: 'fill', kernel: 'cubic' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
  pipeline =
    s.format === 'png'
      ? pipeline.png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
      : pipeline.jpeg({ quality: s.quality, chromaSubsampling: '4:2:0', mozjpeg: false, progressive: false });
  let out: Buffer;
  try {
    // Metadata (EXIF, ICC, XMP) is not copied: sharp strips it unless asked to keep it.
    out = await pipeline.toBuffer();
  } catch (err) {
    throw new PfaImageError(`cannot resize/encode image ${path}: ${(err as Error).message}`);
  }
  const mime = s.format === 'png' ? 'image/png' : 'image/jpeg';
  return {
    dataUrl: `data:${mime};base64,${out.toString('base64')}`,
    mime,
    width: w,
    height: h,
    sourceWidth: srcW,
    sourceHeight: srcH,
    bytes: out.length,
  };
}

/**
 * Reads an image, optionally crops a box, resizes it with Qwen's smart_resize and encodes it as a
 * data URL. Deterministic: identical inputs and settings give byte-identical data URLs. Results are
 * kept in an in-process LRU cache keyed by file identity (absolute path, size, mtime) and the
 * settings, so each image is processed once per run; concurrent calls share one processing.
 */
export async function encodeImage(path: string, options: EncodeImageOptions = {}): Promise<EncodedImage> {
  const abs = resolve(path);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(abs);
  } catch (err) {
    throw new PfaImageError(
      `cannot read image ${abs}: ${(err as Error).message}; fix: check the image path in the test vars`,
    );
  }
  const s = settingsOf(options);
  const c = s.crop;
  const key = [
    abs,
    st.size,
    st.mtimeMs,
    s.factor,
    s.minPixels,
    s.maxPixels,
    s.format,
    s.format === 'jpeg' ? s.quality : '',
    c ? `${c.xmin},${c.ymin},${c.xmax},${c.ymax}` : '',
  ].join('\u0000');
  const cached = cache.get(key);
  if (cached) {
    counters.hits++;
    return cached;
  }
  counters.misses++;
  const started = performance.now();
  const pending = processImage(abs, s).then(
    (img) => {
      counters.processed++;
      counters.processMs += performance.now() - started;
      // Re-insert with its real size so the LRU bound is in data-URL characters.
      // (a new settled promise: lru-cache does not re-measure an entry set to the same value)
      if (cache.peek(key) === pending) cache.set(key, Promise.resolve(img), { size: img.dataUrl.length });
      return img;
    },
    (err: unknown) => {
      counters.failures++;
      if (cache.peek(key) === pending) cache.delete(key);
      throw err;
    },
  );
  cache.set(key, pending);
  return pending;
}
