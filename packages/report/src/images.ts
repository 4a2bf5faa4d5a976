import { availableParallelism } from 'node:os';
import { dirname, relative, sep } from 'node:path';
import sharp from 'sharp';

export type ImageMode = 'embed' | 'relative' | 'none';

export interface PreparedImage {
  /** What goes into `href`: a data URL, a relative path, or null (no picture). */
  href: string | null;
  /** Pixel size of the original image (the frame the segment boxes are in). */
  width: number;
  height: number;
  /** Why there is no picture, when there is none. */
  problem: string | null;
}

export interface PrepareImageOptions {
  mode: ImageMode;
  /** Where the HTML will be written (the base of `relative` links; default: the working directory). */
  outFile?: string;
  /** Longest side of the embedded thumbnail in pixels (default 160); never enlarged. */
  maxWidth?: number;
  /** JPEG quality of the embedded thumbnail (default 60). */
  quality?: number;
}

/** Default longest side of embedded thumbnails, in pixels. */
export const THUMBNAIL_SIZE = 160;
/** Default JPEG quality of embedded thumbnails. */
export const THUMBNAIL_QUALITY = 60;

/**
 * Prepares the main image of a sample for the HTML report: reads its size (the boxes' frame) and
 * either embeds a small JPEG thumbnail as a data URL or references the file relatively to the HTML
 * file. The file is decoded once, with shrink-on-load (JPEG and WebP decode straight at a fraction of
 * their size). Never throws: an unreadable image yields `{ href: null, problem }`.
 */
export async function prepareImage(path: string, options: PrepareImageOptions): Promise<PreparedImage> {
  try {
    const img = sharp(path);
    const meta = await img.metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    const width = (swap ? meta.height : meta.width) ?? 1;
    const height = (swap ? meta.width : meta.height) ?? 1;
    if (options.mode === 'none') return { href: null, width, height, problem: null };
    if (options.mode === 'relative') {
      const from = options.outFile ? dirname(options.outFile) : process.cwd();
      const rel = relative(from, path).split(sep).join('/');
      return { href: encodeURI(rel), width, height, problem: null };
    }
    const size = options.maxWidth ?? THUMBNAIL_SIZE;
    const buf = await img
      .rotate()
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      // mozjpeg's quantisation table and trellis quantisation, baseline: at thumbnail size as small
      // as the full mozjpeg preset (progressive scans add bytes to tiny files) at a third less CPU.
      .jpeg({ quality: options.quality ?? THUMBNAIL_QUALITY, quantisationTable: 3, trellisQuantisation: true })
      .toBuffer();
    return { href: `data:image/jpeg;base64,${buf.toString('base64')}`, width, height, problem: null };
  } catch (err) {
    return {
      href: null,
      width: 1,
      height: 1,
      problem: `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * `prepareImage` for many images, in order, with at most `concurrency` in flight (default: the
 * available cores, 2–4). sharp decodes and encodes on libuv's thread pool, so a few in flight keep
 * every core busy while memory stays flat however many images there are.
 */
export async function prepareImages(
  paths: readonly string[],
  options: PrepareImageOptions & { concurrency?: number },
): Promise<PreparedImage[]> {
  const out = new Array<PreparedImage>(paths.length);
  const limit = Math.max(
    1,
    Math.min(paths.length, options.concurrency ?? Math.min(4, Math.max(2, availableParallelism()))),
  );
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      out[i] = await prepareImage(paths[i] as string, options);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}
