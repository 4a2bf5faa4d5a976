// ROUGE throughput through the public API (built package): 10,000 deterministic summary-like pairs
// (~50 words each: summaryLikePairs of @mmre/core/testing), rouge1/rouge2/rougeL as in the Python reference
// measurement (rouge-score 0.1.2: ≈1,550 pairs/s without stemmer, ≈820 with), plus all four types.
// Targets: ≥ 20× the Python figures, single-threaded.
import { summaryLikePairs } from '@mmre/core/testing';
import { rougeScores } from '@mmre/metrics';

const N_PAIRS = 10_000;
const RUNS = 5;

const makePairs = () => summaryLikePairs(N_PAIRS);

// One warm-up pass (JIT, stemmer cache), then RUNS timed passes: the median wall-clock rate (the target
// figure) and, for information on a shared machine, the median rate by this process's own CPU time.
function measure(pairs, options) {
  let sink = 0;
  for (const [p, r] of pairs) sink += rougeScores(p, r, options).rouge1.fmeasure;
  const rates = [];
  const cpuRates = [];
  for (let run = 0; run < RUNS; run++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const [p, r] of pairs) sink += rougeScores(p, r, options).rouge1.fmeasure;
    rates.push(pairs.length / (Number(process.hrtime.bigint() - t0) / 1e9));
    const c = process.cpuUsage(c0);
    cpuRates.push(pairs.length / ((c.user + c.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  cpuRates.sort((a, b) => a - b);
  if (!Number.isFinite(sink)) throw new Error('bad scores');
  return { median: rates[Math.floor(RUNS / 2)], best: rates[RUNS - 1], cpu: cpuRates[Math.floor(RUNS / 2)] };
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
  console.log(
    `${name}: median ${Math.round(r.median)} pairs/s, best ${Math.round(r.best)} pairs/s over ${RUNS} runs (by CPU time: ${Math.round(r.cpu)} pairs/s)`,
  );
}
for (const [name, r, target] of results) {
  if (target !== null) console.log(`${name}: ${Math.round(r.median)} pairs/s (target >= ${target})`);
}
