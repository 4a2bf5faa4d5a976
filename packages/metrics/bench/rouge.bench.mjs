// ROUGE throughput through the public API (built package): 10,000 deterministic summary-like pairs
// (~50 words each, seeded PRNG over a word list), rouge1/rouge2/rougeL as in the Python reference
// measurement (rouge-score 0.1.2: ≈1,550 pairs/s without stemmer, ≈820 with), plus all four types.
// Targets: ≥ 20× the Python figures, single-threaded.
import { rougeScores } from '@mmre/metrics';

const N_PAIRS = 10_000;
const RUNS = 5;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a an of in on at to with and by from for is are was were has have shows showing shown picture image ' +
  'photo photograph people person man woman men women children child crowd players player team teams match ' +
  'game games stadium fans fan police officers officer protest protesters street streets city cities building ' +
  'buildings fire fires firefighters smoke flames hillside night day morning evening president minister ' +
  'leaders leader meeting meetings conference press reporters microphone podium speech speaking speaks ' +
  'holding holds held standing stands stood sitting sits walking walks running runs ran celebrating ' +
  'celebrates celebration goal goals scored scoring victory win wins won championship league season ' +
  'flooded flooding floods water rescue rescuers boats boat residents homes houses damaged destroyed ' +
  'storm storms hurricane winds trees fallen roads road traffic cars car vehicles bus trucks accident ' +
  'hospital doctors nurses patients vaccine vaccination campaign health workers election elections votes ' +
  'voting voters ballot polling station queue long lines waiting waited flags flag national anniversary ' +
  'ceremony memorial museum exhibition paintings artist artists concert stage singer singing guitar ' +
  'audience lights colorful bright dark cloudy skies sunny beach ocean waves surfers mountains snow ' +
  'skiing climbers trail hikers forest wildlife animals dog dogs cat horses market vendors selling fruit ' +
  'vegetables food restaurant chefs cooking kitchen students school classroom teacher teaching books ' +
  'library studying studies generously donated volunteers organization organizations community local ' +
  'international government officials announced announcing announcement new policy economic growth ' +
  'company companies workers factory production technology phone phones computer screen online social ' +
  'media users posted posting tweet tweets viral video videos news happily quickly carefully nationally'
).split(' ');

const PUNCT = ['', '', '', '', '', '', ',', '.', '', ''];

function sentence(rand, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    let w = WORDS[Math.floor(rand() * WORDS.length)];
    if (i === 0) w = w[0].toUpperCase() + w.slice(1);
    out.push(w + PUNCT[Math.floor(rand() * PUNCT.length)]);
  }
  return `${out.join(' ')}.`;
}

function makePairs() {
  const rand = mulberry32(20240611);
  const pairs = [];
  for (let k = 0; k < N_PAIRS; k++) {
    const refWords = sentence(rand, 45 + Math.floor(rand() * 11)).split(' ');
    // Prediction: the reference with ~40% of words replaced, a few dropped, some inserted.
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
