import sharp from 'sharp';
import { PeerError } from './peer.js';

export interface DecodedImage {
  width: number;
  height: number;
  format: string;
}

/**
 * How a peer checks the images it receives:
 * - `full` (default): decode every image with sharp, as vLLM does (a corrupt image is a 400);
 * - `light`: structure, data-URL prefix, base64 well-formedness, decoded size (1 byte … `maxImageBytes`) and the
 *   image-format signature of the first bytes, but no decode. Width and height are then reported as 0 (token
 *   estimates count 4 tokens per image). For benchmarks, where the peer must not be the bottleneck.
 */
export type ImageValidation = 'full' | 'light';

/** Largest decoded image accepted by the peers, in bytes (default for `maxImageBytes`). */
export const DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export interface ImageCheckOptions {
  /** `full` (decode with sharp, default) or `light` (no decode); `true`/`false` mean full/light. */
  validation?: ImageValidation | boolean | undefined;
  /** Largest decoded image in bytes (default 20 MiB). */
  maxImageBytes?: number | undefined;
}

/** 1 for the characters of the standard base64 alphabet (A–Z, a–z, 0–9, +, /). */
const BASE64_CHARS = (() => {
  const t = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') t[c.charCodeAt(0)] = 1;
  return t;
})();

function base64CharsOk(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || BASE64_CHARS[c] === 0) return false;
  }
  return true;
}

/**
 * Standard base64: alphabet characters then at most two `=`, and a length that is not 1 more than a multiple
 * of 4 (same rule as `/^[A-Za-z0-9+/]*={0,2}$/`, which costs ~0.4 ms on a 48 KiB image). Long strings are
 * checked by a round trip through Node's base64 codec: the full 4-character groups decode to exactly 3 bytes
 * each and encode back to the same text only when every character is in the standard alphabet (the decoder
 * skips or stops at anything else, and maps the URL-safe `-`/`_` to `+`/`/`); the last group is checked
 * character by character.
 */
export function isBase64(s: string): boolean {
  if (s.length % 4 === 1) return false;
  let end = s.length;
  if (s.charCodeAt(end - 1) === 61) end--;
  if (s.charCodeAt(end - 1) === 61) end--;
  let full = end - (end % 4);
  if (full === end) full -= 4;
  if (full < 256) return base64CharsOk(s, 0, end);
  const head = s.slice(0, full);
  const bytes = Buffer.from(head, 'base64');
  if (bytes.length !== (full / 4) * 3 || bytes.toString('base64') !== head) return false;
  return base64CharsOk(s, full, end);
}

/** Image formats recognised from their first bytes (light validation). */
function sniffFormat(head: Buffer): string | null {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x38) return 'gif';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b(0) === 0x42 && b(1) === 0x4d) return 'bmp';
  if ((b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a) || (b(0) === 0x4d && b(1) === 0x4d && b(3) === 0x2a))
    return 'tiff';
  return null;
}

function resolveValidation(v: ImageCheckOptions['validation']): ImageValidation {
  if (v === undefined || v === true) return 'full';
  if (v === false) return 'light';
  return v;
}

/**
 * Checks base64 image bytes as a server would, or throws a 400 PeerError: well-formed base64, size,
 * then (full validation) a decode with sharp or (light validation) the format signature only.
 * The third argument may be a boolean (true = full, false = light) for callers of the older signature.
 */
export async function decodeImage(
  base64: string,
  where: string,
  options: ImageCheckOptions | boolean = {},
): Promise<DecodedImage> {
  const o: ImageCheckOptions = typeof options === 'boolean' ? { validation: options } : options;
  const validation = resolveValidation(o.validation);
  const maxBytes = o.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  if (!isBase64(base64)) throw new PeerError(400, `${where}: image data is not valid base64`);
  let padding = 0;
  if (base64.endsWith('==')) padding = 2;
  else if (base64.endsWith('=')) padding = 1;
  const bytes = Math.floor((base64.length * 3) / 4) - padding;
  if (bytes <= 0) throw new PeerError(400, `${where}: image data is empty`);
  if (bytes > maxBytes)
    throw new PeerError(413, `${where}: image is ${bytes} bytes, larger than the limit of ${maxBytes} bytes`);
  if (validation === 'light') {
    const format = sniffFormat(Buffer.from(base64.slice(0, 16), 'base64'));
    if (!format)
      throw new PeerError(
        400,
        `${where}: failed to load image: the data does not start like a PNG, JPEG, GIF, WebP, BMP or TIFF image`,
      );
    return { width: 0, height: 0, format };
  }
  const buf = Buffer.from(base64, 'base64');
  try {
    const meta = await sharp(buf).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    return { width: meta.width, height: meta.height, format: meta.format ?? 'unknown' };
  } catch (e) {
    throw new PeerError(400, `${where}: failed to load image: ${(e as Error).message}`);
  }
}

/**
 * Checks an `image_url` data URL (`data:image/png;base64,...`) with {@link decodeImage}; remote URLs are
 * refused (the peer never fetches).
 */
export async function decodeDataUrl(
  url: string,
  where: string,
  options: ImageCheckOptions | boolean = {},
): Promise<DecodedImage> {
  const m = /^data:(image\/[a-z0-9.+-]+);base64,/i.exec(url);
  if (!m) {
    if (/^https?:/i.test(url))
      throw new PeerError(400, `${where}: this loopback peer accepts data URLs only and never fetches remote images`);
    throw new PeerError(400, `${where}: image_url.url must be a data URL like data:image/png;base64,...`);
  }
  return decodeImage(url.slice(m[0].length), where, options);
}

/** Rough token count used by the peers: 1 token per 4 characters, plus 1 per 28×28 patch (min 4) per image. */
export function estimateTokens(texts: readonly string[], images: readonly DecodedImage[]): number {
  let n = 0;
  for (const t of texts) n += Math.ceil(t.length / 4);
  for (const im of images) n += Math.max(4, Math.ceil((im.width * im.height) / 784));
  return n;
}

export function optionalNumber(
  body: Record<string, unknown>,
  key: string,
  check: (v: number) => boolean,
  rule: string,
): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v))
    throw new PeerError(400, `${key} must be ${rule}, got ${JSON.stringify(v)}`);
  return v;
}
