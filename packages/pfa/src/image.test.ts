import { copyFile, mkdtemp, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writePatternImage } from './__fixtures__/dataset.js';
import { cropRect, encodeImage, imageCacheStats, PfaImageError, resetImageCache } from './image.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-pfa-img-'));
  await writePatternImage(join(dir, 'big.jpg'), 1200, 900, 3);
  await writePatternImage(join(dir, 'small.png'), 30, 20, 4, 'png');
  await writePatternImage(join(dir, 'thin.png'), 402, 2, 5, 'png');
  // An RGBA PNG with EXIF-style metadata.
  await sharp({ create: { width: 100, height: 60, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } })
    .png()
    .withMetadata({ exif: { IFD0: { Copyright: 'someone' } } })
    .toFile(join(dir, 'alpha.png'));
});
beforeEach(() => resetImageCache());

function decode(dataUrl: string) {
  const m = /^data:(image\/(?:jpeg|png));base64,(.+)$/.exec(dataUrl);
  if (!m) throw new Error('not a data URL');
  return { mime: m[1], buf: Buffer.from(m[2] as string, 'base64') };
}

describe('encodeImage', () => {
  it('resizes with smart_resize and encodes a JPEG data URL', async () => {
    const img = await encodeImage(join(dir, 'big.jpg'));
    // 900x1200: beta = sqrt(1080000/1003520) = 1.03742 → 867.5 → 840, 1156.7 → 1148.
    expect([img.height, img.width]).toEqual([840, 1148]);
    const { mime, buf } = decode(img.dataUrl);
    expect(mime).toBe('image/jpeg');
    const meta = await sharp(buf).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([1148, 840, 'jpeg']);
    expect(meta.exif).toBeUndefined();
    expect(img.bytes).toBe(buf.length);
  });

  it('scales tiny images up and honours png/min/max', async () => {
    const img = await encodeImage(join(dir, 'small.png'), { format: 'png' });
    // 20x30: 28x28 < min; beta = sqrt(200704/600) = 18.29; 365.8 → 14*28 = 392; 548.7 → 20*28 = 560.
    expect([img.height, img.width]).toEqual([392, 560]);
    expect(decode(img.dataUrl).mime).toBe('image/png');
    const capped = await encodeImage(join(dir, 'big.jpg'), { maxPixels: 200704, minPixels: 3136 });
    expect(capped.width * capped.height).toBeLessThanOrEqual(200704);
  });

  it('composes alpha on white and strips metadata', async () => {
    const img = await encodeImage(join(dir, 'alpha.png'), { format: 'png' });
    const { buf } = decode(img.dataUrl);
    const meta = await sharp(buf).metadata();
    expect(meta.hasAlpha).toBe(false);
    expect(meta.exif).toBeUndefined();
    const { data } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
    // red at 50% on white → (255, ~128, ~128)
    expect(data[0]).toBe(255);
    expect(Math.abs((data[1] as number) - 128)).toBeLessThanOrEqual(2);
  });

  it('crops a box before resizing', async () => {
    const img = await encodeImage(join(dir, 'big.jpg'), { crop: { xmin: 10.4, ymin: 20, xmax: 110.2, ymax: 140 } });
    // crop 10..111 x 20..140 = 101x120 → resized up to min pixels.
    expect([img.sourceWidth, img.sourceHeight]).toEqual([101, 120]);
    expect(img.width % 28).toBe(0);
    expect(cropRect({ xmin: -5, ymin: -5, xmax: 2000, ymax: 50 }, 1200, 900)).toEqual({
      left: 0,
      top: 0,
      width: 1200,
      height: 50,
    });
    expect(cropRect({ xmin: 1300, ymin: 0, xmax: 1400, ymax: 50 }, 1200, 900)).toBeNull();
    await expect(
      encodeImage(join(dir, 'big.jpg'), { crop: { xmin: 1300, ymin: 0, xmax: 1400, ymax: 50 } }),
    ).rejects.toThrow(/segment box .* is empty inside image .*big\.jpg \(1200x900\)/);
  });

  it('gives byte-identical output for identical inputs, also after the cache is cleared', async () => {
    const a = await encodeImage(join(dir, 'big.jpg'));
    resetImageCache();
    const b = await encodeImage(join(dir, 'big.jpg'));
    expect(b.dataUrl).toBe(a.dataUrl);
    // A copy of the file (another path) gives the same bytes too.
    await copyFile(join(dir, 'big.jpg'), join(dir, 'copy.jpg'));
    expect((await encodeImage(join(dir, 'copy.jpg'))).dataUrl).toBe(a.dataUrl);
  });

  it('processes each image once and shares concurrent work', async () => {
    const path = join(dir, 'big.jpg');
    await Promise.all([encodeImage(path), encodeImage(path), encodeImage(path)]);
    expect(imageCacheStats()).toMatchObject({ misses: 1, hits: 2, processed: 1, entries: 1 });
    await encodeImage(path);
    await encodeImage(path, { quality: 80 });
    const s = imageCacheStats();
    expect(s).toMatchObject({ misses: 2, hits: 3, processed: 2, entries: 2 });
    expect(s.size).toBeGreaterThan(1000);
  });

  it('re-processes a file whose mtime changed', async () => {
    await copyFile(join(dir, 'big.jpg'), join(dir, 'touched.jpg'));
    const path = join(dir, 'touched.jpg');
    await encodeImage(path);
    await utimes(path, new Date(2001, 1, 1), new Date(2001, 1, 1));
    await encodeImage(path);
    expect(imageCacheStats().processed).toBe(2);
  });

  it('reports unreadable files, undecodable data and aspect ratios Qwen rejects, without caching failures', async () => {
    await expect(encodeImage(join(dir, 'missing.jpg'))).rejects.toThrow(/cannot read image .*missing\.jpg/);
    await expect(encodeImage(join(dir, 'thin.png'))).rejects.toThrow(/aspect ratio must be smaller than 200, got 201/);
    await expect(encodeImage(join(dir, 'thin.png'))).rejects.toBeInstanceOf(PfaImageError);
    expect(imageCacheStats()).toMatchObject({ failures: 2, processed: 0, entries: 0 });
    await copyFile(new URL(import.meta.url).pathname, join(dir, 'notimage.jpg'));
    await expect(encodeImage(join(dir, 'notimage.jpg'))).rejects.toThrow(/cannot decode image/);
  });

  it('bounds the cache by data-URL size', async () => {
    resetImageCache({ maxBytes: 50_000 });
    await encodeImage(join(dir, 'big.jpg'));
    await encodeImage(join(dir, 'small.png'));
    const s = imageCacheStats();
    expect(s.size).toBeLessThanOrEqual(50_000);
    resetImageCache({ maxBytes: 512 * 1024 * 1024 });
  });
});
