// How cost grows with size (project issue 9: "the table printed for 500, 1,660 and 5,533 samples, so it
// shows that cost grows linearly"). A ratio at each size mixes two things: the per-row cost and a fixed
// cost (promptfoo's start-up, config load, the end-of-run read-back and writes) that a small run does
// not amortise. promptfoo's floor has a large fixed part (about 5 s on this machine), so the plain
// ratio ours/floor rises with size even when both grow linearly. Between two sizes, the extra time per
// extra row is the per-row cost, with the fixed part cancelled out.

interface Run {
  ok: boolean;
  wallS: number;
}

/** One size of the bench: its samples, rows and the two runs compared. */
export interface SizePoint {
  n: number;
  rows: number;
  ours?: Run | null;
  floor?: Run | null;
}

/** Between two sizes: extra wall time per extra row, and the fixed part the two points imply. */
export interface MarginalCost {
  from: number;
  to: number;
  oursMsPerRow: number;
  floorMsPerRow: number;
  /** oursMsPerRow / floorMsPerRow; NaN when the floor did not grow between the two sizes (noise). */
  ratio: number;
  /** Wall time at 0 rows on the line through the two points. */
  oursFixedS: number;
  floorFixedS: number;
}

const usable = (r: Run | null | undefined): r is Run => Boolean(r?.ok) && Number.isFinite(r?.wallS);

/**
 * Per consecutive pair of sizes (ascending by rows) where both runs of both sizes succeeded: the extra
 * wall time per extra row of ours and of the floor, their ratio, and the fixed part the two points imply.
 */
export function marginalCosts(points: readonly SizePoint[]): MarginalCost[] {
  const ok = points
    .filter((p) => usable(p.ours) && usable(p.floor))
    .map((p) => ({ n: p.n, rows: p.rows, ours: p.ours as Run, floor: p.floor as Run }))
    .sort((a, b) => a.rows - b.rows);
  const out: MarginalCost[] = [];
  for (const [i, b] of ok.entries()) {
    const a = ok[i - 1];
    if (a === undefined) continue;
    const dRows = b.rows - a.rows;
    if (dRows <= 0) continue;
    const oursPerRow = (b.ours.wallS - a.ours.wallS) / dRows;
    const floorPerRow = (b.floor.wallS - a.floor.wallS) / dRows;
    out.push({
      from: a.n,
      to: b.n,
      oursMsPerRow: oursPerRow * 1000,
      floorMsPerRow: floorPerRow * 1000,
      // a floor that did not grow between the two sizes (noise) has no meaningful ratio
      ratio: floorPerRow > 0 ? oursPerRow / floorPerRow : Number.NaN,
      oursFixedS: a.ours.wallS - oursPerRow * a.rows,
      floorFixedS: a.floor.wallS - floorPerRow * a.rows,
    });
  }
  return out;
}
