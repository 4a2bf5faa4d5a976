/**
 * A streaming reader of big JSON documents whose bulk is one array of records (promptfoo's
 * `-o out.json`: `{ evalId, results: { results: [row, row, …] }, config, … }`).
 *
 * A byte scanner follows the document's structure (strings and escapes, nesting, object keys) without
 * building anything; only the values asked for — the elements of one array and a few other paths —
 * are cut out of the bytes and handed to the native `JSON.parse`. Memory holds one value at a time,
 * never the file. It replaced a full streaming tokenizer in JavaScript (@streamparser/json, which
 * builds every value char by char): `mmre report --json` on a 58 MB, 4,980-row result file went from
 * 5.9 s to 4.75 s, and its peak RSS from 264 to 191 MiB.
 *
 * Paths are dotted object keys from the top (`evalId`, `results.timestamp`); `[]` names the elements
 * of an array (`results.results[]`). A path that names a value inside a value already taken is not
 * seen separately.
 */
export interface JsonRowsHandlers {
  /** A value at one of the `paths` asked for. */
  onValue?: (path: string, value: unknown) => void;
  /** An element of the array at `elements`, with its index in that array. */
  onElement?: (value: unknown, index: number) => void;
  /**
   * A value asked for that is longer than `maxValueBytes`: it is skipped, never held (a JavaScript string
   * cannot hold more than about 512 MiB, and one row of a results file is normally a few KB).
   */
  onTooLarge?: (path: string, index: number, bytes: number) => void;
}

/** Default limit of one value taken (`maxValueBytes`): 256 MiB. */
export const MAX_VALUE_BYTES = 256 * 1024 * 1024;

interface Frame {
  array: boolean;
  /** Path of this container. */
  path: string;
  /** Objects: the key of the value being read (or about to be). */
  key: string;
  /** Objects: a key is expected next (after `{` or `,`). */
  expectKey: boolean;
  /** Arrays: elements started so far. */
  count: number;
}

