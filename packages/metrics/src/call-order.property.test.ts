// Exact in any order: long random sequences of pairs (0–2,000 tokens, small vocabularies, many repeated
// tokens) scored by sacreBLEU, NLTK BLEU and ROUGE calls interleaved, in several orders (forward,
// reverse, shuffled, by growing length, and interleaved with unrelated long and short pairs, so buffers
// grow and shrink mid-sequence). EVERY result is compared with a brute-force reference written here,
// independent of the implementation: tokenizers as literal regexes, n-grams counted in Maps of joined
// strings, LCS by the O(n·m) table, and compute_bleu / NLTK / rouge-score formulas transcribed directly.
// On top of that, each (pair, call) must give bit-identical results in every order.
import { createRng } from '@mmre/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NLTK_SMOOTHINGS,
  type NltkBleuStats,
  nltkBleuFromStats,
  nltkBleuStats,
  nltkCorpusBleu,
  nltkSentenceBleu,
} from './bleu-nltk.js';
import {
  type SacreBleuResult,
  sacreBleuFromStats,
  sacreBleuStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
} from './bleu-sacre.js';
import { ROUGE_TYPES, type RougeType, rougeScores, rougeScoresBoth } from './rouge.js';

// ---------------------------------------------------------------------------------------------
// Reference tokenizers

