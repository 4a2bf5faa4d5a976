// Test generator: 5,533 samples (the paper's size) whose image files do not exist.
// Target: well under a second per load, no image bytes read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticSample } from '@mmre/core/testing';
import { buildTests, loadDataset, writeDataset } from '@mmre/dataset';

const N = 5533;
const dir = await mkdtemp(join(tmpdir(), 'mmre-bench-gen-'));
const SUMMARY =
  'A basketball game in a packed arena. A player in a white jersey drives to the basket while a defender in blue tries to block him; fans watch from the stands.';
const samples = Array.from({ length: N }, (_, i) =>
  syntheticSample(String(100000 + i), i % 10 < 7 ? 'train' : 'test', 1 + (i % 5), SUMMARY),
);
await writeDataset(dir, { name: 'bench', version: '1', license: 'MIT' }, samples);

const time = async (fn, runs = 5) => {
  await fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
};
const load = await time(() => loadDataset(dir));
let count = 0;
const gen = await time(async () => {
  count = (await buildTests({ dataset: dir }, {}, [])).tests.length;
});
console.log(`loadDataset ${N} samples: ${load.toFixed(1)} ms (median of 5)`);
console.log(`generateTests ${count} tests: ${gen.toFixed(1)} ms (median of 5)`);
await rm(dir, { recursive: true, force: true });
console.log(`generator_5533_samples: ${gen.toFixed(1)} ms (target < 1000 ms, no image bytes read)`);
