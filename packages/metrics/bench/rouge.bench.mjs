// ROUGE throughput through the public API (built package): 10,000 deterministic summary-like pairs
// (~50 words each: summaryLikePairs of @mmre/core/testing), rouge1/rouge2/rougeL as in the Python reference
// measurement (rouge-score 0.1.2: ≈1,550 pairs/s without stemmer, ≈820 with), plus all four types.
// Targets: ≥ 20× the Python figures, single-threaded.
import { summaryLikePairs } from '@mmre/core/testing';
import { rougeScores } from '@mmre/metrics';

const N_PAIRS = 10_000;
const RUNS = 5;

const makePairs = () => summaryLikePairs(N_PAIRS);

function measure(pairs, options) {
  // One warm-up pass (JIT, stemmer cache), then the median of RUNS timed passes.
  let sink = 0;
  for (const [p, r] of pairs) sink += rougeScores(p, r, options).rouge1.fmeasure;
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = process.hrtime.bigint();
    for (const [p, r] of pairs) sink += rougeScores(p, r, options).rouge1.fmeasure;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(pairs.length / secs);
  }
  rates.sort((a, b) => a - b);
  if (!Number.isFinite(sink)) throw new Error('bad scores');
  return { median: rates[Math.floor(RUNS / 2)], best: rates[RUNS - 1] };
}

const pairs = makePairs();
const tokens = pairs.reduce((s, [p, r]) => s + p.split(' ').length + r.split(' ').length, 0);
console.log(`${pairs.length} pairs, ${(tokens / pairs.length / 2).toFixed(1)} words per text on average`);

const L3 = ['rouge1', 'rouge2', 'rougeL'];
const results = [
  ['rouge.nostem', measure(pairs, { stemmer: false, types: L3 }), 31_000],
  ['rouge.stem', measure(pairs, { stemmer: true, types: L3 }), 16_400],
  ['rouge.all4.nostem', measure(pairs, { stemmer: false }), null],
  ['rouge.all4.stem', measure(pairs, { stemmer: true }), null],
];
for (const [name, r] of results) {
  console.log(`${name}: median ${Math.round(r.median)} pairs/s, best ${Math.round(r.best)} pairs/s over ${RUNS} runs`);
}
for (const [name, r, target] of results) {
  if (target !== null) console.log(`${name}: ${Math.round(r.median)} pairs/s (target >= ${target})`);
}
