import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePatternImage } from './__fixtures__/images.js';
import { sha256Hex } from './digest.js';
import { ImageEncoder } from './encoder.js';
import { formatImageRef, ImageRefError, parseImageRef } from './ref.js';
import { imageSettings } from './settings.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-image-refs-'));
  await writePatternImage(join(dir, 'main.jpg'), 640, 480, 1);
  await writePatternImage(join(dir, 'seg.jpg'), 80, 120, 2);
});

describe('image references', () => {
  it('round-trip through formatImageRef / parseImageRef, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.constantFrom('jpeg', 'png'),
        fc.integer({ min: 1, max: 100 }),
        fc.option(
          fc.tuple(
            fc.integer({ min: -50, max: 5000 }),
            fc.integer(),
            fc.double({ min: 0, max: 9999, noNaN: true }),
            fc.integer({ min: 0, max: 9999 }),
          ),
        ),
        fc.boolean(),
        (name, format, quality, box, passthrough) => {
          const ref = {
            sha256: sha256Hex(Buffer.from(name)),
            path: `/data/${name}`,
            settings: imageSettings({
              format: format as 'jpeg' | 'png',
              quality,
              minPixels: 3136,
              maxPixels: 802816,
              passthrough,
            }),
            crop: box ? { xmin: box[0], ymin: box[1], xmax: box[2], ymax: box[3] } : null,
          };
          const url = formatImageRef(ref);
          expect(url).not.toMatch(/["\\\s{}]/);
          const back = parseImageRef(url);
          expect(back.path).toBe(ref.path);
          expect(back.sha256).toBe(ref.sha256);
          expect(back.crop).toEqual(ref.crop);
          expect(back.settings).toEqual(format === 'png' ? { ...ref.settings, quality: 90 } : ref.settings);
        },
      ),
    );
  });

  it('name what is wrong in a malformed reference', () => {
    const good = formatImageRef({ sha256: 'a'.repeat(64), path: '/x.jpg', settings: imageSettings(), crop: null });
    expect(() => parseImageRef(good.replace('a'.repeat(64), 'zz'))).toThrow(/digest is not 64 lower-case hex/);
    expect(() => parseImageRef(good.replace(/&min=\d+/, '&min=0'))).toThrow(/min must be a positive integer/);
    expect(() => parseImageRef(good.replace('format=jpeg', 'format=gif'))).toThrow(/format must be jpeg or png/);
    expect(() => parseImageRef(`${good}&crop=1,2,3`)).toThrow(ImageRefError);
    expect(() => parseImageRef(good.replace('path=%2Fx.jpg&', ''))).toThrow(/no path/);
    expect(() => parseImageRef(good.replace('&pass=1', ''))).toThrow(/pass must be 0 or 1/);
    expect(() => parseImageRef(good.replace('&pass=1', '&pass=yes'))).toThrow(/pass must be 0 or 1/);
  });
});

describe('ImageEncoder references', () => {
  it('a reference carries the content digest and resolves to the same image as inline encoding', async () => {
    const enc = new ImageEncoder();
    const path = join(dir, 'main.jpg');
    const url = await enc.ref(path, { maxPixels: 401408 });
    const ref = parseImageRef(url);
    expect(ref.path).toBe(path);
    expect(ref.settings.maxPixels).toBe(401408);
    const inline = await new ImageEncoder().encodeFile(path, { maxPixels: 401408 });
    expect((await enc.resolveRef(url)).dataUrl).toBe(inline.dataUrl);
    // making a reference decodes nothing
    const fresh = new ImageEncoder();
    await fresh.ref(path);
    expect(fresh.stats()).toMatchObject({ decoded: 0, processed: 0 });
  });

  it('decodes a source once for all its variants (main image and box crops) and serves repeats from the cache', async () => {
    const enc = new ImageEncoder();
    const main = join(dir, 'main.jpg');
    const refs = await Promise.all([
      enc.ref(main),
      enc.ref(main, { crop: { xmin: 10, ymin: 10, xmax: 200, ymax: 300 } }),
      enc.ref(main, { crop: { xmin: 300, ymin: 100, xmax: 500, ymax: 400 } }),
      enc.ref(join(dir, 'seg.jpg')),
    ]);
    const images = await enc.resolveRefs(refs);
    expect(new Set(images.map((i) => i.dataUrl)).size).toBe(4);
    expect(enc.stats()).toMatchObject({ decoded: 2, processed: 4, misses: 4, hits: 0 });
    // the same references again (another mode of the same sample): nothing is made
    await enc.resolveRefs(refs);
    expect(enc.stats()).toMatchObject({ decoded: 2, processed: 4, hits: 4 });
    // each variant equals the one made alone
    const alone = await new ImageEncoder().resolveRef(refs[1] as string);
    expect(alone.dataUrl).toBe(images[1]?.dataUrl);
  });

  it('refuses to send a file that changed after its reference was made, and references change with the content', async () => {
    const enc = new ImageEncoder();
    const path = join(dir, 'edited.jpg');
    await copyFile(join(dir, 'main.jpg'), path);
    const before = await enc.ref(path);
    await writePatternImage(path, 640, 480, 77);
    await expect(new ImageEncoder().resolveRef(before)).rejects.toThrow(/changed after the prompt was rendered/);
    const after = await enc.ref(path);
    expect(after).not.toBe(before);
    // 640x480 only needs the grid rounding: the (new) file itself is sent
    const img = await enc.resolveRef(after);
    expect(img).toMatchObject({ width: 640, height: 480, passthrough: true });
    expect(Buffer.from(img.dataUrl.split(',')[1] as string, 'base64').equals(await readFile(path))).toBe(true);
  });

  it('resolveMessages replaces references in image parts and leaves everything else as it is', async () => {
    const enc = new ImageEncoder();
    const ref = await enc.ref(join(dir, 'seg.jpg'));
    const messages = [
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: ref, detail: 'high' } },
          { type: 'text', text: 'Segment a:' },
          { type: 'image_url', image_url: 'data:image/png;base64,AAAA' },
          { type: 'image_url', image_url: ref },
        ],
      },
    ];
    const out = await enc.resolveMessages(messages);
    const parts = (out[1] as { content: { image_url?: unknown }[] }).content;
    const first = (parts[0] as { image_url: { url: string; detail: string } }).image_url;
    expect(first.url).toMatch(/^data:image\/jpeg;base64,/);
    expect(first.detail).toBe('high');
    expect(parts[1]).toBe((messages[1] as { content: unknown[] }).content[1]);
    expect((parts[2] as { image_url: unknown }).image_url).toBe('data:image/png;base64,AAAA');
    expect((parts[3] as { image_url: unknown }).image_url).toBe(first.url);
    expect(out[0]).toBe(messages[0]);
    // the input is not changed
    expect(
      ((messages[1] as { content: { image_url: { url: string } }[] }).content[0] as { image_url: { url: string } })
        .image_url.url,
    ).toBe(ref);
    expect(enc.stats().processed).toBe(1);
  });
});
