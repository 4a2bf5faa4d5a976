import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sample, SampleSchema } from '@mmre/core';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetStats, formatStats, gmnerStats } from '../stats.js';
import { readSamples } from '../store.js';
import { type FixtureTweet, placeholder, vocXml, writeGmner } from './__fixtures__/make.js';
import { convertGmner } from './convert.js';

const temps: string[] = [];
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});
async function tmp(prefix: string) {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
async function samplesOf(dir: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const l of readSamples(dir)) {
    expect(l.issues).toEqual([]);
    out.push(l.sample as Sample);
  }
  return out;
}

const many = Array.from(
  { length: 27 },
  (_, i) => [`Player ${i}`, i * 10, 0, i * 10 + 8, 20] as [string, number, number, number, number],
);

const train: FixtureTweet[] = [
  {
    id: '100',
    tokens: [
      ['RT', 'O'],
      ['LionelMessi', 'B-PER'],
      ['and', 'O'],
      ['bob', 'B-PER'],
      ['geldof', 'I-PER'],
      ['at', 'O'],
      ['Park', 'I-LOC'],
    ],
    xml: {
      width: 400,
      height: 300,
      objects: [
        ['Lionel Messi', 10, 10, 110, 210],
        ['Bob  Geldof', 200, 50, 300, 150],
        ['park', 0, 0, 400, 300],
      ],
    },
  },
  {
    id: '101',
    tokens: [
      ['Ariana', 'B-PER'],
      ['Grande', 'I-PER'],
      ['with', 'O'],
      ['Jon', 'B-PER'],
      ['John', 'B-PER'],
      ['Joan', 'B-PER'],
    ],
    xml: {
      width: 200,
      height: 100,
      objects: [
        ['Ariana Grand', 0, 0, 50, 50],
        ['Jo', 60, 0, 90, 50], // within 2 of jon, john and joan: ambiguous → fallback
        ['Someone Else', 100, 0, 150, 50],
        ['Outside', 250, 10, 300, 60], // right of the 200-wide image: degenerate → skipped
        ['Edge', 180, 80, 260, 140], // partly outside: clamped to 180,80,200,100
      ],
    },
  },
  { id: '102', tokens: [['nothing', 'O']] },
];
const test: FixtureTweet[] = [
  { id: '200', tokens: [['Team', 'B-ORG']], xml: { width: 300, height: 40, objects: many } },
  { id: '201', tokens: [['Spurs', 'B-ORG']], xml: '<annotation><size><width>10</width></size><object>' },
];

