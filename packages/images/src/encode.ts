import type { Box } from '@mmre/core';
import sharp, { type Metadata } from 'sharp';
import { ImageFileError } from './errors.js';
import type { ImageSettings } from './settings.js';
import { smartResize } from './smart-resize.js';

/** One image as it is sent to a model. */
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

/** One output wanted from a source image. */
export interface Variant {
  settings: ImageSettings;
  crop: Box | null;
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

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/**
 * Decodes an image file's bytes to 8-bit pixels, once, in its stored orientation (as Qwen's
 * preprocessing, PIL `Image.open` without EXIF transpose, sees it). No shrink-on-load: every
 * variant is resized from the full-resolution pixels, so the result does not depend on which
 * other variants were made from the same decode.
 */
async function decode(path: string, bytes: Buffer): Promise<Decoded> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new ImageFileError(
      `cannot decode image ${path}: ${(err as Error).message}; fix: use a JPEG/PNG/WebP/GIF/TIFF file`,
    );
  }
  if (!meta.width || !meta.height)
    throw new ImageFileError(`image ${path} has no size in its header; fix: re-encode the file`);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw new ImageFileError(
      `cannot decode image ${path}: ${(err as Error).message}; fix: re-encode the file (it may be truncated or corrupt)`,
    );
  }
}

async function encodeVariant(path: string, px: Decoded, v: Variant): Promise<EncodedImage> {
  const s = v.settings;
  let pipeline = sharp(px.data, { raw: { width: px.width, height: px.height, channels: px.channels } });
  let srcW = px.width;
  let srcH = px.height;
  if (v.crop) {
    const rect = cropRect(v.crop, px.width, px.height);
    if (!rect)
      throw new ImageFileError(
        `segment box ${JSON.stringify(v.crop)} is empty inside image ${path} (${px.width}x${px.height}); fix: the box must overlap the image`,
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
    throw new ImageFileError(
      `image ${path}${v.crop ? ` (crop ${JSON.stringify(v.crop)})` : ''}: ${(err as Error).message}`,
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
    // No metadata (EXIF, ICC, XMP) is written: sharp keeps none unless asked.
    out = await pipeline.toBuffer();
  } catch (err) {
    throw new ImageFileError(`cannot resize/encode image ${path}: ${(err as Error).message}`);
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
 * Decodes `bytes` (the file at `path`) once and makes every variant from the pixels: optional crop,
 * Qwen's smart_resize (bicubic), alpha on white, sRGB, JPEG or PNG without metadata. Deterministic:
 * the same bytes and variant give byte-identical output. One result (or error) per variant.
 */
export async function encodeVariants(
  path: string,
  bytes: Buffer,
  variants: readonly Variant[],
): Promise<PromiseSettledResult<EncodedImage>[]> {
  let px: Decoded;
  try {
    px = await decode(path, bytes);
  } catch (err) {
    return variants.map(() => ({ status: 'rejected', reason: err }));
  }
  return Promise.allSettled(variants.map((v) => encodeVariant(path, px, v)));
}
