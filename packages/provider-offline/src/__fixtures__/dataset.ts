// Test fixtures: a small dataset (train + test) with tiny PNG images written without any image library.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { type MmreTestVars, type Sample, segmentId } from '@mmre/core';
import { writeDataset } from '@mmre/dataset';
import { fixtureVars } from '@mmre-test/fixture-vars';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG with a simple pattern. */
export function png(width: number, height: number, seed: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 9 + seed * 40) & 255;
      row[2 + x * 3] = (y * 7 + seed * 13) & 255;
      row[3 + x * 3] = (x * y + seed) & 255;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface Fixture {
  root: string;
  samples: Sample[];
}

const S = (
  id: string,
  split: string,
  text: string,
  summary: string,
  entities: [string, string][],
  pairs: [string, string][],
  segments = 1,
): Sample => ({
  id,
  split,
  text,
  image: { path: `images/${id}.png` },
  segments: Array.from({ length: segments }, (_, k) => ({
    id: segmentId(k),
    box: { xmin: 2 + k, ymin: 2, xmax: 30 + k, ymax: 30 },
  })),
  gold: {
    summary,
    entities: entities.map(([label, text]) => ({ label: label as never, text })),
    pairs: pairs.map(([segment, entity]) => ({ segment, entity })),
  },
});

/** Train: basketball and politics tweets; test: unseen tweets mixing known and unknown names. */
export const FIXTURE_SAMPLES: Sample[] = [
  S(
    't1',
    'train',
    'RT @ ESPN : Spurs beat the Thunder as Kawhi Leonard scores 30 in San Antonio',
    'A basketball player in a black jersey dribbles past a defender on a crowded court.',
    [
      ['organization', 'Spurs'],
      ['organization', 'Thunder'],
      ['person', 'Kawhi Leonard'],
      ['location', 'San Antonio'],
    ],
    [['a', 'Kawhi Leonard']],
  ),
  S(
    't2',
    'train',
    'Barack Obama speaks in Chicago about the economy',
    'A man in a dark suit speaks at a podium in front of flags.',
    [
      ['person', 'Barack Obama'],
      ['location', 'Chicago'],
    ],
    [['a', 'Barack Obama']],
  ),
  S(
    't3',
    'train',
    'Great game tonight for the Spurs fans # NBA',
    'Fans in silver and black cheer in a basketball arena.',
    [
      ['organization', 'Spurs'],
      ['organization', 'NBA'],
    ],
    [],
  ),
  S('t4', 'train', 'The weather is nice today in the park', 'A green park with trees under a blue sky.', [], [], 0),
];

export async function makeFixture(dir?: string): Promise<Fixture> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'mmre-offline-')));
  await mkdir(join(root, 'images'), { recursive: true });
  const samples = [
    ...FIXTURE_SAMPLES,
    S(
      'x1',
      'test',
      'Kawhi Leonard and the Spurs visit Barack Obama at the White House',
      'A basketball team poses with a politician.',
      [
        ['person', 'Kawhi Leonard'],
        ['organization', 'Spurs'],
        ['person', 'Barack Obama'],
        ['location', 'White House'],
      ],
      [
        ['a', 'Kawhi Leonard'],
        ['b', 'Barack Obama'],
      ],
      2,
    ),
    S('x2', 'test', 'RT @ fan : look at this # sunset photo from Lake Tahoe', 'A sunset over a lake.', [['location', 'Lake Tahoe']], [], 1),
  ];
  for (const [n, s] of samples.entries()) await writeFile(join(root, s.image.path), png(64, 48, n + 1));
  await writeDataset(root, { name: 'offline-fixture', version: '0.0.0', license: 'CC0-1.0' }, samples);
  return { root, samples };
}

/** promptfoo test vars of a fixture sample (absolute paths). */
export const varsOf = (fx: Fixture, id: string): MmreTestVars => fixtureVars(fx.root, fx.samples, id);
