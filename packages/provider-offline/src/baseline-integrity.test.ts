// Issue 12, part 2: the baseline learns only from records that `mmre dataset validate` accepts (the
// record checks of loadDataset), reports the others once with file:line, and answers the rest.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { writeDataset } from '@mmre/dataset';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FIXTURE_SAMPLES } from './__fixtures__/dataset.js';
import { loadBaselineModel } from './baseline.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mmre-offline-integrity-'));
  const train = FIXTURE_SAMPLES.filter((s) => s.split === 'train');
  const [first] = train as [Sample];
  const poison = (id: string, over: Partial<Sample>): Sample => ({
    ...first,
    id,
    text: `Zorblax Quint visits Vexmoor (${id})`,
    gold: {
      summary: `Zorblax summary ${id}`,
      entities: [
        { label: 'person', text: 'Zorblax Quint' },
        { label: 'location', text: 'Vexmoor' },
      ],
      pairs: [{ segment: 'a', entity: 'Zorblax Quint' }],
    },
    ...over,
  });
  const bad: Sample[] = [
    poison(first.id, {}), // a repeat of an id
    poison('inverted', { segments: [{ id: 'a', box: { xmin: 30, ymin: 30, xmax: 2, ymax: 2 } }] }),
    poison('unknown-segment', {
      segments: [{ id: 'a', box: { xmin: 2, ymin: 2, xmax: 30, ymax: 30 } }],
      gold: {
        entities: [{ label: 'person', text: 'Zorblax Quint' }],
        pairs: [{ segment: 'q', entity: 'Zorblax Quint' }],
      },
    }),
    poison('escapes', { image: { path: '../../etc/passwd' } }),
  ];
  await writeDataset(root, { name: 'poisoned', version: '1', license: 'MIT' }, [...train, ...bad]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('BaselineProvider and the record checks', () => {
  it('does not learn from records validate rejects, and names them once with file:line', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const loaded = await loadBaselineModel(root, 'train');
    const written = err.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    const train = FIXTURE_SAMPLES.filter((s) => s.split === 'train');
    expect(loaded.model.trainSamples).toBe(train.length);
    expect(loaded.skipped).toBe(4);
    const learned = JSON.stringify([...loaded.model.gazetteer.values()]) + JSON.stringify(loaded.model.summaries);
    expect(learned).not.toMatch(/Zorblax|Vexmoor/);
    expect(written).toMatch(/BaselineProvider: learning from split "train" of .*: 4 record\(s\) skipped/);
    for (const line of [train.length + 1, train.length + 2, train.length + 3, train.length + 4])
      expect(written).toContain(`samples.jsonl:${line}: `);
  });
});
