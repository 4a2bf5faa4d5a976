/**
 * Tokens as ranges of a text, and their ids within a pair: what the tokenizers produce and the
 * counting code consumes, without creating a string per token.
 */

/**
 * Token hash: FNV-1a over the UTF-16 code units, `hashStep(...hashStep(HASH_SEED, c0)..., cn)`. The
 * tokenizers compute it while scanning; equal tokens have equal hashes.
 */
export const HASH_SEED = 0x811c9dc5 | 0;

export function hashStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/**
 * The tokens of one text: token k is `text.slice(start[k], end[k])`, on "\n"-line `line[k]` (kept by
 * the ROUGE tokenizer only), for k < `count`. `reset` starts a new list; entries at or past `count`
 * are never read, so a list reused for another text holds nothing of the previous one.
 */
export class TokenRanges {
  text = '';
  count = 0;
  start: Int32Array = new Int32Array(64);
  end: Int32Array = new Int32Array(64);
  hash: Int32Array = new Int32Array(64);
  line: Int32Array = new Int32Array(64);

  /** Starts an empty list over `text`, with room for its tokens (at most one per character). */
  reset(text: string): this {
    this.text = text;
    this.count = 0;
    if (this.start.length < text.length) {
      const size = Math.max(text.length, 2 * this.start.length);
      this.start = new Int32Array(size);
      this.end = new Int32Array(size);
      this.hash = new Int32Array(size);
      this.line = new Int32Array(size);
    }
    return this;
  }

  /** Appends the token `text[s, e)` (non-empty), whose hash is `h`. */
  push(s: number, e: number, h: number): void {
    const k = this.count;
    this.start[k] = s;
    this.end[k] = e;
    this.hash[k] = h;
    this.count = k + 1;
  }

  /** `push` with the token's line. */
  pushOnLine(s: number, e: number, h: number, line: number): void {
    this.line[this.count] = line;
    this.push(s, e, h);
  }

  token(k: number): string {
    return this.text.slice(this.start[k]!, this.end[k]!);
  }

  tokens(): string[] {
    const out = new Array<string>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.token(k);
    return out;
  }
}

function sameToken(a: TokenRanges, i: number, b: TokenRanges, j: number): boolean {
  const as = a.start[i]!;
  const bs = b.start[j]!;
  const len = a.end[i]! - as;
  if (b.end[j]! - bs !== len) return false;
  const at = a.text;
  const bt = b.text;
  for (let k = 0; k < len; k++) if (at.charCodeAt(as + k) !== bt.charCodeAt(bs + k)) return false;
  return true;
}

/**
 * Token ids of a pair: after `intern(ref, hyp)`, `ref[k]` / `hyp[k]` (k < the lists' counts) are ids
 * in [0, distinct), equal exactly for equal tokens, numbered by first occurrence in the reference,
 * then in the hypothesis.
 *
 * An open-addressing table over the token hashes, cleared at the start of every call (and the id
 * arrays written before they are read), so the ids depend on that pair only.
 */
export class TokenInterner {
  ref: Int32Array = new Int32Array(64);
  hyp: Int32Array = new Int32Array(64);
  /** slot → token id (−1: empty) and the hash of that token */
  private slotId: Int32Array = new Int32Array(256);
  private slotHash: Int32Array = new Int32Array(256);
  /** id → its first occurrence: list (0 ref, 1 hyp) and index */
  private firstList: Int32Array = new Int32Array(128);
  private firstIndex: Int32Array = new Int32Array(128);

  /** Returns the number of distinct tokens. */
  intern(ref: TokenRanges, hyp: TokenRanges): number {
    const rl = ref.count;
    const hl = hyp.count;
    const n = rl + hl;
    if (this.ref.length < rl) this.ref = new Int32Array(2 * rl);
    if (this.hyp.length < hl) this.hyp = new Int32Array(2 * hl);
    if (this.firstList.length < n) {
      this.firstList = new Int32Array(2 * n);
      this.firstIndex = new Int32Array(2 * n);
    }
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (this.slotId.length < cap) {
      this.slotId = new Int32Array(cap);
      this.slotHash = new Int32Array(cap);
    }
    const slotId = this.slotId;
    const slotHash = this.slotHash;
    const firstList = this.firstList;
    const firstIndex = this.firstIndex;
    const mask = cap - 1;
    slotId.fill(-1, 0, cap);
    let distinct = 0;
    for (let list = 0; list < 2; list++) {
      const src = list === 0 ? ref : hyp;
      const out = list === 0 ? this.ref : this.hyp;
      const hashes = src.hash;
      for (let k = 0; k < src.count; k++) {
        const h = hashes[k]!;
        let s = (h ^ (h >>> 16)) & mask;
        let id = slotId[s]!;
        while (id >= 0) {
          if (slotHash[s] === h && sameToken(firstList[id] === 0 ? ref : hyp, firstIndex[id]!, src, k)) break;
          s = (s + 1) & mask;
          id = slotId[s]!;
        }
        if (id < 0) {
          id = distinct++;
          slotId[s] = id;
          slotHash[s] = h;
          firstList[id] = list;
          firstIndex[id] = k;
        }
        out[k] = id;
      }
    }
    return distinct;
  }
}
