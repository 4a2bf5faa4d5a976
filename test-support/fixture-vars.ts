// The promptfoo test vars of a fixture sample, for the fixture datasets of the package tests.
import type { MmreTestVars, Sample } from '@mmre/core';
import { sampleToTest } from '@mmre/dataset';

/** The vars of sample `id` of a dataset written at `root`: exactly what the dataset test generator gives promptfoo. */
export function fixtureVars(root: string, samples: readonly Sample[], id: string): MmreTestVars {
  const s = samples.find((x) => x.id === id);
  if (!s) throw new Error(`no fixture sample ${id}`);
  const test = sampleToTest(root, s);
  if (typeof test === 'string') throw new Error(`fixture sample ${id}: ${test}`);
  return test.vars;
}
