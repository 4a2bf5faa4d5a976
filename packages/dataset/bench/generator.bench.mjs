// Test generator: 5,533 samples (the paper's size) whose image files do not exist.
// Target: well under a second per load, no image bytes read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTests, loadDataset, writeDataset } from '@mmre/dataset';

const N = 5533;
const dir = await mkdtemp(join(tmpdir(), 'mmre-bench-gen-'));
const samples = Array.from({ length: N }, (_, i) => {
  const id = String(100000 + i);
  const letters = 'abcde'.slice(0, 1 + (i % 5)).split('');
  return {
    id,
    split: i % 10 < 7 ? 'train' : 'test',
    text: `RT @user : Kevin Durant and the Thunder beat the Spurs in Oklahoma City #${id}`,
    image: { path: `images/${id}.jpg`, width: 640, height: 480 },
    segments: letters.map((l, k) => ({
      id: l,
      path: `images/segments/${id}_${l}.jpg`,
      box: { xmin: k * 10, ymin: 0, xmax: k * 10 + 50, ymax: 60 },
    })),
    gold: {
      summary:
        'A basketball game in a packed arena. A player in a white jersey drives to the basket while a defender in blue tries to block him; fans watch from the stands.',
      entities: [
        { label: 'person', text: 'Kevin Durant' },
        { label: 'organization', text: 'Thunder' },
        { label: 'organization', text: 'Spurs' },
        { label: 'location', text: 'Oklahoma City' },
      ],
      pairs: letters.map((l) => ({ segment: l, entity: 'Kevin Durant' })),
    },
  };
});
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
