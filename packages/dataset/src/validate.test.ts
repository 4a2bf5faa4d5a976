import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Sample } from '@mmre/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from './paths.js';
import { writeDataset } from './store.js';
import { checkSample, validate } from './validate.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(id: string, over: Partial<Sample> = {}): Sample {
  return {
    id,
    split: 'test',
    text: 'Spurs beat Thunder in San Antonio',
    image: { path: `images/${id}.png`, width: 40, height: 30 },
    segments: [
      { id: 'a', path: `images/segments/${id}_a.png`, box: { xmin: 0, ymin: 0, xmax: 20, ymax: 30 } },
      { id: 'b', path: `images/segments/${id}_b.png`, box: { xmin: 20, ymin: 0, xmax: 40, ymax: 30 } },
    ],
    gold: {
      summary: 'Two teams.',
      entities: [
        { label: 'organization', text: 'Spurs' },
        { label: 'organization', text: 'Thunder' },
        { label: 'location', text: 'San Antonio' },
      ],
      pairs: [
        { segment: 'a', entity: 'Spurs' },
        { segment: 'b', entity: 'thunder' },
      ],
    },
    ...over,
  };
}

async function png(path: string, width: number, height: number) {
  await sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .png()
    .toFile(path);
}

/** A real PNG whose IHDR is rewritten to claim width×height (with a correct CRC): a decompression bomb header. */
async function bombPng(path: string, width: number, height: number) {
  const buf = Buffer.from(
    await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  );
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type).
  buf.writeUInt32BE(width, 16);
  buf.writeUInt32BE(height, 20);
  buf.writeUInt32BE(crc32(buf.subarray(12, 29)) >>> 0, 29);
  await writeFile(path, buf);
}

async function makeGoodDataset(root: string, ids: string[]) {
  await mkdir(join(root, 'images', 'segments'), { recursive: true });
  for (const id of ids) {
    await png(join(root, 'images', `${id}.png`), 40, 30);
    await png(join(root, 'images', 'segments', `${id}_a.png`), 20, 30);
    await png(join(root, 'images', 'segments', `${id}_b.png`), 20, 30);
  }
  await writeDataset(
    root,
    { name: 't', version: '1', license: 'MIT' },
    ids.map((id) => sample(id)),
  );
}

describe('resolveInside', () => {
  it('refuses absolute and escaping paths, accepts inner ones', () => {
    expect(resolveInside('/data/ds', 'images/a.jpg')).toEqual({ ok: true, absolute: '/data/ds/images/a.jpg' });
    expect(resolveInside('/data/ds', 'images/../images/a.jpg').ok).toBe(true);
    for (const bad of [
      '/etc/passwd',
      '../x.jpg',
      'images/../../x.jpg',
      '..\\..\\x.jpg',
      'C:\\x.jpg',
      '\\\\server\\x',
      '.',
      'a\0b',
    ])
      expect(resolveInside('/data/ds', bad).ok, bad).toBe(false);
  });
});

describe('validate', () => {
  it('a clean dataset has no diagnostics', async () => {
    const root = join(dir, 'good');
    await makeGoodDataset(root, ['1', '2']);
    const r = await validate(root);
    expect(r.diagnostics).toEqual([]);
    expect(r).toMatchObject({ ok: true, samples: 2, errors: 0, warnings: 0 });
  });

  it('reports every problem at once, each with file, line and field', async () => {
    const root = join(dir, 'bad');
    await makeGoodDataset(root, ['1', '2', '3', '4', '5', '6', '7', '8']);
    await writeFile(join(root, 'images', '4.png'), 'this is not an image');
    await bombPng(join(root, 'images', '5.png'), 50_000, 50_000);
    const base = sample('x');
    const lines = [
      sample('1'),
      { ...sample('2'), gold: { ...base.gold, entities: [{ label: 'PER', text: 'x' }] } }, // schema
      sample('1'), // duplicate id
      sample('4'), // undecodable
      sample('5'), // bomb
      { ...sample('6'), image: { path: 'images/missing.png' } }, // missing image
      { ...sample('7'), image: { path: '/etc/passwd' } }, // absolute
      {
        ...sample('8'),
        segments: [base.segments[0], { ...base.segments[1], id: 'c', path: '../../outside.png' }],
        gold: {
          ...base.gold,
          pairs: [
            { segment: 'a', entity: 'Lakers' },
            { segment: 'z', entity: 'Spurs' },
          ],
        },
      },
    ];
    const file = join(root, 'samples.jsonl');
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{oops\n`);
    const r = await validate(root);
    expect(r.ok).toBe(false);
    const got = r.diagnostics.map((d) => [d.line, d.code, d.field, d.severity]);
    expect(got).toEqual(
      expect.arrayContaining([
        [2, 'schema', 'gold.entities.0.label', 'error'],
        [3, 'duplicate-id', 'id', 'error'],
        [4, 'undecodable-image', 'image.path', 'error'],
        [5, 'image-too-large', 'image.path', 'error'],
        [6, 'missing-image', 'image.path', 'error'],
        [7, 'unsafe-path', 'image.path', 'error'],
        [8, 'segment-order', 'segments.1.id', 'error'],
        [8, 'unsafe-path', 'segments.1.path', 'error'],
        [8, 'pair-entity-not-in-entities', 'gold.pairs.0.entity', 'warning'],
        [8, 'unknown-segment', 'gold.pairs.1.segment', 'error'],
        [9, 'json', undefined, 'error'],
      ]),
    );
    for (const d of r.diagnostics.filter((d) => d.line !== undefined)) expect(d.file).toBe(file);
    expect(r.byCode['unsafe-path']).toBe(2);
    expect(r.byCode['manifest-splits']).toBe(1); // 8 written, 6 valid now
    expect(r.diagnostics.find((d) => d.code === 'image-too-large')?.message).toMatch(
      /2500000000 pixels.*refused before decoding/,
    );
  });

  it('the pixel limit is configurable and images can be skipped', async () => {
    const root = join(dir, 'good');
    const small = await validate(root, { maxPixels: 1000 });
    expect(small.byCode['image-too-large']).toBe(2); // two 40×30 main images; 20×30 segments pass
    const noImages = await validate(join(dir, 'bad'), { checkImages: false });
    expect(noImages.byCode['missing-image']).toBeUndefined();
    expect(noImages.byCode['unsafe-path']).toBe(2);
  });

  it('never opens a refused path', async () => {
    // A file outside the root that would be a valid image if it were opened.
    const root = join(dir, 'nested', 'ds');
    await makeGoodDataset(root, ['1']);
    await png(join(dir, 'nested', 'outside.png'), 4, 4);
    const s = { ...sample('1'), image: { path: '../outside.png' } };
    await writeFile(join(root, 'samples.jsonl'), `${JSON.stringify(s)}\n`);
    const r = await validate(root);
    // Opening it would have succeeded (it is a valid 4×4 PNG), so the only finding is the refusal.
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unsafe-path']);
  });

  it('checkSample: contiguous lettering past z', () => {
    const segs = Array.from({ length: 28 }, (_, i) => ({
      id: i < 26 ? String.fromCharCode(97 + i) : (['aa', 'ab'][i - 26] as string),
    }));
    expect(checkSample({ ...sample('z'), segments: segs, gold: { entities: [], pairs: [] } })).toEqual([]);
    const gap = segs.filter((s) => s.id !== 'aa');
    expect(
      checkSample({ ...sample('z'), segments: gap, gold: { entities: [], pairs: [] } }).map((d) => d.field),
    ).toEqual(['segments.26.id']);
  });
});
