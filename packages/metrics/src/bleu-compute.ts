/**
 * sacrebleu 2.6.0's `BLEU.compute_bleu` from sufficient statistics, with the `exp`, `floor`, `add-k`
 * and `none` smoothing methods and effective order.
 */

/** Sufficient statistics of BLEU for orders n = 1..4: matches (`counts`) and hypothesis n-grams (`totals`). */
export interface BleuStats {
  counts: number[];
  totals: number[];
  sysLen: number;
  refLen: number;
}

export type SacreBleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface SacreBleuOptions {
  /** Default `exp`. */
  smoothMethod?: SacreBleuSmoothing;
  /** For `floor` (default 0.1) and `add-k` (default 1); ignored otherwise. */
  smoothValue?: number;
  /** Average only over the orders with a non-zero n-gram total (sacrebleu `effective_order`). */
  effectiveOrder?: boolean;
}

/** The fields of sacrebleu's `BLEUScore`. */
export interface SacreBleuResult {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
}

export const SACREBLEU_MAX_ORDER = 4;

/** Element-wise sum of statistics (sacrebleu `sum_of_lists`): the corpus statistics. */
export function sumBleuStats(stats: Iterable<BleuStats>): BleuStats {
  const counts = [0, 0, 0, 0];
  const totals = [0, 0, 0, 0];
  let sysLen = 0;
  let refLen = 0;
  for (const s of stats) {
    for (let n = 0; n < SACREBLEU_MAX_ORDER; n++) {
      counts[n]! += s.counts[n] ?? 0;
      totals[n]! += s.totals[n] ?? 0;
    }
    sysLen += s.sysLen;
    refLen += s.refLen;
  }
  return { counts, totals, sysLen, refLen };
}

/** sacrebleu `my_log`: log floored to -9999999999 at 0. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** The smoothing method of `options` (default `exp`), checked. */
export function smoothMethodOf(options: SacreBleuOptions): SacreBleuSmoothing {
  const method: string = options.smoothMethod ?? 'exp';
  if (method !== 'exp' && method !== 'floor' && method !== 'add-k' && method !== 'none') {
    throw new Error(
      `sacreBleuFromStats: unknown smoothMethod ${JSON.stringify(method)} (use exp, floor, add-k or none)`,
    );
  }
  return method;
}

/** The smoothing value of `options`, with sacrebleu's defaults: floor 0.1, add-k 1. */
export function smoothValueOf(options: SacreBleuOptions, method: SacreBleuSmoothing): number {
  return options.smoothValue ?? (method === 'floor' ? 0.1 : method === 'add-k' ? 1 : 0);
}

/**
 * sacrebleu's `BLEU.compute_bleu(correct, total, sys_len, ref_len, smooth_method, smooth_value,
 * effective_order)`, operation for operation. `counts`/`totals` of the result include the `k` that
 * `add-k` adds to orders 2..4 (as sacrebleu's do); the input is not modified.
 * `effectiveOrder` defaults to false here (`corpus_bleu`); `sentence_bleu` turns it on.
 */
export function sacreBleuFromStats(stats: BleuStats, options: SacreBleuOptions = {}): SacreBleuResult {
  const method = smoothMethodOf(options);
  if (stats.counts.length < SACREBLEU_MAX_ORDER || stats.totals.length < SACREBLEU_MAX_ORDER) {
    throw new Error(
      `sacreBleuFromStats: counts and totals need ${SACREBLEU_MAX_ORDER} entries (orders 1..4), got ${stats.counts.length} and ${stats.totals.length}`,
    );
  }
  return computeBleu(
    stats.counts.slice(0, SACREBLEU_MAX_ORDER),
    stats.totals.slice(0, SACREBLEU_MAX_ORDER),
    stats.sysLen,
    stats.refLen,
    method,
    smoothValueOf(options, method),
    options.effectiveOrder ?? false,
  );
}

/**
 * `compute_bleu` on arrays of 4 orders that it keeps and modifies: they become the result's
 * `counts`/`totals` (so the caller passes fresh arrays).
 */
export function computeBleu(
  correct: number[],
  total: number[],
  sysLen: number,
  refLen: number,
  method: SacreBleuSmoothing,
  smoothValue: number,
  effectiveOrder: boolean,
): SacreBleuResult {
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;

  const precisions = [0.0, 0.0, 0.0, 0.0];
  if (correct[0] === 0 && correct[1] === 0 && correct[2] === 0 && correct[3] === 0) {
    return { score: 0.0, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
  }

  let smoothMteval = 1.0;
  let effOrder = SACREBLEU_MAX_ORDER;
  for (let n = 1; n <= SACREBLEU_MAX_ORDER; n++) {
    if (method === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    const t = total[n - 1]!;
    if (t === 0) break;
    if (effectiveOrder) effOrder = n;
    const c = correct[n - 1]!;
    if (c === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * t);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / t;
      }
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }

  // Python: sum([...]) from int 0, left to right, then / eff_order.
  let sum = 0;
  for (let n = 0; n < effOrder; n++) sum += myLog(precisions[n]!);
  const score = bp * Math.exp(sum / effOrder);
  return { score, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
}
