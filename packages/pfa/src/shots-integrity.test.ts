// Issue 12, part 2: k-shot examples come only from records that `mmre dataset validate` accepts —
// the same record checks (loadDataset's), realpath containment included — and a bad record is skipped,
// never shown to the model as an example.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { validate, writeDataset } from '@mmre/dataset';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureDataset, makeDataset, varsOf } from './__fixtures__/dataset.js';
import { buildMessages, type ContentPart } from './messages.js';

let ds: FixtureDataset;
let outside: string;
beforeAll(async () => {
  ds = await makeDataset({ train: 3, test: 1 });
  const [t0] = ds.samples as [Sample];
  const bad = (id: string, over: Partial<Sample>): Sample => ({
    ...t0,
    id,
    split: 'train',
    text: `BAD-${id} should never be a shot`,
    ...over,
  });
  outside = join(ds.root, '..', `${ds.root.split('/').pop()}-outside`);
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'secret.jpg'), 'not an image of this dataset');
  await symlink(join(outside, 'secret.jpg'), join(ds.root, 'images', 'linked.jpg'));
  const extra: Sample[] = [
    bad('s00', {}), // a repeat of the first sample's id
    bad('inverted', {
      segments: [{ id: 'a', path: t0.segments[0]?.path as string, box: { xmin: 90, ymin: 90, xmax: 10, ymax: 10 } }],
      gold: { ...t0.gold, pairs: [{ segment: 'a', entity: 'Paris' }] },
    }),
    bad('unknown-segment', { gold: { ...t0.gold, pairs: [{ segment: 'z', entity: 'Paris' }] } }),
    bad('out-of-order', { segments: [...t0.segments].reverse() }),
    bad('linked', { image: { path: 'images/linked.jpg' } }),
  ];
  await writeDataset(ds.root, { name: 'fixture', version: '0.0.0', license: 'CC0-1.0' }, [...ds.samples, ...extra]);
});
afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

const texts = (messages: { role: string; content: string | ContentPart[] }[]) =>
  messages
    .filter((m) => m.role === 'user')
    .map((m) => ((m.content as ContentPart[]).at(-1) as { text: string }).text)
    .join('\n');

describe('k-shot examples and the record checks', () => {
  it('validate rejects the five bad train records', async () => {
    const v = await validate(ds.root, { checkImages: false });
    expect(v.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([
      'duplicate-id',
      'degenerate-box',
      'unknown-segment',
      'segment-order',
      'segment-order',
      'path-escapes',
    ]);
  });

  it('draws shots only from the records validate accepts; asking for more than those is the usual error', async () => {
    const vars = varsOf(ds, 's03');
    const messages = await buildMessages('mner', vars, { shots: { dataset: ds.root, k: 3, seed: 1 } });
    const shown = texts(messages);
    expect(shown).not.toMatch(/BAD-|secret/);
    for (const s of ds.samples.filter((x) => x.split === 'train')) expect(shown).toContain(s.text);
    await expect(buildMessages('mner', vars, { shots: { dataset: ds.root, k: 4, seed: 1 } })).rejects.toThrow(
      /asked for k=4 examples but split "train" .* has only 3 usable samples/,
    );
  });
});