const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS}]+`);
const PY_WS_TAIL = new RegExp(`[${PY_WS}]+$`);

/** Python `str.split()`. */
const splitRef = (s: string): string[] => s.split(PY_WS_RUN).filter((t) => t !== '');

/** sacrebleu 2.6.0 `Tokenizer13a` as its regexes (after `BLEU`'s `rstrip()`). */
function tokens13aRef(text: string): string[] {
  let line = text.replace(PY_WS_TAIL, '');
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  line = ` ${line} `;
  line = line.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  line = line.replace(/([^0-9])([.,])/g, '$1 $2 ');
  line = line.replace(/([.,])([^0-9])/g, ' $1 $2');
  line = line.replace(/([0-9])(-)/g, '$1 $2 ');
  return splitRef(line);
}

/** NLTK 3.8 PorterStemmer stems of the words longer than 3 characters that the vocabularies produce. */
const STEMS: Record<string, string> = {
  cats: 'cat',
  hopping: 'hop',
  dying: 'die',
  skies: 'sky',
  news: 'news',
  agreed: 'agre',
  generously: 'gener',
};

/** rouge-score 0.1.2 `tokenize`: lower, `[^a-z0-9]+` → space, split, stems of tokens longer than 3. */
function rougeTokensRef(text: string, stem: boolean): string[] {
  const tokens = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((t) => t !== '');
  if (!stem) return tokens;
  return tokens.map((t) => {
    if (t.length <= 3) return t;
    const s = STEMS[t];
    if (s === undefined) throw new Error(`test vocabulary: no stem listed for ${t}`);
    return s;
  });
}

// ---------------------------------------------------------------------------------------------
// Reference counts and scores

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

/** Σ over hypothesis n-grams of min(count in hyp, count in ref), and the number of hypothesis n-grams. */
function clipped(hyp: readonly string[], ref: readonly string[], n: number): { match: number; total: number } {
  const r = ngramCounts(ref, n);
  let match = 0;
  for (const [g, c] of ngramCounts(hyp, n)) match += Math.min(c, r.get(g) ?? 0);
  return { match, total: Math.max(0, hyp.length - n + 1) };
}

type SacreRef = SacreBleuResult;

/** sacrebleu `BLEU.compute_bleu`, transcribed. */
function computeBleuRef(
  counts: readonly number[],
  totals: readonly number[],
  sysLen: number,
  refLen: number,
  method: 'exp' | 'floor' | 'add-k' | 'none',
  effectiveOrder: boolean,
): SacreRef {
  const correct = [...counts];
  const total = [...totals];
  const smoothValue = method === 'floor' ? 0.1 : method === 'add-k' ? 1 : 0;
  const precisions = [0, 0, 0, 0];
  let smoothMteval = 1;
  let effOrder = 4;
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const result = (score: number): SacreRef => ({
    score,
    counts: correct,
    totals: total,
    precisions,
    bp,
    sys_len: sysLen,
    ref_len: refLen,
  });
  if (correct.every((c) => c === 0)) return result(0);
  for (let n = 1; n <= 4; n++) {
    if (method === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let sum = 0;
  for (const p of precisions.slice(0, effOrder)) sum += p === 0 ? -9999999999 : Math.log(p);
  return result(bp * Math.exp(sum / effOrder));
}

/** NLTK `corpus_bleu` from summed statistics, in floats (NLTK uses Fractions and fsum: within 1e-12). */
function nltkScoreRef(
  s: NltkBleuStats,
  smoothing: (typeof NLTK_SMOOTHINGS)[number],
  weights: readonly number[],
): { score: number; warnings: number } {
  const L = weights.length;
  const bp = s.hypLen > s.refLen ? 1 : s.hypLen === 0 ? 0 : Math.exp(1 - s.refLen / s.hypLen);
  if (s.numerators[0] === 0) return { score: 0, warnings: 0 };
  let p = s.numerators.slice(0, L).map((num, i) => num / s.denominators[i]!);
  let warnings = 0;
  const zero = (i: number) => s.numerators[i] === 0;
  if (smoothing === 'none') {
    p = p.map((v, i) => {
      if (!zero(i)) return v;
      warnings++;
      return 2.2250738585072014e-308;
    });
  } else if (smoothing === 'method1') {
    p = p.map((v, i) => (zero(i) ? 0.1 / s.denominators[i]! : v));
  } else {
    let incvnt = 1;
    p = p.map((v, i) => {
      if (!zero(i) || s.hypLen <= 1) return v;
      const smoothed = 1 / ((2 ** incvnt * 5) / Math.log(s.hypLen)) / s.denominators[i]!;
      incvnt++;
      return smoothed;
    });
    if (smoothing === 'method7') {
      const plus1 = [...p, s.last5.numerator / s.last5.denominator];
      let prev = p[0]! + 1;
      for (let i = 0; i < L; i++) {
        p[i] = (prev + p[i]! + plus1[i + 1]!) / 3;
        prev = p[i]!;
      }
    }
  }
  let sum = 0;
  p.forEach((v, i) => {
    if (v > 0) sum += weights[i]! * Math.log(v);
  });
  return { score: bp * Math.exp(sum), warnings };
}

interface Prf {
  precision: number;
  recall: number;
  fmeasure: number;
}

const fmeasure = (p: number, r: number): number => (p + r > 0 ? (2 * p * r) / (p + r) : 0);
const prfOf = (p: number, r: number): Prf => ({ precision: p, recall: r, fmeasure: fmeasure(p, r) });

function lcsTable(a: readonly string[], b: readonly string[]): number[][] {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
    }
  }
  return t;
}

/** The last cell of `lcsTable`, one row at a time. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = [0];
    for (let j = 1; j <= b.length; j++)
      row.push(a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!));
    prev = row;
  }
  return prev[b.length]!;
}

/** rouge-score `lcs_ind`: the table, then `_backtrack_norec`. */
function lcsInd(ref: readonly string[], can: readonly string[]): number[] {
  const t = lcsTable(ref, can);
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.unshift(i - 1);
      i--;
      j--;
    } else if (t[i]![j - 1]! > t[i - 1]![j]!) j--;
    else i--;
  }
  return out;
}

/** rouge-score `_summary_level_lcs`. */
function summaryLevelLcsRef(refSents: string[][], canSents: string[][]): Prf {
  const zero = { precision: 0, recall: 0, fmeasure: 0 };
  if (refSents.length === 0 || canSents.length === 0) return zero;
  const m = refSents.reduce((s, x) => s + x.length, 0);
  const n = canSents.reduce((s, x) => s + x.length, 0);
  if (n === 0 || m === 0) return zero;
  const cntR = new Map<string, number>();
  const cntC = new Map<string, number>();
  for (const s of refSents) for (const t of s) cntR.set(t, (cntR.get(t) ?? 0) + 1);
  for (const s of canSents) for (const t of s) cntC.set(t, (cntC.get(t) ?? 0) + 1);
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of canSents) for (const i of lcsInd(r, c)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const t = r[i]!;
      if ((cntC.get(t) ?? 0) > 0 && (cntR.get(t) ?? 0) > 0) {
        hits++;
        cntC.set(t, cntC.get(t)! - 1);
        cntR.set(t, cntR.get(t)! - 1);
      }
    }
  }
  return prfOf(hits / n, hits / m);
}

/** rouge-score `RougeScorer(ROUGE_TYPES, use_stemmer).score(target=reference, prediction=prediction)`. */
function rougeRef(prediction: string, reference: string, stem: boolean): Record<RougeType, Prf> {
  const pred = rougeTokensRef(prediction, stem);
  const ref = rougeTokensRef(reference, stem);
  const out = {} as Record<RougeType, Prf>;
  for (const type of ROUGE_TYPES) {
    if (type === 'rougeL') {
      const lcs = lcsLength(ref, pred);
      out.rougeL = ref.length && pred.length ? prfOf(lcs / pred.length, lcs / ref.length) : prfOf(0, 0);
    } else if (type === 'rougeLsum') {
      const sents = (text: string) =>
        text
          .split('\n')
          .filter((x) => x.length > 0)
          .map((x) => rougeTokensRef(x, stem));
      out.rougeLsum = summaryLevelLcsRef(sents(reference), sents(prediction));
    } else {
      const n = Number(type.slice(5));
      const { match } = clipped(pred, ref, n);
      const predCount = Math.max(pred.length - n + 1, 0);
      const refCount = Math.max(ref.length - n + 1, 0);
      out[type] = prfOf(match / Math.max(predCount, 1), match / Math.max(refCount, 1));
    }
  }
  return out;
}

/** Everything expected of one pair. */
interface Expected {
  sacre: { counts: number[]; totals: number[]; sysLen: number; refLen: number };
  nltk: NltkBleuStats;
  nltk6: NltkBleuStats;
  rouge: Record<RougeType, Prf>;
  rougeStemmed: Record<RougeType, Prf>;
}

function nltkStatsRef(hyp: string[], ref: string[], orders: number): NltkBleuStats {
  const numerators: number[] = [];
  const denominators: number[] = [];
  for (let n = 1; n <= orders; n++) {
    const { match, total } = clipped(hyp, ref, n);
    numerators.push(match);
    denominators.push(Math.max(1, total));
  }
  return {
    numerators,
    denominators,
    hypLen: hyp.length,
    refLen: ref.length,
    last5: { numerator: numerators[4]!, denominator: denominators[4]! },
  };
}

function expectedOf(prediction: string, reference: string): Expected {
  const hyp = tokens13aRef(prediction);
  const ref = tokens13aRef(reference);
  const counts: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= 4; n++) {
    const { match, total } = clipped(hyp, ref, n);
    counts.push(match);
    totals.push(total);
  }
  const hypW = splitRef(prediction);
  const refW = splitRef(reference);
  return {
    sacre: { counts, totals, sysLen: hyp.length, refLen: ref.length },
    nltk: nltkStatsRef(hypW, refW, 5),
    nltk6: nltkStatsRef(hypW, refW, 6),
    rouge: rougeRef(prediction, reference, false),
    rougeStemmed: rougeRef(prediction, reference, true),
  };
}

// ---------------------------------------------------------------------------------------------
// Comparisons

/** Scores: within 1e-12 relative, and zero exactly when the reference is zero. */
function close(got: number, want: number): boolean {
  return Math.abs(got - want) <= 1e-12 * Math.abs(want) && (got === 0) === (want === 0);
}

function expectSacre(got: SacreRef, want: SacreRef, where: string): void {
  expect({ c: got.counts, t: got.totals, s: got.sys_len, r: got.ref_len }, where).toEqual({
    c: want.counts,
    t: want.totals,
    s: want.sys_len,
    r: want.ref_len,
  });
  const ok =
    close(got.score, want.score) &&
    close(got.bp, want.bp) &&
    got.precisions.every((p, i) => close(p, want.precisions[i]!));
  if (!ok) expect.fail(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

function expectRouge(
  got: Partial<Record<RougeType, Prf>>,
  want: Record<RougeType, Prf>,
  types: readonly RougeType[],
  where: string,
): void {
  expect(Object.keys(got), where).toEqual([...types]);
  for (const t of types) expect(got[t], `${where} ${t}`).toEqual(want[t]);
}

const WEIGHTS6 = [0.2, 0.2, 0.2, 0.2, 0.1, 0.1];
const DEFAULT4: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

type Pair = [prediction: string, reference: string];

/** The calls made on a pair; each returns a JSON snapshot of its results (for the across-order check). */
const CALLS: readonly ((p: Pair, e: Expected, where: string) => string)[] = [
  ([pred, ref], e, where) => {
    const got = sacreSentenceBleu(pred, ref);
    const s = e.sacre;
    expectSacre(got, computeBleuRef(s.counts, s.totals, s.sysLen, s.refLen, 'exp', true), `${where} sacreSentenceBleu`);
    return JSON.stringify(got);
  },
  ([pred, ref], e, where) => {
    const stats = sacreBleuStats(pred, ref);
    const s = e.sacre;
    expect(stats, `${where} sacreBleuStats`).toEqual(s);
    const out = [JSON.stringify(stats)];
    for (const method of ['floor', 'add-k', 'none'] as const) {
      const got = sacreBleuFromStats(stats, { smoothMethod: method, effectiveOrder: true });
      expectSacre(got, computeBleuRef(s.counts, s.totals, s.sysLen, s.refLen, method, true), `${where} ${method}`);
      out.push(JSON.stringify(got));
    }
    return out.join();
  },
  ([pred, ref], e, where) => {
    const stats = nltkBleuStats(pred, ref);
    expect(stats, `${where} nltkBleuStats`).toEqual(e.nltk);
    const out = [JSON.stringify(stats)];
    for (const smoothing of NLTK_SMOOTHINGS) {
      const got = nltkBleuFromStats(stats, { smoothing });
      const want = nltkScoreRef(e.nltk, smoothing, [0.25, 0.25, 0.25, 0.25]);
      if (!close(got.score, want.score) || got.warnings !== want.warnings) {
        expect.fail(`${where} nltk ${smoothing}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
      out.push(JSON.stringify(got));
    }
    return out.join();
  },
  ([pred, ref], e, where) => {
    const got = nltkSentenceBleu(pred, ref, { smoothing: 'method1', weights: WEIGHTS6 });
    const want = nltkScoreRef(e.nltk6, 'method1', WEIGHTS6);
    if (!close(got.score, want.score)) expect.fail(`${where} nltk 6 orders: got ${got.score}, want ${want.score}`);
    return JSON.stringify(got);
  },
  ([pred, ref], e, where) => {
    const got = rougeScores(pred, ref, { types: ROUGE_TYPES });
    expectRouge(got, e.rouge, ROUGE_TYPES, `${where} rougeScores`);
    return JSON.stringify(got);
  },
  ([pred, ref], e, where) => {
    const got = rougeScores(pred, ref, { types: ROUGE_TYPES, stemmer: true });
    expectRouge(got, e.rougeStemmed, ROUGE_TYPES, `${where} rougeScores stemmer`);
    return JSON.stringify(got);
  },
  ([pred, ref], e, where) => {
    const got = rougeScoresBoth(pred, ref);
    expectRouge(got.plain, e.rouge, DEFAULT4, `${where} rougeScoresBoth plain`);
    expectRouge(got.stemmed, e.rougeStemmed, DEFAULT4, `${where} rougeScoresBoth stemmed`);
    return JSON.stringify(got);
  },
];

