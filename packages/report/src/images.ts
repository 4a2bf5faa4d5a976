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

/**
 * Prepares the main image of a sample for the HTML report: reads its size (the boxes' frame) and
 * either embeds a downscaled JPEG as a data URL or references the file relatively to the HTML file.
 * Never throws: an unreadable image yields `{ href: null, problem }`.
 */
export async function prepareImage(
  path: string,
  options: { mode: ImageMode; outFile?: string; maxWidth?: number },
): Promise<PreparedImage> {
  try {
    const meta = await sharp(path).metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    const width = (swap ? meta.height : meta.width) ?? 1;
    const height = (swap ? meta.width : meta.height) ?? 1;
    if (options.mode === 'none') return { href: null, width, height, problem: null };
    if (options.mode === 'relative') {
      const from = options.outFile ? dirname(options.outFile) : process.cwd();
      const rel = relative(from, path).split(sep).join('/');
      return { href: encodeURI(rel), width, height, problem: null };
    }
    const maxWidth = options.maxWidth ?? 360;
    const buf = await sharp(path)
      .rotate()
      .resize({ width: maxWidth, height: maxWidth, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 72, mozjpeg: true })
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
