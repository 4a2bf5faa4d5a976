import { copyFile, link, readdir, unlink } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Box } from '@mmre/core';
import sharp, { type OutputInfo, type Region } from 'sharp';
import { cropRect, type Size } from './boxes.js';

const EXT_RANK = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp'];

/** Lists an image folder once: file base name (the IMGID) → file name, preferring `.jpg`. */
export async function indexImages(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir);
  const out = new Map<string, string>();
  const rank = (f: string) => {
    const r = EXT_RANK.indexOf(extname(f).toLowerCase());
    return r === -1 ? EXT_RANK.length : r;
  };
  for (const f of names) {
    const ext = extname(f);
    if (!ext || f.startsWith('.')) continue;
    const id = f.slice(0, -ext.length);
    const prev = out.get(id);
    if (prev === undefined || rank(f) < rank(prev)) out.set(id, f);
  }
  return out;
}

/**
 * Size of an image as displayed (EXIF orientation applied), from its header only: no full decode.
 */
export async function imageSize(file: string): Promise<Size> {
  const m = await sharp(file).metadata();
  if (!m.width || !m.height) throw new Error('no width/height in the image header');
  return (m.orientation ?? 1) >= 5 ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}

/** Hard-links `src` to `dst` (replacing `dst`), copying when a link is not possible. */
export async function linkOrCopy(src: string, dst: string): Promise<void> {
  try {
    await link(src, dst);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(dst);
      return linkOrCopy(src, dst);
    }
    await copyFile(src, dst);
  }
}

export interface CropJob {
  box: Box;
  out: string;
}

/**
 * Crops boxes (already clamped to `size`) out of one image into JPEG files. One box: a single
 * sharp pipeline; several: the image is decoded once and each crop cut from the pixels. Returns,
 * per job, null on success or the error message.
 */
export async function cropBoxes(
  file: string,
  size: Size,
  jobs: readonly CropJob[],
  quality = 90,
): Promise<(string | null)[]> {
  const rects = jobs.map((j) => cropRect(j.box, size));
  const result: (string | null)[] = jobs.map(() => null);
  if (jobs.length === 0) return result;
  const todo: { r: Region; i: number }[] = [];
  rects.forEach((r, i) => {
    if (r) todo.push({ r, i });
    else result[i] = 'box is empty inside the image';
  });
  if (todo.length === 1) {
    const { r, i } = todo[0] as { r: Region; i: number };
    try {
      await sharp(file, { autoOrient: true, failOn: 'error' })
        .extract(r)
        .jpeg({ quality, optimiseCoding: false })
        .toFile((jobs[i] as CropJob).out);
    } catch (err) {
      result[i] = (err as Error).message;
    }
    return result;
  }
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    pixels = await sharp(file, { autoOrient: true, failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    for (const { i } of todo) result[i] = (err as Error).message;
    return result;
  }
  const raw = { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels };
  for (const { r, i } of todo) {
    try {
      await sharp(pixels.data, { raw })
        .extract(r)
        .jpeg({ quality, optimiseCoding: false })
        .toFile((jobs[i] as CropJob).out);
    } catch (err) {
      result[i] = (err as Error).message;
    }
  }
  return result;
}