// ---------------------------------------------------------------------------------------------
// Random pairs

const POOLS: readonly (readonly string[])[] = [
  ['a'],
  ['a', 'b'],
  ['a', 'b', 'c'],
  ['the', 'cat', 'cats', 'Cats', 'sat', 'a', ',', '.'],
  [
    'The',
    'the',
    'cat',
    'cats',
    'hopping',
    'dying',
    'skies',
    'news',
    'agreed',
    'generously',
    'U.S.',
    '5.00',
    '10,000',
    '3-2',
    "don't",
    'co-op',
    '(a)',
    '$5',
    ',',
    '.',
    '..',
    'é',
    'x1',
    '-',
    '&amp;',
  ],
  // many distinct tokens (up to 3 characters: not stemmed)
  Array.from({ length: 600 }, (_, i) => `k${i.toString(36)}`),
];

interface PairSpec {
  seed: number;
  pool: number;
  length: number;
  mode: 'mutate' | 'random' | 'copy' | 'repeat' | 'emptyPred' | 'emptyRef';
  newlines: boolean;
}

function textOf(words: readonly string[], rng: ReturnType<typeof createRng>, newlines: boolean): string {
  let out = '';
  for (let i = 0; i < words.length; i++) {
    if (i > 0) {
      const r = rng.next();
      out += newlines && r < 0.1 ? '\n' : r < 0.14 ? '\t' : r < 0.16 ? '\u3000 ' : ' ';
    }
    out += words[i];
  }
  return rng.next() < 0.1 ? `${out} \n` : out;
}

