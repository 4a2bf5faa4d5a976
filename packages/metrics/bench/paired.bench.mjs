// Paired bootstrap and approximate randomization over 2,000 samples, 10,000 iterations, for a
// corpus-type metric (sacrebleu corpus BLEU from summed per-sample stats) and micro NER F1.
// Usage: node packages/metrics/bench/paired.bench.mjs   (after `pnpm --filter @mmre/metrics... build`)
import { createRng } from '@mmre/core';
import {
  corpusBleuAdditive,
  microF1Additive,
  microNer,
  nerStats,
  pairedBootstrap,
  pairedRandomization,
  sacreBleuFromStats,
  sacreBleuStats,
} from '@mmre/metrics';

const N = 2000;
const ITER = 10_000;
const rng = createRng(42);
const vocab = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
const sentence = (len) => Array.from({ length: len }, () => vocab[rng.int(vocab.length)]).join(' ');
const perturb = (s, rate) =>
  s
    .split(' ')
    .map((w) => (rng.next() < rate ? vocab[rng.int(vocab.length)] : w))
    .join(' ');

const refs = Array.from({ length: N }, () => sentence(30 + rng.int(40)));
const joint = refs.map((r) => sacreBleuStats(perturb(r, 0.3), r));
const single = refs.map((r) => sacreBleuStats(perturb(r, 0.35), r));

function corpusBleu(rows) {
  let c0 = 0,
    c1 = 0,
    c2 = 0,
    c3 = 0,
    t0 = 0,
    t1 = 0,
    t2 = 0,
    t3 = 0,
    sys = 0,
    ref = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const c = r.counts;
    const t = r.totals;
    c0 += c[0];
    c1 += c[1];
    c2 += c[2];
    c3 += c[3];
    t0 += t[0];
    t1 += t[1];
    t2 += t[2];
    t3 += t[3];
    sys += r.sysLen;
    ref += r.refLen;
  }
  return sacreBleuFromStats({ counts: [c0, c1, c2, c3], totals: [t0, t1, t2, t3], sysLen: sys, refLen: ref }).score;
}

const ent = (k) => ({ label: 'person', text: `E${k}` });
const nerRows = (miss) =>
  Array.from({ length: N }, () => {
    const gold = Array.from({ length: 1 + rng.int(5) }, () => ent(rng.int(50)));
    const pred = gold.filter(() => rng.next() > miss);
    if (rng.next() < 0.3) pred.push(ent(rng.int(50)));
    return nerStats(gold, pred);
  });
const nerA = nerRows(0.2);
const nerB = nerRows(0.3);
const microF1 = (rows) => microNer(rows).f1;

function time(label, fn) {
  const t0 = performance.now();
  const r = fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${JSON.stringify(r)}  (${s.toFixed(3)} s)`);
  return s;
}

console.log(`${N} samples, ${ITER} iterations, one thread`);
console.log('-- function statistics (rows → value)');
const fb = time('bootstrap corpus BLEU (function)', () =>
  pairedBootstrap(joint, single, corpusBleu, { iterations: ITER }),
);
const fn = time('bootstrap micro F1 (function)', () => pairedBootstrap(nerA, nerB, microF1, { iterations: ITER }));
console.log('-- additive statistics (corpusBleuAdditive, microF1Additive): same results from summed vectors');
const tb = time('bootstrap corpus BLEU', () =>
  pairedBootstrap(joint, single, corpusBleuAdditive, { iterations: ITER }),
);
const tn = time('bootstrap micro F1', () => pairedBootstrap(nerA, nerB, microF1Additive, { iterations: ITER }));
const tr = time('randomization corpus BLEU', () =>
  pairedRandomization(joint, single, corpusBleuAdditive, { iterations: ITER }),
);
const trn = time('randomization micro F1', () =>
  pairedRandomization(nerA, nerB, microF1Additive, { iterations: ITER }),
);

console.log(`paired.bootstrap.bleu.function: ${fb.toFixed(3)} s (target < 2 s)`);
console.log(`paired.bootstrap.micro_f1.function: ${fn.toFixed(3)} s (target < 2 s)`);
console.log(`paired.bootstrap.bleu: ${tb.toFixed(3)} s (target < 2 s)`);
console.log(`paired.bootstrap.micro_f1: ${tn.toFixed(3)} s (target < 2 s)`);
console.log(`paired.randomization.bleu: ${tr.toFixed(3)} s (target < 2 s)`);
console.log(`paired.randomization.micro_f1: ${trn.toFixed(3)} s (target < 2 s)`);
