import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePatternImage } from './__fixtures__/images.js';
import { cropRect } from './encode.js';
import { ImageEncoder } from './encoder.js';
import { ImageFileError } from './errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-images-'));
  await writePatternImage(join(dir, 'big.jpg'), 1200, 900, 3);
  await writePatternImage(join(dir, 'small.png'), 30, 20, 4, 'png');
  await writePatternImage(join(dir, 'thin.png'), 402, 2, 5, 'png');
  // An RGBA PNG with EXIF-style metadata.
  await sharp({ create: { width: 100, height: 60, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } })
    .png()
    .withMetadata({ exif: { IFD0: { Copyright: 'someone' } } })
    .toFile(join(dir, 'alpha.png'));
});

function decode(dataUrl: string) {
  const m = /^data:(image\/(?:jpeg|png));base64,(.+)$/.exec(dataUrl);
  if (!m) throw new Error('not a data URL');
  return { mime: m[1], buf: Buffer.from(m[2] as string, 'base64') };
}

describe('ImageEncoder.encodeFile', () => {
  it('resizes with smart_resize and encodes a JPEG data URL without metadata', async () => {
    const img = await new ImageEncoder().encodeFile(join(dir, 'big.jpg'));
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
    const enc = new ImageEncoder();
    const img = await enc.encodeFile(join(dir, 'small.png'), { format: 'png' });
    // 20x30: 28x28 < min; beta = sqrt(200704/600) = 18.29; 365.8 → 14*28 = 392; 548.7 → 20*28 = 560.
    expect([img.height, img.width]).toEqual([392, 560]);
    expect(decode(img.dataUrl).mime).toBe('image/png');
    const capped = await enc.encodeFile(join(dir, 'big.jpg'), { maxPixels: 200704, minPixels: 3136 });
    expect(capped.width * capped.height).toBeLessThanOrEqual(200704);
  });

  it('composes alpha on white', async () => {
    const img = await new ImageEncoder().encodeFile(join(dir, 'alpha.png'), { format: 'png' });
    const { buf } = decode(img.dataUrl);
    const meta = await sharp(buf).metadata();
    expect(meta.hasAlpha).toBe(false);
    expect(meta.exif).toBeUndefined();
    const { data } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
    // red at 50% on white → (255, ~128, ~128)
    expect(data[0]).toBe(255);
    expect(Math.abs((data[1] as number) - 128)).toBeLessThanOrEqual(2);
  });

  it('crops a box before resizing, clamped to the image', async () => {
    const enc = new ImageEncoder();
    const img = await enc.encodeFile(join(dir, 'big.jpg'), { crop: { xmin: 10.4, ymin: 20, xmax: 110.2, ymax: 140 } });
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
      enc.encodeFile(join(dir, 'big.jpg'), { crop: { xmin: 1300, ymin: 0, xmax: 1400, ymax: 50 } }),
    ).rejects.toThrow(/segment box .* is empty inside image .*big\.jpg \(1200x900\)/);
  });

  it('gives byte-identical output for identical content, in a new encoder and from another path', async () => {
    const a = await new ImageEncoder().encodeFile(join(dir, 'big.jpg'));
    const b = await new ImageEncoder().encodeFile(join(dir, 'big.jpg'));
    expect(b.dataUrl).toBe(a.dataUrl);
    await copyFile(join(dir, 'big.jpg'), join(dir, 'copy.jpg'));
    expect((await new ImageEncoder().encodeFile(join(dir, 'copy.jpg'))).dataUrl).toBe(a.dataUrl);
  });

  it('processes each image once and shares concurrent work', async () => {
    const enc = new ImageEncoder();
    const path = join(dir, 'big.jpg');
    await Promise.all([enc.encodeFile(path), enc.encodeFile(path), enc.encodeFile(path)]);
    expect(enc.stats()).toMatchObject({ misses: 1, hits: 2, processed: 1, decoded: 1, entries: 1 });
    await enc.encodeFile(path);
    await enc.encodeFile(path, { quality: 80 });
    const s = enc.stats();
    expect(s).toMatchObject({ misses: 2, hits: 3, processed: 2, decoded: 2, entries: 2 });
    expect(s.size).toBeGreaterThan(1000);
  });

  it('makes a new image when the file changes at the same path', async () => {
    const enc = new ImageEncoder();
    const path = join(dir, 'changing.jpg');
    await copyFile(join(dir, 'big.jpg'), path);
    const first = await enc.encodeFile(path);
    await writePatternImage(path, 1200, 900, 9);
    const second = await enc.encodeFile(path);
    expect(second.dataUrl).not.toBe(first.dataUrl);
    expect(enc.stats().processed).toBe(2);
  });

  it('reports unreadable files, undecodable and truncated data and aspect ratios Qwen rejects, without caching failures', async () => {
    const enc = new ImageEncoder();
    await expect(enc.encodeFile(join(dir, 'missing.jpg'))).rejects.toThrow(/cannot read image .*missing\.jpg/);
    await expect(enc.encodeFile(join(dir, 'thin.png'))).rejects.toThrow(
      /aspect ratio must be smaller than 200, got 201/,
    );
    await expect(enc.encodeFile(join(dir, 'thin.png'))).rejects.toBeInstanceOf(ImageFileError);
    expect(enc.stats()).toMatchObject({ failures: 2, processed: 0, entries: 0 });
    await copyFile(new URL(import.meta.url).pathname, join(dir, 'notimage.jpg'));
    await expect(enc.encodeFile(join(dir, 'notimage.jpg'))).rejects.toThrow(/cannot decode image/);
    const full = await sharp(join(dir, 'big.jpg')).toBuffer();
    await writeFile(join(dir, 'truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
    await expect(enc.encodeFile(join(dir, 'truncated.jpg'))).rejects.toThrow(/cannot decode image .*truncated\.jpg/);
  });

  it('sends a file as it is when only the grid rounding would change it, and makes it otherwise', async () => {
    const enc = new ImageEncoder();
    const file = join(dir, 'vga.jpg');
    await writePatternImage(file, 640, 480, 6);
    const bytes = await readFile(file);
    const same = await enc.encodeFile(file);
    expect(same).toMatchObject({ passthrough: true, width: 640, height: 480, mime: 'image/jpeg', bytes: bytes.length });
    expect(decode(same.dataUrl).buf.equals(bytes)).toBe(true);
    // what the server's processor makes of it: the grid size this package would have resized to
    const made = await enc.encodeFile(file, { passthrough: false });
    expect(made).toMatchObject({ passthrough: false, width: 644, height: 476 });
    expect(decode(made.dataUrl).buf.equals(bytes)).toBe(false);
    // the bounds in play (min above 644x476, max below it), a crop, a PNG with alpha, a greyscale JPEG,
    // an EXIF rotation and a file cut short are made here
    const notSame = [
      await enc.encodeFile(file, { minPixels: 644 * 476 + 1, maxPixels: 2_000_000 }),
      await enc.encodeFile(file, { maxPixels: 644 * 476 - 1, minPixels: 3136 }),
      await enc.encodeFile(file, { crop: { xmin: 0, ymin: 0, xmax: 560, ymax: 448 } }),
      await enc.encodeFile(join(dir, 'alpha.png'), { minPixels: 3136 }),
    ];
    const grey = join(dir, 'grey.jpg');
    await sharp(file).toColourspace('b-w').jpeg().toFile(grey);
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const rotated = join(dir, 'rotated.jpg');
    await sharp(file).withMetadata({ orientation: 6 }).jpeg().toFile(rotated);
    notSame.push(await enc.encodeFile(grey), await enc.encodeFile(rotated));
    for (const img of notSame) expect(img.passthrough).toBe(false);
    expect([notSame[2]?.width, notSame[2]?.height]).toEqual([560, 448]);
    const cut = join(dir, 'cut.jpg');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(enc.encodeFile(cut)).rejects.toThrow(/cannot decode image .*cut\.jpg/);
    // an RGB PNG passes as PNG
    const png = join(dir, 'vga.png');
    await writePatternImage(png, 640, 480, 6, 'png');
    expect(await enc.encodeFile(png)).toMatchObject({ passthrough: true, mime: 'image/png' });
  });

  it('bounds the cache by data-URL size', async () => {
    const enc = new ImageEncoder({ maxBytes: 50_000 });
    await enc.encodeFile(join(dir, 'big.jpg'));
    await enc.encodeFile(join(dir, 'small.png'));
    expect(enc.stats().size).toBeLessThanOrEqual(50_000);
  });
});
