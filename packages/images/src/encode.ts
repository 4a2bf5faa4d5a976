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
  /**
   * Size sent (after crop and smart_resize; for a passthrough, the file's own size, which the
   * server's processor rounds to the same grid smart_resize would).
   */
  width: number;
  height: number;
  /** Size of the region that was resized (the crop, or the whole image). */
  sourceWidth: number;
  sourceHeight: number;
  /** Encoded bytes (before base64). */
  bytes: number;
  /** The file's own bytes, sent as they are (see ImageSettings.passthrough). */
  passthrough: boolean;
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

/** The header of an image file (sharp reads it without decoding the pixels). */
async function readHeader(path: string, bytes: Buffer): Promise<Metadata> {
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
  return meta;
}

/**
 * Decodes an image file's bytes to 8-bit pixels, once, in its stored orientation (as Qwen's
 * preprocessing, PIL `Image.open` without EXIF transpose, sees it). No shrink-on-load: every
 * variant is resized from the full-resolution pixels, so the result does not depend on which
 * other variants were made from the same decode.
 */
async function decode(path: string, bytes: Buffer): Promise<Decoded> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', sequentialRead: true })
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

/** Whether the file ends as a whole JPEG (EOI marker) or PNG (IEND chunk) does. */
function endsComplete(bytes: Buffer, format: 'jpeg' | 'png'): boolean {
  const n = bytes.length;
  if (format === 'jpeg') return n > 4 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xd9;
  return n > 12 && bytes.toString('latin1', n - 8, n - 4) === 'IEND';
}

/**
 * The file itself, when the variant allows it (`settings.passthrough`) and resizing here would only
 * round its size to the patch grid: no crop, a single-image JPEG or PNG, 8-bit sRGB RGB without alpha,
 * palette, embedded ICC profile or EXIF rotation, and smart_resize's bounds not in play. Qwen's
 * processor rounds it to the same size on the server, with PIL's bicubic (what qwen_vl_utils does
 * before the processor sees the image); null when the image must be made here.
 */
function passthrough(bytes: Buffer, meta: Metadata, v: Variant): EncodedImage | null {
  const s = v.settings;
  if (!s.passthrough || v.crop) return null;
  if (meta.format !== 'jpeg' && meta.format !== 'png') return null;
  if (meta.channels !== 3 || meta.hasAlpha || meta.depth !== 'uchar' || meta.space !== 'srgb') return null;
  if (meta.isPalette || meta.icc || (meta.orientation ?? 1) !== 1 || (meta.pages ?? 1) !== 1) return null;
  // A file cut short is decoded here, so that it fails as a bad image instead of at the server.
  if (!endsComplete(bytes, meta.format)) return null;
  const width = meta.width as number;
  const height = meta.height as number;
  let h: number;
  let w: number;
  try {
    [h, w] = smartResize(height, width, s);
  } catch {
    return null; // the encoding path reports it
  }
  // The bounds are not in play when the result is the plain rounding to the grid.
  const [hr, wr] = smartResize(height, width, { factor: s.factor, minPixels: 1, maxPixels: Number.MAX_SAFE_INTEGER });
  if (h !== hr || w !== wr) return null;
  const mime = meta.format === 'png' ? 'image/png' : 'image/jpeg';
  return {
    dataUrl: `data:${mime};base64,${bytes.toString('base64')}`,
    mime,
    width,
    height,
    sourceWidth: width,
    sourceHeight: height,
    bytes: bytes.length,
    passthrough: true,
  };
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
      : // Baseline JPEG with the standard Huffman tables: optimised tables make the file a few percent
        // smaller but double the encoding time, and the model decodes the same pixels either way.
        pipeline.jpeg({
          quality: s.quality,
          chromaSubsampling: '4:2:0',
          mozjpeg: false,
          progressive: false,
          optimiseCoding: false,
        });
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
    passthrough: false,
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
  let meta: Metadata;
  try {
    meta = await readHeader(path, bytes);
  } catch (err) {
    return variants.map(() => ({ status: 'rejected', reason: err }));
  }
  const out: (PromiseSettledResult<EncodedImage> | undefined)[] = variants.map((v) => {
    const same = passthrough(bytes, meta, v);
    return same ? { status: 'fulfilled', value: same } : undefined;
  });
  if (out.every((r) => r !== undefined)) return out as PromiseSettledResult<EncodedImage>[];
  let px: Decoded;
  try {
    px = await decode(path, bytes);
  } catch (err) {
    return out.map((r) => r ?? { status: 'rejected', reason: err });
  }
  return Promise.all(
    variants.map(async (v, i): Promise<PromiseSettledResult<EncodedImage>> => {
      const ready = out[i];
      if (ready) return ready;
      try {
        return { status: 'fulfilled', value: await encodeVariant(path, px, v) };
      } catch (reason) {
        return { status: 'rejected', reason };
      }
    }),
  );
}
