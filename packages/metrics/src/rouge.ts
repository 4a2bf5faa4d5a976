/**
 * ROUGE-N (N = 1..9), ROUGE-L and ROUGE-Lsum with the exact semantics of Google's rouge-score 0.1.2:
 * `RougeScorer(types, use_stemmer).score(target=reference, prediction=prediction)`, from its tokenizer
 * (tokenize-rouge.ts), clipped n-gram overlaps (ngram-matches.ts), LCS (lcs.ts) and scores (rouge-prf.ts).
 */
import { LcsWorkspace } from './lcs.js';
import { NgramMatcher } from './ngram-matches.js';
import { lcsPrf, ngramPrf, type PRF, scorePrf } from './rouge-prf.js';
import { rougeTokenRanges, StemCache, stemmedText } from './tokenize-rouge.js';
import { TokenInterner, TokenRanges } from './tokens.js';

export type { PRF } from './rouge-prf.js';
export { rougeTokenize } from './tokenize-rouge.js';

/** ROUGE-N types: rouge-score accepts `rouge` followed by one digit 1–9. */
export type RougeNType =
  | 'rouge1'
  | 'rouge2'
  | 'rouge3'
  | 'rouge4'
  | 'rouge5'
  | 'rouge6'
  | 'rouge7'
  | 'rouge8'
  | 'rouge9';

export type RougeType = RougeNType | 'rougeL' | 'rougeLsum';

/** Every type `rougeScores` accepts. */
export const ROUGE_TYPES: readonly RougeType[] = Object.freeze([
  'rouge1',
  'rouge2',
  'rouge3',
  'rouge4',
  'rouge5',
  'rouge6',
  'rouge7',
  'rouge8',
  'rouge9',
  'rougeL',
  'rougeLsum',
] as const);

/** The types computed when none are asked for. */
export const DEFAULT_ROUGE_TYPES: readonly RougeType[] = Object.freeze([
  'rouge1',
  'rouge2',
  'rougeL',
  'rougeLsum',
] as const);

/** Scores per type: the default four, plus whichever ROUGE-N types were asked for. */
export type RougeScores = Record<'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum', PRF> & Partial<Record<RougeType, PRF>>;

export interface RougeOptions {
  /** Apply NLTK's Porter stemmer to tokens longer than 3 characters (rouge-score `use_stemmer=True`). */
  stemmer?: boolean;
  /** Which types to compute (default `DEFAULT_ROUGE_TYPES`). The result holds only these keys. */
  types?: readonly RougeType[];
}

/** Both variants of one pair: `plain` (no stemmer) and `stemmed` (Porter stemmer). */
export interface RougeScoresBoth {
  plain: RougeScores;
  stemmed: RougeScores;
}

/** N of a ROUGE-N type, 0 for rougeL / rougeLsum. */
function ngramOrder(type: RougeType): number {
  return type === 'rougeL' || type === 'rougeLsum' ? 0 : type.charCodeAt(5) - 48;
}

function checkTypes(types: readonly RougeType[] | undefined, where: string): readonly RougeType[] {
  if (types === undefined) return DEFAULT_ROUGE_TYPES;
  for (const t of types) {
    if (!ROUGE_TYPES.includes(t)) {
      throw new Error(`${where}: unknown ROUGE type ${JSON.stringify(t)}; use one of ${ROUGE_TYPES.join(', ')}`);
    }
  }
  return types;
}

function checkTexts(prediction: unknown, reference: unknown, where: string): void {
  if (typeof prediction !== 'string' || typeof reference !== 'string') {
    throw new TypeError(
      `${where}: prediction and reference must be strings (got ${typeof prediction} and ${typeof reference})`,
    );
  }
}

/** Whether the tokens span more than one "\n" line. */
function multiline(t: TokenRanges): boolean {
  return t.count > 0 && t.line[t.count - 1] !== t.line[0];
}

/** [start, end) token ranges of the lines that hold at least one token. */
function sentenceRanges(t: TokenRanges): number[] {
  const out: number[] = [];
  const lines = t.line;
  let start = 0;
  for (let k = 1; k <= t.count; k++) {
    if (k === t.count || lines[k] !== lines[start]) {
      out.push(start, k);
      start = k;
    }
  }
  return out;
}

