/**
 * Clipped n-gram matches of two token-id sequences: BLEU's modified-precision numerators (sacreBLEU
 * and NLTK) and ROUGE-N's overlaps.
 */

function grow(a: Int32Array, need: number): Int32Array {
  return a.length >= need ? a : new Int32Array(Math.max(need, 2 * a.length));
}

/** `single[id]` of an id absent from the reference / repeated there (else its one position). */
const ABSENT = -2;
const REPEATED = -1;

function slotOf(a: number, b: number, mask: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
  return (h ^ (h >>> 15)) & mask;
}

/**
 * Counts the matches of orders from..maxN of hypothesis position i with the n-grams at reference
 * position p (each at most once: `used[(m − 2) · rl + p]`), up to the first order that does not match.
 */
function countFrom(
  ref: Int32Array,
  rl: number,
  hyp: Int32Array,
  hl: number,
  used: Int32Array,
  maxN: number,
  correct: number[],
  i: number,
  p: number,
  from: number,
): void {
  for (let m = from; m <= maxN; m++) {
    if (i + m > hl || p + m > rl || hyp[i + m - 1] !== ref[p + m - 1]) return;
    const u = (m - 2) * rl + p;
    if (used[u] === 0) {
      used[u] = 1;
      correct[m - 1]!++;
    }
  }
}

/**
 * For n = 1..maxN: `correct[n-1]` = Σ over distinct n-grams g of min(#g in hyp, #g in ref) and
 * `total[n-1]` = number of hypothesis n-grams, max(0, |hyp| − n + 1).
 *
 * With n-grams known by what the reference says about them:
 * - an n-gram at a single reference position p is "at p": a hypothesis n-gram equal to it extends to
 *   the (n+1)-gram at p exactly when its next token is the one after p, and that (n+1)-gram is at p
 *   too (its prefix is). So once a hypothesis position meets an n-gram at p, its matches of every
 *   longer order are counted at once by comparing tokens, each reference n-gram at p at most once
 *   (`used`), and the position is done;
 * - an n-gram repeated in the reference has an id (0..k−1 for that order): order n + 1 interns
 *   (id, next token) of the reference positions that have one in a hash table, looks the remaining
 *   hypothesis positions up in it and clips by count.
 * The two kinds never meet: an n-gram whose (n−1)-gram prefix is at p is at p, and one with a repeated
 * prefix is only reached through the table. A hypothesis position drops out once its n-gram is not in
 * the reference (no longer n-gram there is either).
 *
 * The buffers only grow and are reused by later calls on the same instance; every element a call
 * reads is written earlier in that same call (`used` cleared per call, counts and `single` as ids are
 * created, the table per order), so a result depends on the arguments only.
 */
export class NgramMatcher {
  /** per id: reference count (what is left of it while matching), and its position when single */
  private counts: Int32Array = new Int32Array(0);
  private single: Int32Array = new Int32Array(0);
  /** reference positions whose n-gram is repeated there (in no particular order), and that n-gram's id */
  private refAlive: Int32Array = new Int32Array(0);
  private refGram: Int32Array = new Int32Array(0);
  /** hypothesis positions whose n-gram is repeated in the reference, and its id */
  private hypAlive: Int32Array = new Int32Array(0);
  private hypKey: Int32Array = new Int32Array(0);
  /** `used[(m − 2) · rl + p]` = 1 when the m-gram at p (single there) was matched, for m ≥ 2 */
  private used: Int32Array = new Int32Array(0);
  /** open-addressing table: slot → (id of the (n−1)-gram, token id) and n-gram id (−1: empty) */
  private keyA: Int32Array = new Int32Array(0);
  private keyB: Int32Array = new Int32Array(0);
  private slotId: Int32Array = new Int32Array(0);

