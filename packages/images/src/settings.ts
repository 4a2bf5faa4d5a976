import type { Box } from '@mmre/core';
import { DEFAULT_MAX_PIXELS, DEFAULT_MIN_PIXELS, QWEN_FACTOR } from './smart-resize.js';

export type ImageFormat = 'jpeg' | 'png';

/** How an image is resized and encoded before it reaches a model. */
export interface ImageSettings {
  /** smart_resize factor (Qwen2.5-VL: 28). */
  factor: number;
  /** smart_resize lower bound, in pixels. */
  minPixels: number;
  /** smart_resize upper bound, in pixels. */
  maxPixels: number;
  format: ImageFormat;
  /** JPEG quality 1–100 (ignored for png). */
  quality: number;
  /**
   * Send a file as it is when nothing but the patch-grid rounding would change it: a JPEG or PNG,
   * 8-bit sRGB RGB without alpha or EXIF rotation, not cropped, whose rounded size is already within
   * [minPixels, maxPixels]. Qwen's processor on the server (vLLM, transformers, llama.cpp, Ollama)
   * rounds it to the same size with PIL's bicubic, the resample qwen_vl_utils applies, so the model sees
   * the paper pipeline's pixels without a second JPEG generation (default true). `false` always
   * resizes and re-encodes here.
   */
  passthrough: boolean;
}

export const DEFAULT_IMAGE_FORMAT: ImageFormat = 'jpeg';
export const DEFAULT_JPEG_QUALITY = 90;

export const DEFAULT_IMAGE_SETTINGS: Readonly<ImageSettings> = Object.freeze({
  factor: QWEN_FACTOR,
  minPixels: DEFAULT_MIN_PIXELS,
  maxPixels: DEFAULT_MAX_PIXELS,
  format: DEFAULT_IMAGE_FORMAT,
  quality: DEFAULT_JPEG_QUALITY,
  passthrough: true,
});

/** Settings with defaults filled in. */
export function imageSettings(partial: Partial<ImageSettings> = {}): ImageSettings {
  return {
    factor: partial.factor ?? DEFAULT_IMAGE_SETTINGS.factor,
    minPixels: partial.minPixels ?? DEFAULT_IMAGE_SETTINGS.minPixels,
    maxPixels: partial.maxPixels ?? DEFAULT_IMAGE_SETTINGS.maxPixels,
    format: partial.format ?? DEFAULT_IMAGE_SETTINGS.format,
    quality: partial.quality ?? DEFAULT_IMAGE_SETTINGS.quality,
    passthrough: partial.passthrough ?? DEFAULT_IMAGE_SETTINGS.passthrough,
  };
}

/**
 * What decides the encoded bytes, as one string: the source content (its sha256), the settings
 * that apply (quality only for JPEG) and the crop box. Equal identities give byte-identical images.
 */
export function variantIdentity(sha256: string, settings: ImageSettings, crop: Box | null): string {
  const q = settings.format === 'jpeg' ? `q${settings.quality}` : '';
  const c = crop ? `${crop.xmin},${crop.ymin},${crop.xmax},${crop.ymax}` : '';
  return `${sha256}|${settings.factor}|${settings.minPixels}|${settings.maxPixels}|${settings.format}${q}|p${settings.passthrough ? 1 : 0}|${c}`;
}
