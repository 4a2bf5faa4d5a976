/**
 * Longest common subsequences of token-id sequences, as rouge-score 0.1.2 computes them for ROUGE-L
 * (`_lcs_table`) and ROUGE-Lsum (`lcs_ind` = the table, then `_backtrack_norec`).
 *
 * The buffers only grow and are reused by later calls on the same instance; every element a call
 * reads is written earlier in that same call, so a result depends on the arguments only.
 */
export class LcsWorkspace {
  private row: Int32Array = new Int32Array(0);
  private table: Int32Array = new Int32Array(0);

  /** LCS length of `a[0, n)` and `b[0, m)`: the last cell of rouge-score's `_lcs_table`, one row at a time. */
  length(a: Int32Array, n: number, b: Int32Array, m: number): number {
    if (n === 0 || m === 0) return 0;
    if (this.row.length < m + 1) this.row = new Int32Array(Math.max(m + 1, 2 * this.row.length));
    const row = this.row;
    row.fill(0, 0, m + 1);
    for (let i = 0; i < n; i++) {
      const ai = a[i];
      let diag = 0; // table[i][j - 1] of the previous row
      for (let j = 1; j <= m; j++) {
        const up = row[j]!;
        if (ai === b[j - 1]) row[j] = diag + 1;
        else if (row[j - 1]! > up) row[j] = row[j - 1]!;
        diag = up;
      }
    }
    return row[m]!;
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