/**
 * ROUGE scorer with its own buffers (n-gram matcher, LCS tables) and stem cache. A result depends on
 * the pair and the options only: the buffers are written before they are read in every call (see
 * `NgramMatcher`, `LcsWorkspace`), and the stem cache holds values of a pure function.
 */
export class RougeScorer {
  private readonly pred = new TokenRanges();
  private readonly ref = new TokenRanges();
  private readonly predStemmed = new TokenRanges();
  private readonly refStemmed = new TokenRanges();
  private readonly ids = new TokenInterner();
  private readonly matcher = new NgramMatcher();
  private readonly lcs = new LcsWorkspace();
  private readonly stems = new StemCache();

  /** `rougeScores` (see there). */
  score(prediction: string, reference: string, options: RougeOptions = {}): RougeScores {
    checkTexts(prediction, reference, 'rougeScores');
    const types = checkTypes(options.types, 'rougeScores');
    const pred = rougeTokenRanges(prediction, this.pred);
    const ref = rougeTokenRanges(reference, this.ref);
    if (options.stemmer === true) return this.scoreTokens(this.stemmed(ref, pred), this.predStemmed, types);
    return this.scoreTokens(ref, pred, types);
  }

  /** `rougeScoresBoth` (see there). */
  scoreBoth(prediction: string, reference: string, options: { types?: readonly RougeType[] } = {}): RougeScoresBoth {
    checkTexts(prediction, reference, 'rougeScoresBoth');
    const types = checkTypes(options.types, 'rougeScoresBoth');
    const pred = rougeTokenRanges(prediction, this.pred);
    const ref = rougeTokenRanges(reference, this.ref);
    return {
      plain: this.scoreTokens(ref, pred, types),
      stemmed: this.scoreTokens(this.stemmed(ref, pred), this.predStemmed, types),
    };
  }

  /** The stemmed tokens of both sides into `refStemmed` / `predStemmed`; returns `refStemmed`. */
  private stemmed(ref: TokenRanges, pred: TokenRanges): TokenRanges {
    rougeTokenRanges(stemmedText(pred, this.stems.stem), this.predStemmed);
    return rougeTokenRanges(stemmedText(ref, this.stems.stem), this.refStemmed);
  }

  private scoreTokens(ref: TokenRanges, pred: TokenRanges, types: readonly RougeType[]): RougeScores {
    const distinct = this.ids.intern(ref, pred);
    const refIds = this.ids.ref;
    const predIds = this.ids.hyp;
    const rl = ref.count;
    const pl = pred.count;
    let maxN = 0;
    for (const t of types) maxN = Math.max(maxN, ngramOrder(t));
    const overlaps: number[] = [];
    const totals: number[] = [];
    if (maxN > 0) this.matcher.match(refIds, rl, predIds, pl, distinct, maxN, overlaps, totals);
    const out = {} as RougeScores;
    let lcs: PRF | undefined;
    for (const type of types) {
      if (type === 'rougeL' || (type === 'rougeLsum' && !multiline(ref) && !multiline(pred))) {
        // With every token of each side on one line there is one sentence per side that has tokens,
        // and the union LCS is the LCS itself: rougeLsum equals rougeL.
        lcs ??= lcsPrf(this.lcs.length(refIds, rl, predIds, pl, distinct), rl, pl);
        out[type] = { ...lcs };
      } else if (type === 'rougeLsum') {
        out.rougeLsum = this.summaryLevelLcs(ref, refIds, pred, predIds, distinct);
      } else {
        const n = ngramOrder(type);
        out[type] = ngramPrf(overlaps[n - 1]!, Math.max(rl - n + 1, 0), Math.max(pl - n + 1, 0));
      }
    }
    return out;
  }

