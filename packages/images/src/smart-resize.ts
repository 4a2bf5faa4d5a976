/**
 * Qwen2-VL / Qwen2.5-VL `smart_resize`, exactly as in `qwen_vl_utils.vision_process` and
 * transformers' `Qwen2VLImageProcessor`:
 *
 * ```python
 * if max(h, w) / min(h, w) > 200: raise ValueError(...)
 * h_bar = max(factor, round_by_factor(h, factor))       # round() is Python's: half to even
 * w_bar = max(factor, round_by_factor(w, factor))
 * if h_bar * w_bar > max_pixels:
 *     beta = math.sqrt((h * w) / max_pixels)
 *     h_bar = max(factor, floor_by_factor(h / beta, factor))
 *     w_bar = max(factor, floor_by_factor(w / beta, factor))
 * elif h_bar * w_bar < min_pixels:
 *     beta = math.sqrt(min_pixels / (h * w))
 *     h_bar = ceil_by_factor(h * beta, factor)
 *     w_bar = ceil_by_factor(w * beta, factor)
 * ```
 *
 * IEEE-754 doubles behave the same in Python and JavaScript for these operations (`/`, `*`,
 * `sqrt`, `floor`, `ceil` are correctly rounded), so only `round` needs care.
 */

/** Qwen2.5-VL's patch size (14) × spatial merge size (2). */
export const QWEN_FACTOR = 28;
/** 256 · 28 · 28: Qwen's recommended serving minimum (256 visual tokens). */
export const DEFAULT_MIN_PIXELS = 256 * 28 * 28;
/** 1280 · 28 · 28: Qwen's recommended serving maximum (1280 visual tokens). */
export const DEFAULT_MAX_PIXELS = 1280 * 28 * 28;
/** Largest aspect ratio Qwen accepts. */
export const MAX_ASPECT_RATIO = 200;

export interface SmartResizeOptions {
  factor?: number;
  minPixels?: number;
  maxPixels?: number;
}

/** Python 3 `round(x)`: to the nearest integer, ties to the even one. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

const roundByFactor = (n: number, factor: number) => pyRound(n / factor) * factor;
const floorByFactor = (n: number, factor: number) => Math.floor(n / factor) * factor;
const ceilByFactor = (n: number, factor: number) => Math.ceil(n / factor) * factor;

/** Thrown for sizes Qwen's preprocessing rejects (aspect ratio > 200, non-positive sizes). */
export class SmartResizeError extends RangeError {
  override name = 'SmartResizeError';
}

/**
 * Target `[height, width]` for an image of `height × width` pixels: both multiples of `factor`,
 * area within [minPixels, maxPixels] (as far as Qwen's algorithm guarantees), aspect ratio kept.
 * Throws SmartResizeError when the aspect ratio exceeds 200 (as Qwen does).
 */
export function smartResize(height: number, width: number, options: SmartResizeOptions = {}): [number, number] {
  const factor = options.factor ?? QWEN_FACTOR;
  const minPixels = options.minPixels ?? DEFAULT_MIN_PIXELS;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  for (const [name, v] of [
    ['height', height],
    ['width', width],
    ['factor', factor],
    ['minPixels', minPixels],
    ['maxPixels', maxPixels],
  ] as const) {
    if (!Number.isFinite(v) || v <= 0)
      throw new SmartResizeError(`smartResize: ${name} must be a positive number, got ${v}`);
  }
  const ratio = Math.max(height, width) / Math.min(height, width);
  if (ratio > MAX_ASPECT_RATIO)
    throw new SmartResizeError(
      `absolute aspect ratio must be smaller than ${MAX_ASPECT_RATIO}, got ${ratio} (${width}x${height} pixels); Qwen's preprocessing rejects such images`,
    );
  let hBar = Math.max(factor, roundByFactor(height, factor));
  let wBar = Math.max(factor, roundByFactor(width, factor));
  if (hBar * wBar > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    hBar = Math.max(factor, floorByFactor(height / beta, factor));
    wBar = Math.max(factor, floorByFactor(width / beta, factor));
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    hBar = ceilByFactor(height * beta, factor);
    wBar = ceilByFactor(width * beta, factor);
  }
  return [hBar, wBar];
}