describe('convertGmner on a fixture (no images)', async () => {
  const root = await writeGmner({ train, test }, { '999': vocXml(10, 10, [['x', 0, 0, 5, 5]]) });
  temps.push(root);
  const summaries = join(root, 'summaries.jsonl');
  await writeFile(
    summaries,
    `${JSON.stringify({ id: '100', summary: 'Two men in a park.' })}\n{"id": "777", "summary": "nobody"}\nnot json\n${JSON.stringify({ id: 101, summary: 'A singer on a stage with friends.' })}\n`,
  );

  it('writes every tweet with the reading rules applied', async () => {
    const out = await tmp('gmner-out-');
    const progress: [number, number][] = [];
    const report = await convertGmner({ root, out, summaries, onProgress: (d, t) => progress.push([d, t]) });
    expect(report).toMatchObject({
      samples: 5,
      written: 5,
      filtered: 0,
      segments: 3 + 4 + 27,
      crops: 0,
      skippedBoxes: 1,
      ladder: { exact: 2, compact: 1, levenshtein: 1, fallback: 30 }, // 100: 2+1; 101: 1 lev + 3 fallback; 200: 27 fallback
      splits: { train: 3, test: 2 },
    });
    expect(progress.at(-1)).toEqual([5, 5]);
    const codes = report.diagnostics.map((d) => d.code);
    expect(codes).toContain('gmner-xml-orphan'); // 999.xml
    expect(codes).toContain('gmner-no-xml'); // 102
    expect(codes).toContain('gmner-xml'); // 201 malformed
    expect(codes).toContain('summary-json'); // line 3
    expect(codes).toContain('summary-unknown-id'); // 777
    expect(codes).toContain('summary-missing'); // 102, 200, 201
    expect(codes).toContain('gmner-box-degenerate');
    expect(report.diagnostics.find((d) => d.code === 'summary-json')?.line).toBe(3);
    expect(report.diagnostics.find((d) => d.code === 'summary-missing')?.message).toMatch(/3 of 5/);

    const samples = await samplesOf(out);
    expect(samples.map((s) => s.id)).toEqual(['100', '101', '102', '200', '201']);
    const [s100, s101, s102, s200, s201] = samples as [Sample, Sample, Sample, Sample, Sample];
    expect(s100).toEqual({
      id: '100',
      split: 'train',
      text: 'RT LionelMessi and bob geldof at Park',
      image: { path: 'images/100.jpg', width: 400, height: 300 },
      segments: [
        { id: 'a', box: { xmin: 10, ymin: 10, xmax: 110, ymax: 210 } },
        { id: 'b', box: { xmin: 200, ymin: 50, xmax: 300, ymax: 150 } },
        { id: 'c', box: { xmin: 0, ymin: 0, xmax: 400, ymax: 300 } },
      ],
      gold: {
        summary: 'Two men in a park.',
        entities: [
          { label: 'person', text: 'LionelMessi' },
          { label: 'person', text: 'bob geldof' },
          { label: 'location', text: 'Park' },
        ],
        pairs: [
          { segment: 'a', entity: 'LionelMessi' },
          { segment: 'b', entity: 'bob geldof' },
          { segment: 'c', entity: 'Park' },
        ],
      },
    });
    expect(s101.gold.summary).toBe('A singer on a stage with friends.');
    expect(s101.segments.map((s) => [s.id, s.box])).toEqual([
      ['a', { xmin: 0, ymin: 0, xmax: 50, ymax: 50 }],
      ['b', { xmin: 60, ymin: 0, xmax: 90, ymax: 50 }],
      ['c', { xmin: 100, ymin: 0, xmax: 150, ymax: 50 }],
      ['d', { xmin: 180, ymin: 80, xmax: 200, ymax: 100 }],
    ]);
    expect(s101.gold.pairs).toEqual([
      { segment: 'a', entity: 'Ariana Grande' },
      { segment: 'b', entity: 'Jo' },
      { segment: 'c', entity: 'Someone Else' },
      { segment: 'd', entity: 'Edge' },
    ]);
    expect(s102).toMatchObject({ segments: [], gold: { entities: [], pairs: [] }, image: { path: 'images/102.jpg' } });
    expect(s102.image.width).toBeUndefined();
    expect(s200.segments.map((s) => s.id).slice(-3)).toEqual(['y', 'z', 'aa']);
    expect(s200.segments).toHaveLength(27);
    expect(s201.segments).toEqual([]);
    for (const s of samples) expect(SampleSchema.safeParse(s).success).toBe(true);

    const manifest = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    expect(manifest.splits).toEqual({ train: 3, test: 2 });

    // stats over the folder agree with stats over the GMNER source
    const fromDir = await datasetStats(out);
    const fromSrc = await gmnerStats(root, { summaries });
    for (const k of [
      'samples',
      'tokens',
      'entities',
      'samplesWithSegments',
      'segments',
      'groundedEntities',
      'pairs',
    ] as const)
      expect(fromDir.total[k]).toEqual(fromSrc.total[k]);
    expect(fromSrc.total.ladder).toEqual(report.ladder);
    expect(fromSrc.total.entities).toEqual({ person: 6, organization: 2, location: 1, other: 0 });
    expect(fromSrc.total.groundedEntities).toBe(4); // LionelMessi, bob geldof, Park, Ariana Grande
    expect(fromSrc.splits.train?.summaryWords).toEqual({ max: 7, min: 5, median: 6, mean: 6 });
    const table = formatStats(fromSrc);
    expect(table).toMatch(/^\s+train\s+test\s+total$/m);
    expect(table).toMatch(/^ladder: levenshtein\s+1\s+0\s+1$/m);
  });

  it('filters on the number of segments', async () => {
    const out = await tmp('gmner-out-');
    const report = await convertGmner({ root, out, minSegments: 1, maxSegments: 5 });
    expect(report).toMatchObject({ samples: 5, written: 2, filtered: 3, segments: 7, splits: { train: 2 } });
    expect((await samplesOf(out)).map((s) => s.id)).toEqual(['100', '101']);
  });

  it('reads only the requested splits', async () => {
    const out = await tmp('gmner-out-');
    const report = await convertGmner({ root, out, splits: ['test'] });
    expect(report.splits).toEqual({ test: 2 });
    expect(report.diagnostics.map((d) => d.code)).toContain('gmner-xml-orphan');
    await expect(convertGmner({ root, out, splits: ['nope'] })).rejects.toThrow(/txt\/nope\.txt/);
  });
});

