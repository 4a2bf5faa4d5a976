// `@mmre/core/jsonl` (Node only): the one JSON-lines reader of the project. The dataset store, the GMNER
// summaries, the replay provider's predictions, `mmre metrics`, `mmre report` and the response log
// all read their JSONL files through it, so every one of them treats a line the same way.
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * The default longest line `readJsonLines` reads, in bytes (16 MiB). A longer line is refused with a
 * `too-long` error and skipped without being held in memory, so one huge line cannot exhaust memory;
 * the lines after it are read. Callers with smaller records pass a smaller `maxLineBytes` (the dataset
 * store: 1 MiB per sample).
 */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Why a line could not be read. */
export type JsonLineErrorCode = 'json' | 'encoding' | 'too-long';

/** One line of a JSONL file: its value, or why it is not one. */
export interface JsonLine {
  /** 1-based line number in the file (blank lines count). */
  line: number;
  /** The parsed value, when the line is JSON. */
  value?: unknown;
  /**
   * Why the line could not be read, without file and line (the caller adds `file:line: ` and the fix):
   * `not valid JSON (<parser message>)`, `not UTF-8: byte 0xff at column 17 …`, or
   * `the line is 209715200 bytes, over the limit of 1048576 bytes …`.
   */
  error?: string;
  /** What kind of error `error` is (set with it). */
  code?: JsonLineErrorCode;
}

export interface ReadJsonLinesOptions {
  /** Lines longer than this many bytes (the `\n` not counted) are refused and skipped. Default `DEFAULT_MAX_LINE_BYTES`. */
  maxLineBytes?: number;
}

/** `1048576 bytes (1 MiB)`: a byte count as written in messages. */
export function formatBytes(n: number): string {
  const mib = n / (1024 * 1024);
  if (n >= 1024 * 1024) return `${n} bytes (${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB)`;
  return `${n} bytes`;
}

/**
 * Where the first byte that is not well-formed UTF-8 sits: its 0-based offset, or -1 when all are
 * well-formed (the rules of the WHATWG decoder: no overlong forms, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const c1 = bytes[i + 1] as number;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Decodes UTF-8 text strictly: the text, or where it is not UTF-8 as `byte 0xNN at line L, column C`
 * (1-based; the column counts characters, the way editors do). A byte order mark at the start is dropped.
 */
export function decodeUtf8(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; line: number; column: number; byte: number; message: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const body = start === 0 ? buf : buf.subarray(start);
  if (isUtf8(body)) return { ok: true, text: body.toString('utf8') };
  const at = firstInvalidUtf8(body);
  const before = body.subarray(0, at).toString('utf8');
  const lastNl = before.lastIndexOf('\n');
  const line = countNewlines(before) + 1;
  const column = [...before.slice(lastNl + 1)].length + 1;
  const byte = body[at] as number;
  return {
    ok: false,
    line,
    column,
    byte,
    message: `not UTF-8: byte 0x${byte.toString(16).padStart(2, '0')} at line ${line}, column ${column}`,
  };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function lineResult(line: number, bytes: Buffer): JsonLine | null {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  let start = 0;
  if (line === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const body = bytes.subarray(start, end);
  let text: string;
  if (isUtf8(body)) text = body.toString('utf8');
  else {
    const at = firstInvalidUtf8(body);
    const column = [...body.subarray(0, at).toString('utf8')].length + 1;
    return {
      line,
      code: 'encoding',
      error: `not UTF-8: byte 0x${(body[at] as number).toString(16).padStart(2, '0')} at column ${column} (byte ${at + 1} of the line)`,
    };
  }
  if (text.trim() === '') return null;
  try {
    return { line, value: JSON.parse(text) };
  } catch (err) {
    return { line, code: 'json', error: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}

/**
 * Reads JSON lines from a file (a path) or a stream, one at a time: never the whole file. Lines end at
 * `\n` or `\r\n`; a UTF-8 byte order mark before the first line is dropped; blank lines are skipped (but
 * counted). A line that is not JSON, not UTF-8 (named with its column) or longer than `maxLineBytes`
 * (skipped without being held in memory) yields `{ line, error, code }`, so the caller reports it and
 * goes on. Streams should give bytes (no `setEncoding`): text chunks are read as UTF-8 again, so bytes
 * their decoder already replaced by U+FFFD cannot be named. A file that cannot be opened rejects the
 * first `next()` with the stream's error (`code: 'ENOENT'`, …).
 */
export async function* readJsonLines(
  input: string | Readable,
  options: ReadJsonLinesOptions = {},
): AsyncGenerator<JsonLine> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  let line = 1;
  let parts: Buffer[] = [];
  let size = 0;
  // bytes of the current line when it is over the limit (its parts are dropped), else -1
  let over = -1;
  const tooLong = (n: number): JsonLine => ({
    line,
    code: 'too-long',
    error: `the line is ${formatBytes(n)}, over the limit of ${formatBytes(max)} for one line, so it was not parsed`,
  });
  const finish = (): JsonLine | null => {
    if (over >= 0) return tooLong(over);
    return lineResult(line, parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size));
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, from);
      const end = nl === -1 ? buf.length : nl;
      const piece = end - from;
      if (over >= 0) over += piece;
      else if (size + piece > max) {
        // over the limit: count the rest of the line, keep none of it
        over = size + piece;
        parts = [];
        size = 0;
      } else if (piece > 0) {
        parts.push(buf.subarray(from, end));
        size += piece;
      }
      if (nl === -1) break;
      const r = finish();
      if (r) yield r;
      parts = [];
      size = 0;
      over = -1;
      line++;
      from = nl + 1;
    }
  }
  if (over >= 0 || size > 0) {
    const r = finish();
    if (r) yield r;
  }
}

/** The parts of a zod error that `describeLineIssues` reads (structural: any zod version's error fits). */
export interface LineIssues {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/**
 * What is wrong with one JSON line, from the zod error of its schema: `field "a.b": <message>` per issue,
 * joined by `; `; an issue of the line itself reads `the line is not a JSON object (<message>)`. The
 * caller puts `file:line: ` before it and the expected shape after it.
 */
export function describeLineIssues(error: LineIssues): string {
  return error.issues
    .map((issue) =>
      issue.path.length === 0
        ? `the line is not a JSON object (${issue.message})`
        : `field "${issue.path.map(String).join('.')}": ${issue.message}`,
    )
    .join('; ');
}
