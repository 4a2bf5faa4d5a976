// mmre report at the paper's scale: 1,660 test samples (30 % of 5,533) × 3 modes, 10,000 bootstrap
// resamples and 10,000 randomization relabellings per metric, on the built package.
import { performance } from 'node:perf_hooks';
import { encodeTestVars, formatAnswer } from '@mmre/core';
import { buildReport, parseResultsJson, renderMarkdown } from '@mmre/report';

const N = 1660;
let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
};
const WORDS = 'a player crowd court ball city street banner stage sign red blue team night light left right'.split(' ');
const sentence = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');

const rows = [];
for (let i = 0; i < N; i++) {
  const entities = [
    { label: 'person', text: `Person ${i}` },
    { label: 'organization', text: `Org ${i % 50}` },
    { label: 'location', text: `City ${i % 30}` },
  ];
  const pairs = [
    { segment: 'a', entity: `Person ${i}` },
    { segment: 'b', entity: `Org ${i % 50}` },
  ];
  const gold = { summary: sentence(53), entities, pairs };
  const vars = encodeTestVars({
    id: `s${i}`,
    split: 'test',
    text: `Person ${i} of Org ${i % 50} in City ${i % 30}`,
    image: '/nonexistent.jpg',
    segments: [
      { id: 'a', path: null, box: null },
      { id: 'b', path: null, box: null },
    ],
    gold,
  });
  for (const [mode, skill] of [
    ['summary', 0.5],
    ['mner', 0.5],
    ['joint', 0.6],
  ]) {
    const answer = {
      summary: gold.summary
        .split(' ')
        .map((w) => (rnd() < skill ? w : WORDS[Math.floor(rnd() * WORDS.length)]))
        .join(' '),
      entities: entities.filter(() => rnd() < skill),
      pairs: pairs.filter(() => rnd() < skill),
    };
    const raw =
      mode === 'summary' ? 'Task 1 Answer:' : mode === 'mner' ? 'Task 2 Answer:' : 'Task 1 Answer: Task 2 Answer:';
    rows.push({
      vars,
      prompt: { raw, label: mode },
      provider: { id: 'bench' },
      response: { output: formatAnswer(answer, mode) },
    });
  }
}
const json = JSON.parse(JSON.stringify({ results: { results: rows }, config: { providers: [{ id: 'bench' }] } }));

const t0 = performance.now();
const loaded = parseResultsJson(json, 'bench.json');
const t1 = performance.now();
const cpu0 = process.cpuUsage();
const t2 = performance.now();
const report = buildReport(loaded, { bootstrap: 10_000, seed: 1 });
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);

console.log(renderMarkdown(report).split('### Details')[0]);
console.log(`rows: ${rows.length}, paired samples: ${report.systems[0].pairedSamples}`);
console.log(`read + validate rows: ${(t1 - t0).toFixed(0)} ms`);
console.log(
  `build report (scoring + 6 × (10,000 bootstrap + 10,000 randomization)): ${(t3 - t2).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
);
console.log(`report.load: ${(t1 - t0).toFixed(0)} ms (target < 3000 ms for 4,980 rows)`);
console.log(
  `report.build: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (target < 20000 ms for 1,660 samples × 10,000 resamples)`,
);
