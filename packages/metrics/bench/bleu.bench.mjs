// BLEU throughput through the public API (built package) on 10,000 deterministic, distinct,
// summary-like pairs (~50 words each with punctuation, numbers and quotes, seeded PRNG).
// Targets: ≥ 76,000/s each, single-threaded (20× the ≈ 3,800/s first measured for sacrebleu 2.6.0).
// Python on these pairs, quiet 2-core machine: sentence_bleu() ≈ 2,500 pairs/s, one reused
// BLEU(effective_order=True).sentence_score ≈ 5,900, corpus_bleu ≈ 1,800–2,000 lines/s (README).
// NLTK figures are printed for information (NLTK itself is slower than sacrebleu).
import { mulberry32 } from '@mmre/core';
import {
  nltkBleuFromStats,
  nltkBleuStats,
  nltkCorpusBleu,
  nltkSentenceBleu,
  sacreBleuFromStats,
  sacreBleuStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
} from '@mmre/metrics';

const N_PAIRS = 10_000;
const RUNS = 5;

const WORDS = (
  'the a an of in on at to with and by from for is are was were has have shows showing picture image photo ' +
  'people person man woman children crowd players team match game stadium fans police officers protest ' +
  'protesters street city building fire firefighters smoke flames hillside night morning president minister ' +
  'leaders meeting conference press reporters microphone podium speech holding standing sitting walking ' +
  'running celebrating goal victory championship league season flooded water rescue boats residents homes ' +
  'damaged storm hurricane trees roads traffic cars vehicles bus accident hospital doctors nurses vaccine ' +
  'election votes voters ballot queue flags national ceremony memorial museum exhibition artist concert ' +
  'stage singer guitar audience lights colorful cloudy skies beach ocean mountains snow forest animals dog ' +
  'market vendors fruit food restaurant students school teacher books library volunteers community U.S. ' +
  'government officials announced policy company workers factory technology phone screen online media users ' +
  "tweet viral video news don't it's Mr. Dr. St. e.g. co-op well-known 2024 10,000 $5.00 3-2 7.5% #breaking @user"
).split(' ');

const PUNCT = ['', '', '', '', '', '', ',', '.', '', '', ':', ';', '!', '?', '"', ')'];

function sentence(rand, n, k) {
  const out = [];
  for (let i = 0; i < n; i++) {
    let w = WORDS[Math.floor(rand() * WORDS.length)];
    if (i === 0) w = w[0].toUpperCase() + w.slice(1);
    out.push(w + PUNCT[Math.floor(rand() * PUNCT.length)]);
  }
  out.push(`#${k}`); // makes every text distinct
  return `${out.join(' ')}.`;
}

function makePairs() {
  const rand = mulberry32(20240611);
  const pairs = [];
  for (let k = 0; k < N_PAIRS; k++) {
    const refWords = sentence(rand, 45 + Math.floor(rand() * 11), k).split(' ');
    const pred = [];
    for (const w of refWords) {
      const r = rand();
      if (r < 0.3) pred.push(WORDS[Math.floor(rand() * WORDS.length)]);
      else if (r < 0.37) continue;
      else pred.push(w);
      if (rand() < 0.07) pred.push(WORDS[Math.floor(rand() * WORDS.length)]);
    }
    pairs.push([pred.join(' '), refWords.join(' ')]);
  }
  return pairs;
}

// Wall-clock rate (the target figure) and, for information on a shared machine, the rate by this
// process's own CPU time (user + system), which load from other processes inflates far less.
function rate(n, fn) {
  fn(); // warm-up (JIT)
  const rates = [];
  const cpuRates = [];
  for (let run = 0; run < RUNS; run++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    rates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    const c = process.cpuUsage(c0);
    cpuRates.push(n / ((c.user + c.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  cpuRates.sort((a, b) => a - b);
  return { median: rates[Math.floor(RUNS / 2)], best: rates[RUNS - 1], cpu: cpuRates[Math.floor(RUNS / 2)] };
}

const pairs = makePairs();
const preds = pairs.map(([p]) => p);
const refs = pairs.map(([, r]) => r);
const words = pairs.reduce((s, [p, r]) => s + p.split(' ').length + r.split(' ').length, 0);
console.log(`${pairs.length} distinct pairs, ${(words / pairs.length / 2).toFixed(1)} words per text on average`);

let sink = 0;
// Calibration for a shared machine: a bare charCodeAt loop over the same texts (no BLEU work).
const chars = pairs.reduce((n, [p, r]) => n + p.length + r.length, 0);
const calib = rate(N_PAIRS, () => {
  let acc = 0;
  for (const [p, r] of pairs) {
    for (let i = 0; i < p.length; i++) acc += p.charCodeAt(i);
    for (let i = 0; i < r.length; i++) acc += r.charCodeAt(i);
  }
  sink += acc;
});
console.log(
  `calibration: a bare character loop over both texts: ${Math.round(calib.median)} pairs/s, ` +
    `${((1e9 * N_PAIRS) / chars / calib.median).toFixed(2)} ns per character (higher means a loaded machine)`,
);
const results = [
  [
    'sacrebleu.sentence',
    'pairs/s',
    rate(N_PAIRS, () => {
      for (const [p, r] of pairs) sink += sacreSentenceBleu(p, r).score;
    }),
    76_000,
  ],
  [
    'sacrebleu.corpus',
    'lines/s',
    rate(N_PAIRS, () => {
      sink += sacreCorpusBleu(preds, refs).score;
    }),
    76_000,
  ],
  [
    'sacrebleu.sentence.4variants',
    'pairs/s',
    rate(N_PAIRS, () => {
      for (const [p, r] of pairs) {
        const s = sacreBleuStats(p, r);
        sink += sacreBleuFromStats(s, { effectiveOrder: true }).score;
        sink += sacreBleuFromStats(s, { smoothMethod: 'floor', effectiveOrder: true }).score;
        sink += sacreBleuFromStats(s, { smoothMethod: 'add-k', effectiveOrder: true }).score;
        sink += sacreBleuFromStats(s, { smoothMethod: 'none', effectiveOrder: true }).score;
      }
    }),
    null,
  ],
  [
    'nltk.sentence.method1',
    'pairs/s',
    rate(N_PAIRS, () => {
      for (const [p, r] of pairs) sink += nltkSentenceBleu(p, r, { smoothing: 'method1' }).score;
    }),
    null,
  ],
  [
    'nltk.sentence.4variants',
    'pairs/s',
    rate(N_PAIRS, () => {
      for (const [p, r] of pairs) {
        const s = nltkBleuStats(p, r);
        for (const smoothing of ['none', 'method1', 'method4', 'method7'])
          sink += nltkBleuFromStats(s, { smoothing }).score;
      }
    }),
    null,
  ],
  [
    'nltk.corpus',
    'lines/s',
    rate(N_PAIRS, () => {
      sink += nltkCorpusBleu(preds, refs).score;
    }),
    null,
  ],
];
if (!Number.isFinite(sink)) throw new Error('bad scores');
for (const [name, unit, r] of results) {
  console.log(
    `${name}: median ${Math.round(r.median)} ${unit}, best ${Math.round(r.best)} ${unit} over ${RUNS} runs (by CPU time: ${Math.round(r.cpu)} ${unit})`,
  );
}
for (const [name, unit, r, target] of results) {
  console.log(
    `${name}: ${Math.round(r.median)} ${unit} (target ${target === null ? 'none, for information' : `>= ${target}`})`,
  );
}
