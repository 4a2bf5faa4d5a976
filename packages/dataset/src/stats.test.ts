import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetStats, formatStats, StatsAccumulator } from './stats.js';

const sample = (over: Partial<Sample> & { id: string }): Sample => ({
  split: 'test',
  text: '',
  image: { path: `images/${over.id}.jpg` },
  segments: [],
  gold: { entities: [], pairs: [] },
  ...over,
});

const temps: string[] = [];
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

describe('StatsAccumulator', () => {
  it('counts entities, segments, grounded entities and length statistics', () => {
    const acc = new StatsAccumulator();
    acc.add(
      sample({
        id: '1',
        text: 'Kevin Durant  and the Thunder',
        segments: [{ id: 'a' }, { id: 'b' }],
        gold: {
          summary: 'A game.',
          entities: [
            { label: 'person', text: 'Kevin Durant' },
            { label: 'organization', text: 'Thunder' },
            { label: 'organization', text: 'thunder' },
          ],
          pairs: [
            { segment: 'a', entity: 'kevin  durant' },
            { segment: 'b', entity: 'Spurs' },
          ],
        },
      }),
    );
    acc.add(
      sample({
        id: '2',
        text: 'née',
        gold: { summary: 'One two three four', entities: [{ label: 'other', text: 'x' }], pairs: [] },
      }),
    );
    acc.add(sample({ id: '3', text: 'a b c', gold: { summary: 'Short one here', entities: [], pairs: [] } }));
    const s = acc.result();
    expect(s).toMatchObject({
      samples: 3,
      tokens: 5 + 1 + 3,
      entities: { person: 1, organization: 2, location: 0, other: 1 },
      samplesWithSegments: 1,
      segments: 2,
      pairs: 2,
      groundedEntities: 1,
      samplesWithSummary: 3,
    });
    expect(s.summaryWords).toEqual({ max: 4, min: 2, median: 3, mean: 3 });
    expect(s.textChars).toEqual({ max: 29, min: 3, median: 5, mean: (29 + 3 + 5) / 3 });
    expect(s.ladder).toBeUndefined();
  });

  it('median of an even count is the mean of the middle two', () => {
    const acc = new StatsAccumulator();
    for (const t of ['a', 'a b', 'a b c d', 'a b c d e f g h']) acc.add(sample({ id: t, text: t }));
    expect(acc.result().textWords).toEqual({ max: 8, min: 1, median: 3, mean: 15 / 4 });
  });
});

describe('datasetStats', () => {
  it('reads a folder per split, skipping invalid lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stats-'));
    temps.push(dir);
    const lines = [
      JSON.stringify(sample({ id: 't1', split: 'train', text: 'a b' })),
      '{"broken": ',
      JSON.stringify(
        sample({
          id: 'x1',
          split: 'test',
          text: 'c',
          gold: { entities: [{ label: 'location', text: 'c' }], pairs: [] },
        }),
      ),
      JSON.stringify(sample({ id: 'x2', split: 'test', text: 'd e f' })),
    ];
    await writeFile(join(dir, 'samples.jsonl'), `${lines.join('\n')}\n`);
    const r = await datasetStats(dir);
    expect(r.invalidLines).toBe(1);
    expect(Object.keys(r.splits)).toEqual(['train', 'test']);
    expect(r.splits.test).toMatchObject({ samples: 2, tokens: 4, entities: { location: 1 } });
    expect(r.total).toMatchObject({ samples: 3, tokens: 6 });
    const table = formatStats(r);
    expect(table.split('\n')[0]).toMatch(/^\s+train\s+test\s+total$/);
    expect(table).toMatch(/^entities: location\s+0\s+1\s+1$/m);
    expect(table).not.toMatch(/ladder/);
  });
});