function makePair(spec: PairSpec): Pair {
  const rng = createRng(spec.seed);
  const pool = POOLS[spec.pool]!;
  const word = () => pool[rng.int(pool.length)]!;
  const ref = Array.from({ length: spec.length }, word);
  let pred: string[];
  switch (spec.mode) {
    case 'mutate':
      pred = [];
      for (const w of ref) {
        const r = rng.next();
        if (r < 0.2) pred.push(word());
        else if (r >= 0.3) pred.push(w);
        if (rng.next() < 0.1) pred.push(word());
      }
      break;
    case 'random':
      pred = Array.from({ length: rng.int(spec.length + 3) }, word);
      break;
    case 'copy':
      pred = [...ref];
      break;
    case 'repeat': {
      const a = rng.int(ref.length + 1);
      const phrase = ref.slice(a, a + 1 + rng.int(6));
      pred = Array.from({ length: 1 + rng.int(5) }, () => phrase).flat();
      break;
    }
    case 'emptyPred':
      pred = [];
      break;
    case 'emptyRef':
      pred = ref;
      return [textOf(pred, rng, spec.newlines), ''];
  }
  return [textOf(pred, rng, spec.newlines), textOf(ref, rng, spec.newlines)];
}

const lengthArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 6 },
  { arbitrary: fc.integer({ min: 13, max: 120 }), weight: 3 },
  { arbitrary: fc.integer({ min: 121, max: 2000 }), weight: 1 },
);
const specArb: fc.Arbitrary<PairSpec> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  pool: fc.integer({ min: 0, max: POOLS.length - 1 }),
  length: lengthArb,
  mode: fc.constantFrom('mutate', 'mutate', 'random', 'copy', 'repeat', 'emptyPred', 'emptyRef'),
  newlines: fc.boolean(),
});

