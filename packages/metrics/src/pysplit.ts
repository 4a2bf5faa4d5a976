/**
 * Python's whitespace (`str.isspace()`, Python 3.11 / Unicode 14) and `str.split()` / `str.strip()` /
 * `str.rstrip()` with no argument.
 *
 * This is not JavaScript's `\s`: Python counts U+001C–U+001F (file/group/record/unit separators) and
 * U+0085 (NEL) as whitespace and does not count U+FEFF (BOM); JavaScript's `\s` does the opposite.
 * Neither counts U+200B (zero-width space) or U+180E.
 */

/** Code units 0..0x3000 flagged as Python whitespace (all Python whitespace is in the BMP, ≤ U+3000). */
const WS = new Uint8Array(0x3001);
for (const c of [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]) {
  WS[c] = 1;
}

/** True when the UTF-16 code unit `c` is a Python whitespace character (`chr(c).isspace()`). */
export function isPyWhitespace(c: number): boolean {
  return c <= 0x3000 && WS[c] === 1;
}

/**
 * Python `text.split()` with no argument: splits on runs of Python whitespace and drops empty strings
 * (so leading/trailing whitespace yields no empty tokens, and an all-whitespace string yields `[]`).
 */
export function pySplit(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x3000 && WS[c] === 1) {
      if (start >= 0) {
        out.push(text.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(start === 0 ? text : text.slice(start));
  return out;
}

/** Python `text.rstrip()` with no argument. */
export function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c <= 0x3000 && WS[c] === 1) end--;
    else break;
  }
  return end === text.length ? text : text.slice(0, end);
}

/** Python `text.strip()` with no argument. */
export function pyStrip(text: string): string {
  let start = 0;
  const n = text.length;
  while (start < n) {
    const c = text.charCodeAt(start);
    if (c <= 0x3000 && WS[c] === 1) start++;
    else break;
  }
  let end = n;
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (c <= 0x3000 && WS[c] === 1) end--;
    else break;
  }
  return start === 0 && end === n ? text : text.slice(start, end);
}

const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder();

/**
 * Length in bytes of the UTF-8 character starting with lead byte `b` at `bytes[i]`, negated when that
 * character is Python whitespace (only BMP code points ≥ U+0080 reach here).
 */
export function utf8CharLength(bytes: Uint8Array, i: number, b: number): number {
  if (b < 0xe0) {
    const cp = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
    return cp <= 0x3000 && WS[cp] === 1 ? -2 : 2;
  }
  if (b < 0xf0) {
    const cp = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
    return cp <= 0x3000 && WS[cp] === 1 ? -3 : 3;
  }
  return 4;
}

// Token hash: h = imul(h ^ unit, HASH_PRIME) from HASH_SEED (the same in bleu-sacre.ts).
const HASH_SEED = 0x811c9dc5 | 0;
const HASH_PRIME = 0x01000193;

/**
 * Token ranges of one text: token k is `line.slice(start[k], end[k])` for k < count. Reused buffers
 * let the BLEU code tokenize and count n-grams without creating token strings. @internal
 */
export class TokenRanges {
  line = '';
  count = 0;
  /**
   * When true, `start`/`end` index `bytes` (the UTF-8 encoding of a well-formed `line`) and `hash`
   * covers bytes; otherwise they index `line` and the hash covers UTF-16 code units. Two ranges are
   * only comparable in the same mode.
   */
  utf8 = false;
  bytes = new Uint8Array(1024);
  start = new Int32Array(256);
  end = new Int32Array(256);
  /** FNV-1a-style hash of each token (equal tokens, equal hashes). */
  hash = new Int32Array(256);

  /** Encodes a well-formed `text` into `bytes` (UTF-8) and returns the byte length, or -1 for lone surrogates. */
  encode(text: string): number {
    if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return -1;
    const need = 3 * text.length + 4;
    if (this.bytes.length < need) this.bytes = new Uint8Array(Math.max(need, 2 * this.bytes.length));
    return UTF8.encodeInto(text, this.bytes).written;
  }

  /** Makes room for `n` tokens (keeps nothing). */
  reserve(n: number): void {
    if (this.start.length < n) {
      const size = Math.max(n, this.start.length * 2);
      this.start = new Int32Array(size);
      this.end = new Int32Array(size);
      this.hash = new Int32Array(size);
    }
  }

  /** The tokens as strings. */
  tokens(): string[] {
    const out = new Array<string>(this.count);
    for (let k = 0; k < this.count; k++) {
      out[k] = this.utf8
        ? UTF8_DECODER.decode(this.bytes.subarray(this.start[k]!, this.end[k]!))
        : this.line.slice(this.start[k]!, this.end[k]!);
    }
    return out;
  }
}

/** `pySplit` into reusable ranges. @internal */
export function pySplitRanges(text: string, out: TokenRanges): TokenRanges {
  const n = text.length;
  out.reserve((n >> 1) + 1);
  const st = out.start;
  const en = out.end;
  const th = out.hash;
  let count = 0;
  let start = -1;
  let h = HASH_SEED;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x3000 && WS[c] === 1) {
      if (start >= 0) {
        st[count] = start;
        en[count] = i;
        th[count++] = h;
        start = -1;
      }
    } else {
      if (start < 0) {
        start = i;
        h = HASH_SEED;
      }
      h = Math.imul(h ^ c, HASH_PRIME);
    }
  }
  if (start >= 0) {
    st[count] = start;
    en[count] = n;
    th[count++] = h;
  }
  out.line = text;
  out.count = count;
  out.utf8 = false;
  return out;
}

/**
 * `pySplit` into UTF-8 byte ranges of `out.bytes` (faster to scan and compare than UTF-16 code units).
 * Returns false, leaving `out` unusable, when `text` has lone surrogates. @internal
 */
export function pySplitUtf8(text: string, out: TokenRanges): boolean {
  const n = out.encode(text);
  if (n < 0) return false;
  const bytes = out.bytes;
  out.reserve((n >> 1) + 1);
  const st = out.start;
  const en = out.end;
  const th = out.hash;
  let count = 0;
  let start = -1;
  let h = HASH_SEED;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    let len = 1;
    if (b >= 0x80) {
      len = utf8CharLength(bytes, i, b);
    } else if (WS[b] === 1) {
      len = -1;
    }
    if (len < 0) {
      if (start >= 0) {
        st[count] = start;
        en[count] = i;
        th[count++] = h;
        start = -1;
      }
      i -= len;
      continue;
    }
    if (start < 0) {
      start = i;
      h = HASH_SEED;
    }
    const e = i + len;
    for (; i < e; i++) h = Math.imul(h ^ bytes[i]!, HASH_PRIME);
  }
  if (start >= 0) {
    st[count] = start;
    en[count] = n;
    th[count++] = h;
  }
  out.line = text;
  out.count = count;
  out.utf8 = true;
  return true;
}
