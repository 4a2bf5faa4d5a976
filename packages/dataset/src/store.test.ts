import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJson, loadDataset, readManifest, readSamples, writeDataset } from './store.js';

function makeSample(id: string, split = 'test'): Sample {
  return {
    id,
    split,
    text: `Headline ${id} with Spurs`,
    image: { path: `images/${id}.jpg` },
    segments: [{ id: 'a', path: `images/segments/${id}_a.jpg` }],
    gold: {
      summary: 'A picture.',
      entities: [{ label: 'organization', text: 'Spurs' }],
      pairs: [{ segment: 'a', entity: 'Spurs' }],
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeDataset / readSamples', () => {
  it('streams samples from an async iterable and writes split counts into dataset.json', async () => {
    async function* gen() {
      for (let i = 0; i < 5; i++) yield makeSample(`s${i}`, i < 3 ? 'train' : 'test');
    }
    const out = join(dir, 'ds1');
    const r = await writeDataset(out, { name: 'x', version: '1', license: 'MIT' }, gen());
    expect(r).toEqual({ count: 5, splits: { train: 3, test: 2 } });
    const m = await readManifest(out);
    expect(m.splits).toEqual({ train: 3, test: 2 });
    expect(m.labels).toEqual(['person', 'organization', 'location', 'other']);
    const lines: number[] = [];
    for await (const e of readSamples(out)) {
      expect(e.issues).toEqual([]);
      lines.push(e.line);
    }
    expect(lines).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses an invalid sample and leaves no partial file', async () => {
    const out = join(dir, 'ds-bad');
    const bad = {
      ...makeSample('z'),
      gold: { entities: [{ label: 'PER', text: 'x' }], pairs: [] },
    } as unknown as Sample;
    await expect(
      writeDataset(out, { name: 'x', version: '1', license: 'MIT' }, [makeSample('a'), bad]),
    ).rejects.toThrow(/gold\.entities\.0\.label/);
    await expect(readFile(join(out, 'samples.jsonl.partial'))).rejects.toThrow(/ENOENT/);
  });

  it('a bad line yields issues with file, line, field and fix, and the stream goes on', async () => {
    const out = join(dir, 'ds2');
    await writeDataset(out, { name: 'x', version: '1', license: 'MIT' }, [makeSample('a')]);
    const good = JSON.stringify(makeSample('b'));
    const badLabel = JSON.stringify({
      ...makeSample('c'),
      gold: { entities: [{ label: 'PER', text: 'x' }], pairs: [] },
    });
    await writeFile(
      join(out, 'samples.jsonl'),
      `${good}\n{not json\n\n${badLabel}\n${JSON.stringify(makeSample('d'))}\n`,
    );
    const got = [];
    for await (const e of readSamples(out)) got.push(e);
    expect(got.map((e) => [e.line, e.sample?.id ?? null])).toEqual([
      [1, 'b'],
      [2, null],
      [4, null],
      [5, 'd'],
    ]);
    expect(got[1]?.issues[0]).toMatchObject({ code: 'json', line: 2 });
    const issue = got[2]?.issues[0];
    expect(issue).toMatchObject({ code: 'schema', line: 4, field: 'gold.entities.0.label', sampleId: 'c' });
    expect(issue?.file).toBe(join(out, 'samples.jsonl'));
    expect(issue?.message).toMatch(
      /samples\.jsonl:4: gold\.entities\.0\.label: .*fix: use one of person, organization/,
    );
  });

  it('readManifest names the file and the fix', async () => {
    await expect(readManifest(join(dir, 'nope'))).rejects.toThrow(/dataset\.json: not found/);
    const out = join(dir, 'ds3');
    await writeDataset(out, { name: 'x', version: '1', license: 'MIT' }, []);
    await writeFile(join(out, 'dataset.json'), JSON.stringify({ name: 'x', version: '1', splits: {} }));
    await expect(readManifest(out)).rejects.toThrow(/license/);
  });
});

describe('loadDataset', () => {
  it('filters by split and ids, limits, shuffles deterministically with a seed', async () => {
    const out = join(dir, 'ds4');
    const samples = Array.from({ length: 40 }, (_, i) =>
      makeSample(`id${String(i).padStart(2, '0')}`, i % 4 ? 'train' : 'test'),
    );
    await writeDataset(out, { name: 'x', version: '1', license: 'MIT' }, samples);
    const test = await loadDataset(out, { split: 'test' });
    expect(test.samples.map((s) => s.id)).toEqual([
      'id00',
      'id04',
      'id08',
      'id12',
      'id16',
      'id20',
      'id24',
      'id28',
      'id32',
      'id36',
    ]);
    const first = await loadDataset(out, { limit: 3 });
    expect(first.samples.map((s) => s.id)).toEqual(['id00', 'id01', 'id02']);
    const byIds = await loadDataset(out, { ids: ['id05', 'id01', 'missing'] });
    expect(byIds.samples.map((s) => s.id)).toEqual(['id01', 'id05']);
    expect(byIds.issues).toMatchObject([{ severity: 'warning', code: 'unknown-id', sampleId: 'missing' }]);
    const a = await loadDataset(out, { seed: 7, limit: 10 });
    const b = await loadDataset(out, { seed: 7, limit: 10 });
    const c = await loadDataset(out, { seed: 8, limit: 10 });
    expect(a.samples.map((s) => s.id)).toEqual(b.samples.map((s) => s.id));
    expect(a.samples.map((s) => s.id)).not.toEqual(c.samples.map((s) => s.id));
    expect(a.samples.map((s) => s.id)).not.toEqual(first.samples.map((s) => s.id).concat());
  });
});

describe('formatJson', () => {
  it('puts short scalar arrays on one line (Biome/Prettier style) and keeps long ones expanded', () => {
    const long = Array.from({ length: 30 }, (_, i) => `label-number-${i}`);
    expect(formatJson({ a: ['x', 'y'], b: { c: 1 }, d: [], e: long })).toBe(
      `{\n  "a": ["x", "y"],\n  "b": {\n    "c": 1\n  },\n  "d": [],\n  "e": [\n${long.map((l) => `    "${l}"`).join(',\n')}\n  ]\n}`,
    );
  });
});
