/**
 * Clipped n-gram matches of two token-id sequences: BLEU's modified-precision numerators (sacreBLEU
 * and NLTK) and ROUGE-N's overlaps.
 */

function grow(a: Int32Array, need: number): Int32Array {
  return a.length >= need ? a : new Int32Array(Math.max(need, 2 * a.length));
}

function slotOf(a: number, b: number, mask: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
  return (h ^ (h >>> 15)) & mask;
}

/**
 * For n = 1..maxN: `correct[n-1]` = Σ over distinct n-grams g of min(#g in hyp, #g in ref) and
 * `total[n-1]` = number of hypothesis n-grams, max(0, |hyp| − n + 1).
 *
 * Order by order, with n-grams known by what the reference says about them:
 * - an n-gram at a single reference position p is "at p": a hypothesis n-gram at p extends to the
 *   (n+1)-gram at p exactly when its next token is the one after p, and that (n+1)-gram is at p too
 *   (its prefix is), so nothing is hashed for it, and clipping is "matched once" (`used[p]`);
 * - an n-gram repeated in the reference has an id (0..k−1 for that order): the next order interns
 *   (id, next token) of the reference positions that have one in a hash table, looks the hypothesis's
 *   up in it and clips by count.
 * A hypothesis position drops out once its n-gram is not in the reference (no longer n-gram there is
 * either), and the search stops at the first order without a match.
 *
 * The buffers only grow and are reused by later calls on the same instance; every element a call
 * reads is written earlier in that same call (counts as ids are created, `used` and the table cleared
 * per order), so a result depends on the arguments only.
 */
export class NgramMatcher {
  /** per id: reference count, what is left of it while matching, and a reference position */
  private counts: Int32Array = new Int32Array(0);
  private left: Int32Array = new Int32Array(0);
  private refPos: Int32Array = new Int32Array(0);
  /** reference positions whose n-gram is repeated there, and that n-gram's id */
  private refAlive: Int32Array = new Int32Array(0);
  private refGram: Int32Array = new Int32Array(0);
  /** hypothesis positions whose n-gram is in the reference, and its key: id, or −(p + 1) when at p */
  private hypAlive: Int32Array = new Int32Array(0);
  private hypKey: Int32Array = new Int32Array(0);
  /** reference positions p whose n-gram (at p) was matched at this order */
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
    this.reserve(rl, hl, distinct);
    const { counts, left, refPos, refAlive, refGram, hypAlive, hypKey, used } = this;

    // n = 1: the ids are the token ids
    counts.fill(0, 0, distinct);
    for (let i = 0; i < rl; i++) {
      const t = ref[i]!;
      counts[t]!++;
      refPos[t] = i;
    }
    let refN = 0;
    for (let i = 0; i < rl; i++) {
      const t = ref[i]!;
      if (counts[t]! > 1) {
        refGram[i] = t;
        refAlive[refN++] = i;
      }
    }
    for (let t = 0; t < distinct; t++) left[t] = counts[t]!;
    let hypN = 0;
    let c = 0;
    for (let i = 0; i < hl; i++) {
      const t = hyp[i]!;
      if (counts[t] === 0) continue;
      if (left[t]! > 0) {
        left[t]!--;
        c++;
      }
      hypKey[i] = counts[t] === 1 ? -refPos[t]! - 1 : t;
      hypAlive[hypN++] = i;
    }
    correct[0] = c;

    for (let n = 2; n <= maxN && c > 0; n++) {
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
        counts[g]!++;
        refPos[g] = i;
        refGram[i] = g;
        refAlive[refK++] = i;
      }
      for (let g = 0; g < k; g++) left[g] = counts[g]!;
      // hypothesis: extend each position whose (n−1)-gram is in the reference
      used.fill(0, 0, rl);
      c = 0;
      let hypK = 0;
      for (let j = 0; j < hypN; j++) {
        const i = hypAlive[j]!;
        if (i > hLast) break; // positions are in increasing order
        const b = hyp[i + n - 1]!;
        const key = hypKey[i]!;
        if (key < 0) {
          // the (n−1)-gram is at p: so is the n-gram, if the next tokens agree
          const p = -key - 1;
          if (p > rLast || ref[p + n - 1] !== b) continue;
          if (used[p] === 0) {
            used[p] = 1;
            c++;
          }
          hypAlive[hypK++] = i;
          continue;
        }
        let s = slotOf(key, b, mask);
        while (slotId[s]! >= 0 && (keyA[s] !== key || keyB[s] !== b)) s = (s + 1) & mask;
        const g = slotId[s]!;
        if (g < 0) continue;
        if (left[g]! > 0) {
          left[g]!--;
          c++;
        }
        hypKey[i] = counts[g] === 1 ? -refPos[g]! - 1 : g;
        hypAlive[hypK++] = i;
      }
      hypN = hypK;
      correct[n - 1] = c;
      // the next order extends only the n-grams repeated in the reference
      refN = 0;
      for (let j = 0; j < refK; j++) {
        const i = refAlive[j]!;
        if (counts[refGram[i]!]! > 1) refAlive[refN++] = i;
      }
    }
  }

  private reserve(rl: number, hl: number, distinct: number): void {
    const size = Math.max(distinct, rl);
    this.counts = grow(this.counts, size);
    this.left = grow(this.left, size);
    this.refPos = grow(this.refPos, size);
    this.refAlive = grow(this.refAlive, rl);
    this.refGram = grow(this.refGram, rl);
    this.hypAlive = grow(this.hypAlive, hl);
    this.hypKey = grow(this.hypKey, hl);
    this.used = grow(this.used, rl);
  }

  private reserveTable(cap: number): void {
    this.keyA = grow(this.keyA, cap);
    this.keyB = grow(this.keyB, cap);
    this.slotId = grow(this.slotId, cap);
  }
}
