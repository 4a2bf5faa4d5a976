import sharp from 'sharp';
import { PeerError } from './peer.js';

export interface DecodedImage {
  width: number;
  height: number;
  format: string;
}

/** Decodes base64 image bytes with sharp (as a server would), or throws a 400 PeerError. */
export async function decodeImage(base64: string, where: string, decode = true): Promise<DecodedImage> {
  if (!decode) {
    if (!/^[A-Za-z0-9+/]{4}/.test(base64)) throw new PeerError(400, `${where}: image data is not valid base64`);
    return { width: 0, height: 0, format: 'unchecked' };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 === 1)
    throw new PeerError(400, `${where}: image data is not valid base64`);
  const buf = Buffer.from(base64, 'base64');
  if (buf.length === 0) throw new PeerError(400, `${where}: image data is empty`);
  try {
    const meta = await sharp(buf).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    return { width: meta.width, height: meta.height, format: meta.format ?? 'unknown' };
  } catch (e) {
    throw new PeerError(400, `${where}: failed to load image: ${(e as Error).message}`);
  }
}

/** Decodes an `image_url` data URL (`data:image/png;base64,...`); remote URLs are refused (the peer never fetches). */
export async function decodeDataUrl(url: string, where: string, decode = true): Promise<DecodedImage> {
  const m = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/is.exec(url);
  if (!m) {
    if (/^https?:/i.test(url))
      throw new PeerError(400, `${where}: this loopback peer accepts data URLs only and never fetches remote images`);
    throw new PeerError(400, `${where}: image_url.url must be a data URL like data:image/png;base64,...`);
  }
  return decodeImage(m[2] as string, where, decode);
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