describe('convertGmner with images', async () => {
  const root = await writeGmner({ train, test });
  temps.push(root);
  const images = join(root, 'images');
  await mkdir(images);
  await placeholder(join(images, '100.jpg'), 200, 150); // half the XML size: boxes scale by 0.5
  await placeholder(join(images, '101.jpg'), 200, 100); // same size as the XML
  await placeholder(join(images, '200.jpg'), 300, 40);
  await writeFile(join(images, '201.jpg'), 'not an image');
  // 102 has no image at all

  it('scales, clamps, crops and copies, reporting what it could not do', async () => {
    const out = await tmp('gmner-img-');
    const report = await convertGmner({ root, out, images, concurrency: 2 });
    expect(report).toMatchObject({ samples: 5, written: 5, segments: 34, crops: 34, skippedBoxes: 1, scaledImages: 1 });
    const codes = report.diagnostics.map((d) => d.code);
    expect(codes).toContain('missing-image');
    expect(codes).toContain('undecodable-image');
    const samples = await samplesOf(out);
    const s100 = samples[0] as Sample;
    expect(s100.image).toEqual({ path: 'images/100.jpg', width: 200, height: 150 });
    expect(s100.segments).toEqual([
      { id: 'a', box: { xmin: 5, ymin: 5, xmax: 55, ymax: 105 }, path: 'images/segments/100_a.jpg' },
      { id: 'b', box: { xmin: 100, ymin: 25, xmax: 150, ymax: 75 }, path: 'images/segments/100_b.jpg' },
      { id: 'c', box: { xmin: 0, ymin: 0, xmax: 200, ymax: 150 }, path: 'images/segments/100_c.jpg' },
    ]);
    const meta = await sharp(join(out, 'images/segments/100_a.jpg')).metadata();
    expect([meta.width, meta.height]).toEqual([50, 100]);
    // the crop comes from the right place: the gradient's gray level grows with x
    const bStats = await sharp(join(out, 'images/segments/100_b.jpg')).stats();
    const aStats = await sharp(join(out, 'images/segments/100_a.jpg')).stats();
    expect(bStats.channels[0]?.mean).toBeGreaterThan((aStats.channels[0]?.mean ?? 0) + 60);
    const s101 = samples[1] as Sample;
    expect(s101.segments.map((s) => s.box)).toContainEqual({ xmin: 180, ymin: 80, xmax: 200, ymax: 100 });
    const edge = await sharp(join(out, 'images/segments/101_d.jpg')).metadata();
    expect([edge.width, edge.height]).toEqual([20, 20]);
    const s200 = samples[3] as Sample;
    expect(s200.segments.at(-1)?.path).toBe('images/segments/200_aa.jpg');
    const segFiles = await readdir(join(out, 'images/segments'));
    expect(segFiles).toHaveLength(34);
    expect((await readdir(join(out, 'images'))).filter((f) => f.endsWith('.jpg')).sort()).toEqual([
      '100.jpg',
      '101.jpg',
      '200.jpg',
    ]);
    // no image: XML frame kept, no segment paths
    const s102 = samples[2] as Sample;
    expect(s102.image.path).toBe('images/102.jpg');
  });
  it('reads the size as displayed (EXIF orientation) and crops in that frame', async () => {
    const r2 = await writeGmner({
      test: [
        {
          id: '300',
          tokens: [['Tower', 'B-LOC']],
          xml: { width: 20, height: 40, objects: [['Tower', 0, 20, 20, 40]] },
        },
      ],
    });
    temps.push(r2);
    await mkdir(join(r2, 'images'));
    // stored 40×20 with orientation 6 (rotate 90° to display): displayed 20×40, as the XML says
    await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(join(r2, 'images', '300.jpg'));
    const out = await tmp('gmner-exif-');
    const report = await convertGmner({ root: r2, out, images: join(r2, 'images') });
    expect(report).toMatchObject({ written: 1, crops: 1, scaledImages: 0 });
    const [s] = await samplesOf(out);
    expect(s?.image).toMatchObject({ width: 20, height: 40 });
    const crop = await sharp(join(out, 'images/segments/300_a.jpg')).metadata();
    expect([crop.width, crop.height]).toEqual([20, 20]);
  });
});
