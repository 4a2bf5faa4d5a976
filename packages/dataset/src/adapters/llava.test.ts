import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Mode, pfaInstruction, type Sample } from '@mmre/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLlava } from '../export.js';
import { loadDataset, writeDataset } from '../store.js';
import { convertLlava, elementLines, textFromPrompt } from './llava.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-llava-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(id: string, segs: number, split = 'train'): Sample {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.slice(0, segs).split('');
  return {
    id,
    split,
    text: `Star Wars: The Last Jedi; premiere in London with Mark Hamill #${id}\nsecond line`,
    image: { path: `images/${id}.jpg` },
    segments: letters.map((l) => ({ id: l, path: `images/segments/${id}_${l}.jpg` })),
    gold: {
      summary: `A red carpet event in front of a large poster (${id}). People in dark suits pose for photographers.`,
      entities: [
        { label: 'other', text: 'Star Wars: The Last Jedi' },
        { label: 'location', text: 'London' },
        { label: 'person', text: "Mark O'Hamill" },
      ],
      pairs: letters.map((l, i) => ({ segment: l, entity: i % 2 ? 'Star Wars: The Last Jedi' : "Mark O'Hamill" })),
    },
  };
}

async function datasetWithImages(root: string, samples: Sample[]) {
  await mkdir(join(root, 'images', 'segments'), { recursive: true });
  for (const s of samples)
    for (const p of [s.image.path, ...s.segments.map((x) => x.path as string)]) await writeFile(join(root, p), p);
  await writeDataset(root, { name: 'src', version: '1', license: 'MIT' }, samples);
}

describe('helpers', () => {
  it('elementLines finds the line of each top-level element, ignoring brackets in strings', () => {
    expect(elementLines('[\n{"a": "[{"},\n\n{"b": [1, {"c": 2}]}\n]')).toEqual([2, 4]);
  });
  it('textFromPrompt reads the Text: line of the Task 2 module', () => {
    const p = pfaInstruction('joint', { text: 'Text: tricky\nline two', segmentIds: ['a'] });
    expect(textFromPrompt(`<image>\n${p}`)).toBe('Text: tricky\nline two');
    expect(textFromPrompt(pfaInstruction('summary', { text: 'x', segmentIds: [] }))).toBeNull();
  });
});

describe('convertLlava', () => {
  it('reads records, reports gold-parser diagnostics, bad records with lines, copies images', async () => {
    const imgs = join(dir, 'llava-src');
    await mkdir(join(imgs, 'seg'), { recursive: true });
    for (const f of ['m1.jpg', 'seg/m1_a.jpg', 'm2.jpg', 'm3.jpg']) await writeFile(join(imgs, f), f);
    const human = (text: string, n: number) =>
      `${Array(n).fill('<image>').join('\n')}\n${pfaInstruction('mner', { text, segmentIds: n > 1 ? ['a'] : [] })}`;
    const data = [
      {
        id: 'm1',
        image: ['m1.jpg', 'seg/m1_a.jpg'],
        conversations: [
          { from: 'human', value: human('Messi joins Inter Miami', 2) },
          {
            from: 'gpt',
            value: "Task 2 Answer: NER: :person;Messi:organization;Inter Miami image-entity pair: {'a': 'Messi'}",
          },
        ],
      },
      {
        id: 'm2',
        image: 'm2.jpg',
        conversations: [
          { from: 'human', value: human('Paris in spring', 1) },
          // an alias label: readable, but gold must be clean, so it is reported
          { from: 'gpt', value: 'Task 2 Answer: NER: :LOC;Paris image-entity pair: {}' },
        ],
      },
      { id: 'm3', image: ['m3.jpg'], conversations: [{ from: 'human', value: 'x' }] },
      {
        id: 'm4',
        image: ['/abs/m4.jpg'],
        conversations: [
          { from: 'human', value: '<image>' },
          { from: 'gpt', value: 'Task 2 Answer: NER: image-entity pair: {}' },
        ],
      },
    ];
    const input = join(dir, 'mmre_test.json');
    await writeFile(input, `[\n${data.map((d) => JSON.stringify(d)).join(',\n')}\n]\n`);
    const out = join(dir, 'conv');
    const r = await convertLlava({ input, images: imgs, out });
    expect(r.written).toBe(2);
    expect(r.skipped).toBe(2);
    const codes = r.diagnostics.map((d) => [d.line, d.code]);
    expect(codes).toContainEqual([3, 'gold-label-alias']);
    expect(codes).toContainEqual([4, 'schema']);
    expect(codes).toContainEqual([5, 'unsafe-path']);
    for (const d of r.diagnostics) expect(d.file).toBe(input);
    const { samples, manifest } = await loadDataset(out);
    expect(manifest.splits).toEqual({ test: 2 }); // from the file name
    expect(samples[0]).toEqual({
      id: 'm1',
      split: 'test',
      text: 'Messi joins Inter Miami',
      image: { path: 'images/m1.jpg' },
      segments: [{ id: 'a', path: 'images/seg/m1_a.jpg' }],
      gold: {
        entities: [
          { label: 'person', text: 'Messi' },
          { label: 'organization', text: 'Inter Miami' },
        ],
        pairs: [{ segment: 'a', entity: 'Messi' }],
      },
    });
    expect(samples[1]?.gold.entities).toEqual([{ label: 'location', text: 'Paris' }]);
    expect(await readFile(join(out, 'images/seg/m1_a.jpg'), 'utf8')).toBe('seg/m1_a.jpg');
  });
});

