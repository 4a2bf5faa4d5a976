// Parity with rouge-score 0.1.2 (and NLTK 3.8's PorterStemmer) on the public vectors (src/__fixtures__/parity,
// a copy of ../shared/parity: values computed by the Python libraries, see the README there).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUGE_TYPES, meanRouge, type PRF, type RougeScores, rougeScores } from './rouge.js';

const pairsFile = fileURLToPath(new URL('./__fixtures__/parity/metrics-public.jsonl', import.meta.url));
const corpusFile = fileURLToPath(new URL('./__fixtures__/parity/metrics-public-corpus.json', import.meta.url));

interface ParityPair {
  id: string;
  category: string;
  prediction: string;
  reference: string;
  rouge: RougeScores;
  rouge_stemmed: RougeScores;
}

const FIELDS = ['precision', 'recall', 'fmeasure'] as const;

function isRougeScores(v: unknown): v is RougeScores {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return DEFAULT_ROUGE_TYPES.every((t) => {
    const s = o[t] as Record<string, unknown> | undefined;
    return typeof s === 'object' && s !== null && FIELDS.every((f) => typeof s[f] === 'number');
  });
}

function loadPairs(file: string): ParityPair[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const pairs: ParityPair[] = [];
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    const where = `${file}:${k + 1}`;
    const rec = JSON.parse(line) as Record<string, unknown>;
    for (const f of ['id', 'category', 'prediction', 'reference'] as const) {
      if (typeof rec[f] !== 'string') throw new Error(`${where}: field ${f} must be a string`);
    }
    for (const f of ['rouge', 'rouge_stemmed'] as const) {
      if (!isRougeScores(rec[f]))
        throw new Error(`${where}: field ${f} must hold ${DEFAULT_ROUGE_TYPES.join('/')} P/R/F`);
    }
    pairs.push(rec as unknown as ParityPair);
  });
  return pairs;
}

/**
 * got === want for every field: ROUGE values are ratios of integer counts and F = 2PR/(P+R), computed in
 * the same order as rouge-score, so they match to the last bit (means too: summed left to right from 0).
 */
function expectExact(got: PRF, want: PRF, where: string): void {
  for (const f of FIELDS) {
    if (got[f] !== want[f]) expect.fail(`${where}.${f}: got ${got[f]}, want ${want[f]}`);
  }
}

describe('rouge parity with rouge-score 0.1.2', () => {
  const pairs = loadPairs(pairsFile);

  it('reads all 250 public pairs', () => {
    expect(pairs.length).toBe(250);
  });

  for (const [field, stemmer] of [
    ['rouge', false],
    ['rouge_stemmed', true],
  ] as const) {
    it(`matches every ${field} value`, () => {
      let checked = 0;
      for (const p of pairs) {
        const got = rougeScores(p.prediction, p.reference, { stemmer });
        for (const t of DEFAULT_ROUGE_TYPES) {
          expectExact(got[t]!, p[field][t]!, `${p.id} (${p.category}) ${field}.${t}`);
          checked++;
        }
      }
      expect(checked).toBe(pairs.length * 4);
    });

    it(`matches ${field}_mean of the corpus file`, () => {
      const corpus = JSON.parse(readFileSync(corpusFile, 'utf8')) as Record<string, unknown>;
      const want = corpus[`${field}_mean`];
      if (!isRougeScores(want)) throw new Error(`${corpusFile}: field ${field}_mean must hold P/R/F per ROUGE type`);
      const got = meanRouge(pairs.map((p) => rougeScores(p.prediction, p.reference, { stemmer })));
      for (const t of DEFAULT_ROUGE_TYPES) expectExact(got[t]!, want[t]!, `${field}_mean.${t}`);
    });
  }

  it('rougeLsum differs from rougeL only for pairs with a line break', () => {
    for (const p of pairs) {
      const differs = FIELDS.some((f) => p.rouge.rougeL[f] !== p.rouge.rougeLsum[f]);
      if (differs) expect(`${p.prediction}${p.reference}`).toContain('\n');
    }
  });
});
