import type { Box } from '@mmre/core';
import type { ImageFormat, ImageSettings } from './settings.js';

/**
 * A compact reference to an image, written into a PFA prompt instead of the image itself:
 * `mmre-image:<sha256 of the file>?path=<absolute path>&min=…&max=…&factor=…&format=…&q=…&pass=0|1[&crop=x0,y0,x1,y1]`.
 * A provider of this project turns it into a data URL just before sending (see ImageEncoder);
 * the digest makes the reference, and so promptfoo's response cache key, change with the file's
 * content. About 200 characters instead of ~130 KB of base64 per image.
 */
export interface ImageRef {
  /** sha256 of the source file's bytes, lower-case hex. */
  sha256: string;
  /** Absolute path of the source file. */
  path: string;
  settings: ImageSettings;
  /** A box cropped from the source before resizing (a segment with no file of its own). */
  crop: Box | null;
}

export const IMAGE_REF_SCHEME = 'mmre-image:';

const SHA256 = /^[0-9a-f]{64}$/;
const INT = /^\d+$/;
const NUM = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** The reference as the URL that goes into an `image_url` content part. */
export function formatImageRef(ref: ImageRef): string {
  const s = ref.settings;
  let url = `${IMAGE_REF_SCHEME}${ref.sha256}?path=${encodeURIComponent(ref.path)}&min=${s.minPixels}&max=${s.maxPixels}&factor=${s.factor}&format=${s.format}`;
  if (s.format === 'jpeg') url += `&q=${s.quality}`;
  url += `&pass=${s.passthrough ? 1 : 0}`;
  if (ref.crop) url += `&crop=${ref.crop.xmin},${ref.crop.ymin},${ref.crop.xmax},${ref.crop.ymax}`;
  return url;
}

/** True for a string that is an image reference (it may still be malformed: see parseImageRef). */
export function isImageRef(url: unknown): url is string {
  return typeof url === 'string' && url.startsWith(IMAGE_REF_SCHEME);
}

/** Thrown for a malformed reference; the message names the part and the fix. */
export class ImageRefError extends Error {
  override name = 'ImageRefError';
}

/** Parses a reference made by formatImageRef; throws ImageRefError naming what is wrong. */
export function parseImageRef(url: string): ImageRef {
  const bad = (what: string): never => {
    throw new ImageRefError(
      `malformed image reference ${JSON.stringify(url.slice(0, 160))}: ${what}; fix: render prompts with the @mmre/pfa prompt functions`,
    );
  };
  if (!isImageRef(url)) bad(`it does not start with ${IMAGE_REF_SCHEME}`);
  const q = url.indexOf('?');
  const sha256 = url.slice(IMAGE_REF_SCHEME.length, q < 0 ? undefined : q);
  if (!SHA256.test(sha256)) bad('the digest is not 64 lower-case hex digits');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const path = params.get('path');
  if (!path) bad('no path');
  const int = (name: string): number => {
    const v = params.get(name);
    if (v === null || !INT.test(v) || Number(v) < 1) return bad(`${name} must be a positive integer`);
    return Number(v);
  };
  const format = params.get('format');
  if (format !== 'jpeg' && format !== 'png') bad('format must be jpeg or png');
  const settings: ImageSettings = {
    minPixels: int('min'),
    maxPixels: int('max'),
    factor: int('factor'),
    format: format as ImageFormat,
    quality: format === 'jpeg' ? int('q') : 90,
    passthrough: params.get('pass') === '1',
  };
  const pass = params.get('pass');
  if (pass !== '0' && pass !== '1') bad('pass must be 0 or 1');
  if (settings.format === 'jpeg' && settings.quality > 100) bad('q must be at most 100');
  if (settings.minPixels > settings.maxPixels) bad('min must not exceed max');
  let crop: Box | null = null;
  const c = params.get('crop');
  if (c !== null) {
    const parts = c.split(',');
    if (parts.length !== 4 || !parts.every((p) => NUM.test(p))) bad('crop must be four numbers x0,y0,x1,y1');
    const [xmin, ymin, xmax, ymax] = parts.map(Number) as [number, number, number, number];
    crop = { xmin, ymin, xmax, ymax };
  }
  return { sha256, path: path as string, settings, crop };
}