/** A JSON text cut off or malformed where the scanner can tell (values it takes are checked by JSON.parse). */
export class JsonScanError extends Error {
  override name = 'JsonScanError';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonRowScanner {
  private readonly stack: Frame[] = [];
  private inString = false;
  private escaped = false;
  /** A number, true, false or null is being read. */
  private inBare = false;
  /** The string being read is an object key. */
  private stringIsKey = false;
  /** Bytes of a value being taken (earlier chunks), its start in the current chunk, and its kind. */
  private take: {
    parts: Buffer[];
    start: number;
    depth: number;
    path: string;
    element: number;
    /** Bytes so far (earlier chunks); past maxValueBytes the value is skipped and its bytes dropped. */
    size: number;
    skipped: boolean;
  } | null = null;
  /** Bytes of a key being read. */
  private keyParts: Buffer[] | null = null;
  private keyStart = 0;
  private done = false;
  private offset = 0;
  /** Did the array at `elements` appear? */
  sawElements = false;

  private readonly elementPath: string;

  constructor(
    private readonly paths: ReadonlySet<string>,
    private readonly elements: string,
    private readonly handlers: JsonRowsHandlers,
    private readonly maxValueBytes = MAX_VALUE_BYTES,
  ) {
    this.elementPath = `${elements}[]`;
  }

  write(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    // a UTF-8 byte order mark is skipped
    if (this.offset === 0 && n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    for (; i < n; i++) {
      const c = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.stringIsKey) this.endKey(chunk, i);
          else this.endValue(chunk, i + 1);
        }
        continue;
      }
      switch (c) {
        case 0x20:
        case 0x0a:
        case 0x0d:
        case 0x09:
          if (this.inBare) this.endBare(chunk, i);
          break;
        case QUOTE: {
          const top = this.stack[this.stack.length - 1];
          if (top && !top.array && top.expectKey) {
            this.stringIsKey = true;
            // inside a value being taken, keys need no decoding (JSON.parse reads the value whole)
            this.keyParts = this.take ? null : [];
            this.keyStart = i;
          } else {
            this.stringIsKey = false;
            this.startValue(i);
          }
          this.inString = true;
          break;
        }
        case 0x7b: // {
        case 0x5b: {
          // [
          const path = this.startValue(i);
          const array = c === 0x5b;
          if (array && path === this.elements) this.sawElements = true;
          this.stack.push({ array, path, key: '', expectKey: !array, count: 0 });
          break;
        }
        case 0x7d: // }
        case 0x5d: {
          // ]
          if (this.inBare) this.endBare(chunk, i);
          const top = this.stack.pop();
          if (!top || top.array !== (c === 0x5d))
            throw new JsonScanError(`unexpected '${String.fromCharCode(c)}' at byte ${this.offset + i}`);
          this.endValue(chunk, i + 1);
          if (this.stack.length === 0) this.done = true;
          break;
        }
        case 0x3a: // :
          break;
        case 0x2c: {
          // ,
          if (this.inBare) this.endBare(chunk, i);
          const top = this.stack[this.stack.length - 1];
          if (top && !top.array) top.expectKey = true;
          break;
        }
        default:
          if (!this.inBare) {
            this.startValue(i);
            this.inBare = true;
          }
      }
    }
    // carry the unfinished value (or key) over to the next chunk
    if (this.take) {
      const t = this.take;
      t.size += n - t.start;
      if (t.size > this.maxValueBytes) {
        t.skipped = true;
        t.parts = [];
      } else t.parts.push(chunk.subarray(t.start));
      t.start = 0;
    }
    if (this.keyParts) {
      this.keyParts.push(chunk.subarray(this.keyStart));
      this.keyStart = 0;
    }
    this.offset += n;
  }

  /** Ends the input; throws JsonScanError when the document is not complete. */
  end(): void {
    if (this.inBare && this.stack.length === 0) this.inBare = false;
    if (!this.done || this.inString || this.stack.length > 0)
      throw new JsonScanError(`unexpected end of input after ${this.offset} bytes (the JSON is cut off)`);
  }

  /** A value starts at byte i of the chunk: its path, and whether it is taken. */
  private startValue(i: number): string {
    const top = this.stack[this.stack.length - 1];
    if (this.take) {
      // inside a value being taken: no paths needed
      if (top && !top.array) top.expectKey = false;
      return '';
    }
    let path: string;
    let element = -1;
    if (!top) {
      if (this.done) throw new JsonScanError(`more data after the end of the JSON value (byte ${this.offset + i})`);
      path = '';
    } else if (top.array) {
      path = `${top.path}[]`;
      element = top.count++;
    } else {
      path = top.path ? `${top.path}.${top.key}` : top.key;
      top.expectKey = false;
    }
    if (path === this.elementPath || this.paths.has(path))
      this.take = { parts: [], start: i, depth: this.stack.length, path, element, size: 0, skipped: false };
    return path;
  }

  /** A value ended just before byte `end` of the chunk (exclusive): hand it over when it was taken. */
  private endValue(chunk: Buffer, end: number): void {
    const t = this.take;
    if (!t || this.stack.length !== t.depth) return;
    this.take = null;
    if (t.skipped || t.size + end - t.start > this.maxValueBytes) {
      this.handlers.onTooLarge?.(t.path, t.element, t.size + end - t.start);
      return;
    }
    const bytes = t.parts.length
      ? Buffer.concat([...t.parts, chunk.subarray(t.start, end)])
      : chunk.subarray(t.start, end);
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (t.element >= 0 && t.path === this.elementPath) this.handlers.onElement?.(value, t.element);
    else this.handlers.onValue?.(t.path, value);
  }

  private endBare(chunk: Buffer, end: number): void {
    this.inBare = false;
    this.endValue(chunk, end);
    if (this.stack.length === 0) this.done = true;
  }

  private endKey(chunk: Buffer, quote: number): void {
    const top = this.stack[this.stack.length - 1] as Frame;
    top.expectKey = false;
    const parts = this.keyParts;
    if (!parts) return;
    this.keyParts = null;
    const bytes = parts.length
      ? Buffer.concat([...parts, chunk.subarray(this.keyStart, quote + 1)])
      : chunk.subarray(this.keyStart, quote + 1);
    top.key = JSON.parse(bytes.toString('utf8')) as string;
  }
}
