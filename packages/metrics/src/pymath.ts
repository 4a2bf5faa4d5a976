/**
 * The bits of Python arithmetic NLTK's BLEU relies on: `fractions.Fraction` values (exact, in safe
 * integers or BigInts), Python floats, int / int true division (correctly rounded) and `math.fsum`.
 */

/**
 * A Python value of the smoothing code: a `fractions.Fraction` (sign in the numerator, denominator
 * > 0) held in safe integers (`small`) or BigInts (`big`) once it outgrows them, or a Python float.
 */
export type PyNum =
  | { t: 'small'; n: number; d: number }
  | { t: 'big'; n: bigint; d: bigint }
  | { t: 'float'; v: number };

/** Below this magnitude, products and sums of integers are exact in doubles. */
const EXACT = 2 ** 52;

function gcdNum(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function bigAbs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  a = bigAbs(a);
  b = bigAbs(b);
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

const TWO53 = 2n ** 53n;

/** Correctly rounded (round-half-even) n / d, like Python's int / int true division. */
export function ratioToDouble(n: bigint, d: bigint): number {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (n === 0n) return 0;
  const neg = n < 0n;
  let a = neg ? -n : n;
  let b = d;
  if (a <= TWO53 && b <= TWO53) {
    const r = Number(a) / Number(b);
    return neg ? -r : r;
  }
  const g = gcd(a, b);
  if (g > 1n) {
    a /= g;
    b /= g;
  }
  if (a <= TWO53 && b <= TWO53) {
    const r = Number(a) / Number(b);
    return neg ? -r : r;
  }
  // Scale so the integer quotient has 54 or 55 bits, then round to 53 with a sticky remainder.
  const shift = 55 - (bitLength(a) - bitLength(b));
  let q: bigint;
  let rem: bigint;
  if (shift >= 0) {
    const num = a << BigInt(shift);
    q = num / b;
    rem = num % b;
  } else {
    const den = b << BigInt(-shift);
    q = a / den;
    rem = a % den;
  }
  const extra = bitLength(q) - 53;
  let exp = -shift;
  if (extra > 0) {
    const mask = (1n << BigInt(extra)) - 1n;
    const low = q & mask;
    const half = 1n << BigInt(extra - 1);
    q >>= BigInt(extra);
    exp += extra;
    if (low > half || (low === half && (rem !== 0n || (q & 1n) === 1n))) q += 1n;
  }
  const r = Number(q) * 2 ** exp;
  return neg ? -r : r;
}

export function toFloat(x: PyNum): number {
  if (x.t === 'float') return x.v;
  // Both operands are exact doubles, so IEEE division is correctly rounded, like Python's int / int.
  if (x.t === 'small') return x.n / x.d;
  return ratioToDouble(x.n, x.d);
}

export function fraction(n: number, d: number): PyNum {
  return { t: 'small', n, d };
}

export function pyFloat(v: number): PyNum {
  return { t: 'float', v };
}

function toBig(x: PyNum & { t: 'small' | 'big' }): { n: bigint; d: bigint } {
  return x.t === 'big' ? x : { n: BigInt(x.n), d: BigInt(x.d) };
}

/** Python `a + b`: exact for two Fractions, float arithmetic as soon as one is a float. */
export function pyAdd(a: PyNum, b: PyNum): PyNum {
  if (a.t === 'float' || b.t === 'float') return pyFloat(toFloat(a) + toFloat(b));
  if (a.t === 'small' && b.t === 'small') {
    const x = a.n * b.d;
    const y = b.n * a.d;
    const d = a.d * b.d;
    if (Math.abs(x) < EXACT && Math.abs(y) < EXACT && d < EXACT && Math.abs(x + y) < EXACT) {
      const g = gcdNum(x + y, d) || 1;
      return { t: 'small', n: (x + y) / g, d: d / g };
    }
  }
  const p = toBig(a);
  const q = toBig(b);
  return { t: 'big', n: p.n * q.d + q.n * p.d, d: p.d * q.d };
}

/** Python `a / k` for a positive int k. */
export function pyDivInt(a: PyNum, k: number): PyNum {
  if (a.t === 'float') return pyFloat(a.v / k);
  if (a.t === 'small' && a.d * k < EXACT) {
    const g = gcdNum(a.n, k) || 1;
    return { t: 'small', n: a.n / g, d: (a.d * k) / g };
  }
  const p = toBig(a);
  return { t: 'big', n: p.n, d: p.d * BigInt(k) };
}

export function isPositive(a: PyNum): boolean {
  if (a.t === 'float') return a.v > 0;
  return a.t === 'small' ? a.n > 0 : a.n > 0n;
}

export function isZeroNumerator(a: PyNum): boolean {
  return a.t === 'small' ? a.n === 0 : a.t === 'big' && a.n === 0n;
}

/**
 * Python's `math.fsum`: the correctly rounded sum of the values (Shewchuk's algorithm with CPython's
 * final half-even correction). Values are finite here.
 */
export function fsum(values: readonly number[]): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  let hi = 0;
  if (n > 0) {
    hi = partials[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n]!;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
  }
  return hi;
}