/** Unrelated pairs put between the others: long ones (many distinct tokens; two tokens) and a tiny one. */
const NOISE: readonly Pair[] = [
  makePair({ seed: 7, pool: 5, length: 2000, mode: 'mutate', newlines: false }),
  ['a', 'a'],
  makePair({ seed: 8, pool: 1, length: 600, mode: 'mutate', newlines: true }),
  ['b a', ''],
];
const NOISE_EXPECTED: ReadonlyMap<Pair, Expected> = new Map(NOISE.map((p) => [p, expectedOf(p[0], p[1])]));

describe('results do not depend on call order (brute-force reference, every result checked)', () => {
  it('sacreBLEU, NLTK BLEU and ROUGE over random sequences in five orders', { timeout: 180_000 }, () => {
    let calls = 0;
    let pairsScored = 0;
    let maxTokens = 0;
    fc.assert(
      fc.property(fc.array(specArb, { minLength: 3, maxLength: 8 }), fc.integer(), (specs, shuffleSeed) => {
        const pairs: Pair[] = specs.map(makePair);
        const expected = new Map<Pair, Expected>(NOISE_EXPECTED);
        const expectedFor = (p: Pair) => {
          let e = expected.get(p);
          if (e === undefined) {
            e = expectedOf(p[0], p[1]);
            expected.set(p, e);
          }
          maxTokens = Math.max(maxTokens, e.sacre.sysLen, e.sacre.refLen);
          return e;
        };
        const rng = createRng(shuffleSeed);
        const shuffled = [...pairs];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const orders: [string, Pair[]][] = [
          ['forward', pairs],
          ['reverse', [...pairs].reverse()],
          ['shuffled', shuffled],
          ['growing', [...pairs].sort((a, b) => a[0].length + a[1].length - b[0].length - b[1].length)],
          ['interleaved', pairs.flatMap((p, i) => [NOISE[i % NOISE.length]!, p])],
        ];
        const seen = new Map<Pair, string[]>();
        orders.forEach(([name, sequence], o) => {
          sequence.forEach((pair, j) => {
            const e = expectedFor(pair);
            const where = `${name} #${j} ${JSON.stringify(pair).slice(0, 80)}`;
            // the kinds of call rotate with position and order, so they interleave differently each time
            const snapshots: string[] = new Array(CALLS.length);
            for (let k = 0; k < CALLS.length; k++) {
              const c = (j + o + k) % CALLS.length;
              snapshots[c] = CALLS[c]!(pair, e, where);
              calls++;
            }
            pairsScored++;
            const before = seen.get(pair);
            if (before === undefined) seen.set(pair, snapshots);
            else expect(snapshots, `${where}: same results as in the first order`).toEqual(before);
          });
          // corpus calls over the same sequence
          const preds = sequence.map((p) => p[0]);
          const refs = sequence.map((p) => p[1]);
          const es = sequence.map(expectedFor);
          const sum = (f: (e: Expected) => number[]) => es.map(f).reduce((a, b) => a.map((x, i) => x + b[i]!));
          const counts = sum((e) => e.sacre.counts);
          const totals = sum((e) => e.sacre.totals);
          const sysLen = es.reduce((s, e) => s + e.sacre.sysLen, 0);
          const refLen = es.reduce((s, e) => s + e.sacre.refLen, 0);
          expectSacre(
            sacreCorpusBleu(preds, refs),
            computeBleuRef(counts, totals, sysLen, refLen, 'exp', false),
            `${name} sacreCorpusBleu`,
          );
          const nltkSum: NltkBleuStats = {
            numerators: sum((e) => e.nltk.numerators),
            denominators: sum((e) => e.nltk.denominators),
            hypLen: es.reduce((s, e) => s + e.nltk.hypLen, 0),
            refLen: es.reduce((s, e) => s + e.nltk.refLen, 0),
            last5: es[es.length - 1]!.nltk.last5,
          };
          for (const smoothing of NLTK_SMOOTHINGS) {
            const got = nltkCorpusBleu(preds, refs, { smoothing });
            const want = nltkScoreRef(nltkSum, smoothing, [0.25, 0.25, 0.25, 0.25]);
            if (!close(got.score, want.score) || got.warnings !== want.warnings) {
              expect.fail(
                `${name} nltkCorpusBleu ${smoothing}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`,
              );
            }
          }
          calls += 1 + NLTK_SMOOTHINGS.length;
        });
      }),
      { numRuns: 30 },
    );
    // the sequences were long and varied enough to mean something
    expect(pairsScored).toBeGreaterThan(500);
    expect(calls).toBeGreaterThan(4000);
    expect(maxTokens).toBeGreaterThanOrEqual(1500);
  });
});