  /**
   * rouge-score `_summary_level_lcs` over the sentences split on "\n": for each reference sentence, the
   * union of its LCS positions with every candidate sentence (`_union_lcs`), counted as hits while the
   * token still has budget in both summaries' token counts. Lines without tokens (blank, whitespace or
   * punctuation only) contribute nothing there, and dropping them here gives the same result.
   */
  private summaryLevelLcs(
    refTokens: TokenRanges,
    ref: Int32Array,
    canTokens: TokenRanges,
    can: Int32Array,
    distinct: number,
  ): PRF {
    const m = refTokens.count;
    const n = canTokens.count;
    if (m === 0 || n === 0) return lcsPrf(0, m, n);
    const cntR = new Int32Array(distinct);
    const cntC = new Int32Array(distinct);
    for (let k = 0; k < m; k++) cntR[ref[k]!]!++;
    for (let k = 0; k < n; k++) cntC[can[k]!]!++;
    const refSents = sentenceRanges(refTokens);
    const canSents = sentenceRanges(canTokens);
    let hits = 0;
    for (let s = 0; s < refSents.length; s += 2) {
      const rStart = refSents[s]!;
      const rEnd = refSents[s + 1]!;
      const chosen = new Uint8Array(rEnd - rStart);
      for (let c = 0; c < canSents.length; c += 2) {
        this.lcs.markLcs(ref, rStart, rEnd, can, canSents[c]!, canSents[c + 1]!, chosen);
      }
      for (let k = 0; k < chosen.length; k++) {
        if (chosen[k] === 0) continue;
        const tok = ref[rStart + k]!;
        if (cntC[tok]! > 0 && cntR[tok]! > 0) {
          hits++;
          cntC[tok]!--;
          cntR[tok]!--;
        }
      }
    }
    return scorePrf(hits / n, hits / m);
  }
}

/**
 * The scorer of `rougeScores` / `rougeScoresBoth`, created on first use. Only its buffers and stem
 * cache carry over from one call to the next, and a scorer's results do not depend on them.
 */
const shared: { scorer?: RougeScorer } = {};

/**
 * Scores `prediction` against `reference` exactly like rouge-score 0.1.2
 * `RougeScorer(types, use_stemmer).score(target=reference, prediction=prediction)`.
 * The result holds the requested types only (`DEFAULT_ROUGE_TYPES` by default).
 */
export function rougeScores(prediction: string, reference: string, options: RougeOptions = {}): RougeScores {
  shared.scorer ??= new RougeScorer();
  return shared.scorer.score(prediction, reference, options);
}

/**
 * `rougeScores` without and with the stemmer from one tokenization of each text: equal to
 * `{ plain: rougeScores(p, r, { types }), stemmed: rougeScores(p, r, { types, stemmer: true }) }`.
 */
export function rougeScoresBoth(
  prediction: string,
  reference: string,
  options: { types?: readonly RougeType[] } = {},
): RougeScoresBoth {
  shared.scorer ??= new RougeScorer();
  return shared.scorer.scoreBoth(prediction, reference, options);
}

/**
 * Mean of each ROUGE type's precision, recall and F over `scores`: summed left to right from 0, then
 * divided by the count (all zeros for the default types when there are no scores). The types are
 * those of the first score; every later score must have them too.
 */
export function meanRouge(scores: Iterable<RougeScores>): RougeScores {
  let types: RougeType[] | undefined;
  const sums = {} as RougeScores;
  let n = 0;
  for (const s of scores) {
    if (types === undefined) {
      types = ROUGE_TYPES.filter((t) => s[t] !== undefined);
      for (const t of types) sums[t] = { precision: 0, recall: 0, fmeasure: 0 };
    }
    for (const t of types) {
      const v = s[t];
      if (v === undefined) {
        throw new Error(
          `meanRouge: score #${n} has no ${t} although the first score has it; score all pairs with the same types`,
        );
      }
      const acc = sums[t]!;
      acc.precision += v.precision;
      acc.recall += v.recall;
      acc.fmeasure += v.fmeasure;
    }
    n++;
  }
  if (types === undefined) {
    for (const t of DEFAULT_ROUGE_TYPES) sums[t] = { precision: 0, recall: 0, fmeasure: 0 };
    return sums;
  }
  for (const t of types) {
    const acc = sums[t]!;
    acc.precision /= n;
    acc.recall /= n;
    acc.fmeasure /= n;
  }
  return sums;
}