  /** `ref[0, rl)` / `hyp[0, hl)`: token ids in [0, distinct), equal ids for equal tokens. */
  match(
    ref: Int32Array,
    rl: number,
    hyp: Int32Array,
    hl: number,
    distinct: number,
    maxN: number,
    correct: number[],
    total: number[],
  ): void {
    for (let n = 1; n <= maxN; n++) {
      correct[n - 1] = 0;
      total[n - 1] = hl >= n ? hl - n + 1 : 0;
    }
    if (rl === 0 || hl === 0 || maxN < 1) return;
    this.reserve(rl, hl, distinct, maxN);
    const { counts, single, refAlive, refGram, hypAlive, hypKey, used } = this;
    used.fill(0, 0, (maxN - 1) * rl);

    // n = 1: the ids are the token ids
    counts.fill(0, 0, distinct);
    single.fill(ABSENT, 0, distinct);
    // the positions of repeated tokens, in any order: a token's first position joins at its second
    let refN = 0;
    for (let i = 0; i < rl; i++) {
      const t = ref[i]!;
      const seen = counts[t]!++;
      if (seen === 0) {
        single[t] = i;
        continue;
      }
      if (seen === 1) {
        const first = single[t]!;
        refGram[first] = t;
        refAlive[refN++] = first;
        single[t] = REPEATED;
      }
      refGram[i] = t;
      refAlive[refN++] = i;
    }
    let hypN = 0;
    for (let i = 0; i < hl; i++) {
      const t = hyp[i]!;
      const p = single[t]!;
      if (p === ABSENT) continue;
      if (counts[t]! > 0) {
        counts[t]!--;
        correct[0]!++;
      }
      if (p >= 0) {
        countFrom(ref, rl, hyp, hl, used, maxN, correct, i, p, 2);
      } else {
        hypKey[i] = t;
        hypAlive[hypN++] = i;
      }
    }

    for (let n = 2; n <= maxN && hypN > 0; n++) {
      const rLast = rl - n; // last start of a reference n-gram
      const hLast = hl - n;
      // reference: ids for the extensions of repeated (n−1)-grams
      let cap = 16;
      while (cap < 2 * refN) cap *= 2;
      this.reserveTable(cap);
      const { keyA, keyB, slotId } = this;
      const mask = cap - 1;
      slotId.fill(-1, 0, cap);
      let k = 0;
      let refK = 0;
      for (let j = 0; j < refN; j++) {
        const i = refAlive[j]!;
        if (i > rLast) continue;
        const a = refGram[i]!;
        const b = ref[i + n - 1]!;
        let s = slotOf(a, b, mask);
        while (slotId[s]! >= 0 && (keyA[s] !== a || keyB[s] !== b)) s = (s + 1) & mask;
        let g = slotId[s]!;
        if (g < 0) {
          g = k++;
          slotId[s] = g;
          keyA[s] = a;
          keyB[s] = b;
          counts[g] = 0;
        }
        single[g] = counts[g]!++ === 0 ? i : REPEATED;
        refGram[i] = g;
        refAlive[refK++] = i;
      }
      // hypothesis: extend the positions whose (n−1)-gram is repeated in the reference
      let hypK = 0;
      for (let j = 0; j < hypN; j++) {
        const i = hypAlive[j]!;
        if (i > hLast) break; // positions are in increasing order
        const a = hypKey[i]!;
        const b = hyp[i + n - 1]!;
        let s = slotOf(a, b, mask);
        while (slotId[s]! >= 0 && (keyA[s] !== a || keyB[s] !== b)) s = (s + 1) & mask;
        const g = slotId[s]!;
        if (g < 0) continue;
        if (counts[g]! > 0) {
          counts[g]!--;
          correct[n - 1]!++;
        }
        const p = single[g]!;
        if (p >= 0) {
          countFrom(ref, rl, hyp, hl, used, maxN, correct, i, p, n + 1);
        } else {
          hypKey[i] = g;
          hypAlive[hypK++] = i;
        }
      }
      hypN = hypK;
      // the next order extends only the n-grams repeated in the reference
      refN = 0;
      for (let j = 0; j < refK; j++) {
        const i = refAlive[j]!;
        if (single[refGram[i]!] === REPEATED) refAlive[refN++] = i;
      }
    }
  }

  private reserve(rl: number, hl: number, distinct: number, maxN: number): void {
    const size = Math.max(distinct, rl);
    this.counts = grow(this.counts, size);
    this.single = grow(this.single, size);
    this.refAlive = grow(this.refAlive, rl);
    this.refGram = grow(this.refGram, rl);
    this.hypAlive = grow(this.hypAlive, hl);
    this.hypKey = grow(this.hypKey, hl);
    this.used = grow(this.used, (maxN - 1) * rl);
  }

  private reserveTable(cap: number): void {
    this.keyA = grow(this.keyA, cap);
    this.keyB = grow(this.keyB, cap);
    this.slotId = grow(this.slotId, cap);
  }
}
