/**
 * Longest common subsequences of token-id sequences, as rouge-score 0.1.2 computes them for ROUGE-L
 * (`_lcs_table`) and ROUGE-Lsum (`lcs_ind` = the table, then `_backtrack_norec`).
 *
 * The buffers only grow and are reused by later calls on the same instance; every element a call
 * reads is written earlier in that same call, so a result depends on the arguments only.
 */
export class LcsWorkspace {
  private table: Int32Array = new Int32Array(0);
  private slot: Int32Array = new Int32Array(0);
  private masks: Int32Array = new Int32Array(0);
  private bits: Int32Array = new Int32Array(0);

  /**
   * LCS length of `a[0, n)` and `b[0, m)` (ids in [0, distinct)), bit-parallel over the shorter one
   * (Hyyrö 2004): with M[x] the positions of x in b as bits, V ← (V + (V & M[x])) | (V & ~M[x]) for each x
   * of a, from all ones; the LCS length is the number of zero bits, the last cell of `_lcs_table`.
   */
  length(a: Int32Array, n: number, b: Int32Array, m: number, distinct: number): number {
    if (m > n) return this.length(b, m, a, n, distinct);
    if (m === 0) return 0;
    const words = (m + 31) >>> 5;
    if (this.slot.length < distinct) this.slot = new Int32Array(Math.max(distinct, 2 * this.slot.length));
    const slot = this.slot;
    slot.fill(-1, 0, distinct);
    let slots = 0;
    for (let j = 0; j < m; j++) if (slot[b[j]!] === -1) slot[b[j]!] = slots++;
    if (this.masks.length < slots * words) this.masks = new Int32Array(Math.max(slots * words, 2 * this.masks.length));
    if (this.bits.length < words) this.bits = new Int32Array(Math.max(words, 2 * this.bits.length));
    const masks = this.masks;
    const v = this.bits;
    masks.fill(0, 0, slots * words);
    for (let j = 0; j < m; j++) masks[slot[b[j]!]! * words + (j >>> 5)]! |= 1 << (j & 31);
    v.fill(-1, 0, words);
    for (let i = 0; i < n; i++) {
      const s = slot[a[i]!]!;
      if (s < 0) continue; // no position of b matches: V is unchanged
      const base = s * words;
      let carry = 0;
      for (let k = 0; k < words; k++) {
        const x = v[k]! >>> 0;
        const mk = masks[base + k]!;
        const sum = x + ((x & mk) >>> 0) + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        v[k] = (sum >>> 0) | (x & ~mk);
      }
    }
    let ones = 0;
    for (let k = 0; k < words; k++) {
      let x = v[k]!;
      const used = k === words - 1 ? m - 32 * k : 32;
      if (used < 32) x &= (1 << used) - 1;
      x -= (x >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      ones += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    return m - ones;
  }

  /**
   * rouge-score `lcs_ind(ref[rs, re), can[cs, ce))`: the full LCS table, then `_backtrack_norec`;
   * sets `chosen[i - rs] = 1` for each reference position i it picks. The backtrack's tie-breaking
   * decides which positions are chosen (and so ROUGE-Lsum's union), so it is reproduced exactly.
   */
  markLcs(ref: Int32Array, rs: number, re: number, can: Int32Array, cs: number, ce: number, chosen: Uint8Array): void {
    const rows = re - rs;
    const cols = ce - cs;
    const w = cols + 1;
    const size = (rows + 1) * w;
    if (this.table.length < size) this.table = new Int32Array(Math.max(size, 2 * this.table.length));
    const t = this.table;
    t.fill(0, 0, w);
    for (let i = 1; i <= rows; i++) {
      const ri = ref[rs + i - 1];
      const base = i * w;
      const prev = base - w;
      t[base] = 0;
      for (let j = 1; j <= cols; j++) {
        if (ri === can[cs + j - 1]) t[base + j] = t[prev + j - 1]! + 1;
        else t[base + j] = Math.max(t[prev + j]!, t[base + j - 1]!);
      }
    }
    let i = rows;
    let j = cols;
    while (i > 0 && j > 0) {
      if (ref[rs + i - 1] === can[cs + j - 1]) {
        chosen[i - 1] = 1;
        i--;
        j--;
      } else if (t[i * w + j - 1]! > t[(i - 1) * w + j]!) j--;
      else i--;
    }
  }
}