describe('exportLlava → convertLlava round trip', () => {
  const modes: Mode[] = ['joint', 'mner'];
  for (const mode of modes)
    it(`round-trips the records (${mode})`, async () => {
      const src = join(dir, `rt-src-${mode}`);
      const samples = [sample('r1', 2), sample('r2', 0), sample('r3', 3), sample('r4', 1)];
      await datasetWithImages(src, samples);
      const file = join(dir, `rt-${mode}.json`);
      const e = await exportLlava(src, { mode, out: file });
      expect(e).toMatchObject({ records: 4, skipped: 0, diagnostics: [] });
      const json = JSON.parse(await readFile(file, 'utf8'));
      expect(json[0].image).toEqual(['images/r1.jpg', 'images/segments/r1_a.jpg', 'images/segments/r1_b.jpg']);
      expect(json[0].conversations[0].value.match(/<image>/g)).toHaveLength(3);
      expect(json[0].conversations[0].value).toContain('Segment b: <image>');
      const out = join(dir, `rt-out-${mode}`);
      const c = await convertLlava({ input: file, images: src, out, split: 'train' });
      expect(c.diagnostics).toEqual([]);
      const back = (await loadDataset(out)).samples;
      const expected = samples.map((s) =>
        mode === 'joint' ? s : { ...s, gold: { entities: s.gold.entities, pairs: s.gold.pairs } },
      );
      expect(back).toEqual(expected);
    });

  it('summary mode exports the summary; records without a summary or segment image are skipped with a reason', async () => {
    const src = join(dir, 'rt-sum');
    const s1 = sample('s1', 1);
    const s2 = { ...sample('s2', 0), gold: { entities: [], pairs: [] } };
    const s3 = { ...sample('s3', 1), segments: [{ id: 'a', box: { xmin: 0, ymin: 0, xmax: 2, ymax: 2 } }] };
    await datasetWithImages(src, [s1, s2]);
    await writeDataset(src, { name: 'src', version: '1', license: 'MIT' }, [s1, s2, s3]);
    const file = join(dir, 'sum.json');
    const e = await exportLlava(src, { mode: 'summary', out: file });
    expect(e.records).toBe(1);
    expect(e.diagnostics.map((d) => [d.sampleId, d.code])).toEqual([
      ['s2', 'no-summary'],
      ['s3', 'segment-without-image'],
    ]);
    const out = join(dir, 'sum-out');
    const c = await convertLlava({ input: file, images: src, out, split: 'train' });
    const back = (await loadDataset(out)).samples[0];
    expect(back?.gold).toEqual({ summary: s1.gold.summary, entities: [], pairs: [] });
    expect(c.diagnostics.map((d) => d.code)).toEqual(['no-text']);
  });
});
