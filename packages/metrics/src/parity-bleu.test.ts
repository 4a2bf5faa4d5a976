// Parity with sacrebleu 2.6.0 and NLTK 3.8 BLEU on the public vectors (src/__fixtures__/parity, a copy of
// ../shared/parity: values computed by the Python libraries, see the README there).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  NLTK_SMOOTHINGS,
  nltkBleuFromStats,
  nltkBleuStats,
  nltkCorpusBleu,
  nltkSentenceBleu,
  sumNltkBleuStats,
} from './bleu-nltk.js';
import { sacreBleuFromStats, sacreBleuStats, sacreCorpusBleu, sacreSentenceBleu, sumBleuStats } from './bleu-sacre.js';

const pairsFile = fileURLToPath(new URL('./__fixtures__/parity/metrics-public.jsonl', import.meta.url));
const corpusFile = fileURLToPath(new URL('./__fixtures__/parity/metrics-public-corpus.json', import.meta.url));

const SACRE_FIELDS = ['score', 'counts', 'totals', 'precisions', 'bp', 'sys_len', 'ref_len'] as const;
const SACRE_EXTRA = { score_floor: 'floor', score_add_k: 'add-k', score_none: 'none' } as const;

interface Pair {
  id: string;
  category: string;
  prediction: string;
  reference: string;
  sacrebleu: Record<string, unknown>;
  nltk: Record<string, unknown>;
}

function loadPairs(file: string): Pair[] {
  const out: Pair[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, k) => {
      if (line.trim() === '') return;
      const rec = JSON.parse(line) as Record<string, unknown>;
      for (const f of ['id', 'prediction', 'reference'] as const) {
        if (typeof rec[f] !== 'string') throw new Error(`${file}:${k + 1}: field ${f} must be a string`);
      }
      for (const f of ['sacrebleu', 'nltk'] as const) {
        if (typeof rec[f] !== 'object' || rec[f] === null) throw new Error(`${file}:${k + 1}: field ${f} missing`);
      }
      out.push(rec as unknown as Pair);
    });
  return out;
}

/** Integer-valued fields (compared exactly); every other number is a float. */
const INTEGER_FIELDS = new Set(['counts', 'totals', 'sys_len', 'ref_len']);

/**
 * Compares `got` with `want`: floats within 1e-12 relative (V8's exp/log may differ from glibc's in the
 * last bits) and zero exactly when `want` is zero
 * (the tiny NLTK values must stay tiny and non-zero); integer fields exactly; arrays element-wise.
 * Mismatches are collected in `failures` (one expect per test keeps 250 × 20 comparisons fast).
 */
function check(failures: string[], got: unknown, want: unknown, where: string, exact = false): void {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      failures.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      return;
    }
    want.forEach((w, i) => {
      check(failures, got[i], w, `${where}[${i}]`, exact);
    });
    return;
  }
  if (typeof got !== 'number' || typeof want !== 'number') {
    failures.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)} (both must be numbers)`);
    return;
  }
  const ok = exact ? got === want : Math.abs(got - want) <= 1e-12 * Math.abs(want) && (got === 0) === (want === 0);
  if (!ok) failures.push(`${where}: got ${got}, want ${want}`);
}

describe('sacrebleu 2.6.0 parity, per pair (metrics-public.jsonl)', () => {
  const pairs = loadPairs(pairsFile);

  it('has the vectors', () => {
    expect(pairs.length).toBe(250);
  });

  it('sentence_bleu (exp, effective order): score, counts, totals, precisions, bp, sys_len, ref_len', () => {
    const failures: string[] = [];
    for (const p of pairs) {
      const got = sacreSentenceBleu(p.prediction, p.reference) as unknown as Record<string, unknown>;
      for (const f of SACRE_FIELDS) {
        check(failures, got[f], p.sacrebleu[f], `${p.id} (${p.category}) sacrebleu.${f}`, INTEGER_FIELDS.has(f));
      }
    }
    expect(failures).toEqual([]);
  });

  it('sentence_bleu with floor, add-k and none, also when derived from shared statistics', () => {
    const failures: string[] = [];
    for (const p of pairs) {
      const stats = sacreBleuStats(p.prediction, p.reference);
      for (const [field, method] of Object.entries(SACRE_EXTRA)) {
        const where = `${p.id} (${p.category}) sacrebleu.${field}`;
        check(
          failures,
          sacreSentenceBleu(p.prediction, p.reference, { smoothMethod: method }).score,
          p.sacrebleu[field],
          where,
        );
        const viaStats = sacreBleuFromStats(stats, { smoothMethod: method, effectiveOrder: true });
        check(failures, viaStats.score, p.sacrebleu[field], `${where} (from stats)`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('NLTK 3.8 parity, per pair (metrics-public.jsonl)', () => {
  const pairs = loadPairs(pairsFile);

  it('sentence_bleu none, method1, method4, method7 and their warning counts', () => {
    const failures: string[] = [];
    let warned = 0;
    for (const p of pairs) {
      for (const s of NLTK_SMOOTHINGS) {
        const got = nltkSentenceBleu(p.prediction, p.reference, { smoothing: s });
        check(failures, got.score, p.nltk[s], `${p.id} (${p.category}) nltk.${s}`);
        const want = (p.nltk[`${s}_warnings`] as number | undefined) ?? 0;
        check(failures, got.warnings, want, `${p.id} (${p.category}) nltk.${s}_warnings`, true);
        if (want > 0) warned++;
      }
    }
    expect(failures).toEqual([]);
    expect(warned, 'the vectors exercise the warning counts').toBeGreaterThan(0);
  });
});

describe('corpus parity (metrics-public-corpus.json)', () => {
  const pairs = loadPairs(pairsFile);
  const corpus = JSON.parse(readFileSync(corpusFile, 'utf8')) as {
    n_pairs: number;
    sacrebleu: Record<string, unknown>;
    nltk: Record<string, number>;
  };
  const preds = pairs.map((p) => p.prediction);
  const refs = pairs.map((p) => p.reference);

  it('sacrebleu corpus_bleu, directly and from summed per-pair statistics', () => {
    expect(pairs.length).toBe(corpus.n_pairs);
    const failures: string[] = [];
    const got = sacreCorpusBleu(preds, refs) as unknown as Record<string, unknown>;
    const summed = sacreBleuFromStats(sumBleuStats(pairs.map((p) => sacreBleuStats(p.prediction, p.reference))));
    for (const f of SACRE_FIELDS) {
      check(failures, got[f], corpus.sacrebleu[f], `corpus sacrebleu.${f}`, INTEGER_FIELDS.has(f));
      check(
        failures,
        (summed as unknown as Record<string, unknown>)[f],
        corpus.sacrebleu[f],
        `summed sacrebleu.${f}`,
        INTEGER_FIELDS.has(f),
      );
    }
    expect(failures).toEqual([]);
  });

  it('nltk corpus_bleu none and method1, directly and from summed per-pair statistics', () => {
    const failures: string[] = [];
    const summed = sumNltkBleuStats(pairs.map((p) => nltkBleuStats(p.prediction, p.reference)));
    for (const s of ['none', 'method1'] as const) {
      check(failures, nltkCorpusBleu(preds, refs, { smoothing: s }).score, corpus.nltk[s], `corpus nltk.${s}`);
      check(failures, nltkBleuFromStats(summed, { smoothing: s }).score, corpus.nltk[s], `summed nltk.${s}`);
    }
    expect(failures).toEqual([]);
  });
});
