// Test fixtures: small datasets with sharp-generated images in a temp folder.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MmreTestVars, Sample } from '@mmre/core';
import { writeDataset } from '@mmre/dataset';
import { writePatternImage } from '@mmre/images/testing';
import { fixtureVars } from '@mmre-test/fixture-vars';

export { writePatternImage };

export interface FixtureDataset {
  root: string;
  samples: Sample[];
}

/** A dataset of `train` + `test` samples; each has a main image, segment a (own file) and b (box only). */
export async function makeDataset(options: { train?: number; test?: number; dir?: string } = {}): Promise<FixtureDataset> {
  const root = options.dir ?? (await mkdtemp(join(tmpdir(), 'mmre-pfa-')));
  await mkdir(join(root, 'images'), { recursive: true });
  const samples: Sample[] = [];
  const names = ['Alice Smith', 'Bob Jones', 'Carol King', 'Dan Brown', 'Eve Adams', 'Frank Moore'];
  const total = (options.train ?? 4) + (options.test ?? 2);
  for (let n = 0; n < total; n++) {
    const id = `s${String(n).padStart(2, '0')}`;
    const split = n < (options.train ?? 4) ? 'train' : 'test';
    await writePatternImage(join(root, 'images', `${id}.jpg`), 320 + n * 8, 240, n + 1);
    await writePatternImage(join(root, 'images', `${id}_a.jpg`), 60, 80, n + 50);
    const person = names[n % names.length] as string;
    samples.push({
      id,
      split,
      text: `RT @ news : ${person} visits Paris with NBA team Spurs`,
      image: { path: `images/${id}.jpg` },
      segments: [
        { id: 'a', path: `images/${id}_a.jpg` },
        { id: 'b', box: { xmin: 10, ymin: 20, xmax: 110, ymax: 140 } },
      ],
      gold: {
        summary: `A photo of ${person} in Paris number ${n}.`,
        entities: [
          { label: 'person', text: person },
          { label: 'location', text: 'Paris' },
          { label: 'organization', text: 'Spurs' },
        ],
        pairs: [
          { segment: 'a', entity: person },
          { segment: 'b', entity: 'Spurs' },
        ],
      },
    });
  }
  await writeDataset(root, { name: 'fixture', version: '0.0.0', license: 'CC0-1.0' }, samples);
  return { root, samples };
}

/** promptfoo test vars of a fixture sample (absolute paths). */
export const varsOf = (ds: FixtureDataset, id: string): MmreTestVars => fixtureVars(ds.root, ds.samples, id);
