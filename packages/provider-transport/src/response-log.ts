import { fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readJsonLines } from '@mmre/core/jsonl';

/**
 * The responses of this project's providers, kept beside promptfoo's disk cache as one JSON line per
 * answer (`mmre-responses.jsonl` next to promptfoo's `cache.json`).
 *
 * Why not promptfoo's store: promptfoo 0.123's disk cache (keyv-file) rewrites its whole JSON file after
 * every `set` (at most every 100 ms), and `set` resolves only after that rewrite. At the paper's size
 * (4,980–16,599 answers, several MB of JSON) that is a rewrite of the whole cache ten times a second on
 * promptfoo's main thread, every row waits ≥ 100 ms for it, and a `set` that arrives while a rewrite is
 * writing is not in it, so the last answers of a run can be lost (a rerun then sends requests again).
 * Here a `set` appends one line; a rerun reads the file once.
 *
 * It follows promptfoo's cache: it is used only where promptfoo's own disk cache is (the caller passes
 * the folder of promptfoo's `cache.json`), its entries expire after PROMPTFOO_CACHE_TTL seconds (default
 * 14 days, as promptfoo's), and `promptfoo cache clear` clears it too: a marker entry is kept in
 * promptfoo's own cache, and when promptfoo's cache no longer has it, the file is dropped.
 */
export class ResponseLog {
  private entries: Map<string, { t: number; v: unknown }> | null = null;
  private loading: Promise<void> | null = null;
  /** The file, open for appending from the first answer on (kept open: one write per answer). */
  private fd: number | null = null;
  readonly file: string;

  constructor(
    folder: string,
    private readonly ttlMs: number,
  ) {
    this.file = join(folder, LOG_FILE);
  }

  /** Loads the file once (lines that do not parse, e.g. cut by a crash, and expired entries are skipped). */
  private load(marker: MarkerStore): Promise<void> {
    this.loading ??= (async () => {
      const entries = new Map<string, { t: number; v: unknown }>();
      const cleared = !(await marker.has());
      if (cleared) await rm(this.file, { force: true });
      else if (await exists(this.file)) {
        const now = Date.now();
        for await (const { value, error } of readJsonLines(this.file)) {
          // a line that does not parse (a partial last line, cut by a crash): its answer is asked again
          if (error !== undefined) continue;
          const e = value as { k?: unknown; t?: unknown; v?: unknown } | null;
          if (typeof e?.k !== 'string' || typeof e.t !== 'number' || now - e.t > this.ttlMs) continue;
          entries.set(e.k, { t: e.t, v: e.v });
        }
      }
      if (cleared) await marker.set();
      this.entries = entries;
    })();
    return this.loading;
  }

  async get(key: string, marker: MarkerStore): Promise<unknown> {
    await this.load(marker);
    const e = this.entries?.get(key);
    if (!e) return undefined;
    if (Date.now() - e.t > this.ttlMs) return undefined;
    return e.v;
  }

  /**
   * Appends one answer: one synchronous write of one line to the file kept open for appending, so
   * lines never interleave and are in the file (the OS's page cache) when this resolves. A line of a
   * few KB costs microseconds; an asynchronous append (open, write, close on the thread pool, per
   * answer) cost promptfoo's main thread about a millisecond each.
   */
  async set(key: string, value: unknown, marker: MarkerStore): Promise<void> {
    await this.load(marker);
    const t = Date.now();
    this.entries?.set(key, { t, v: value });
    if (this.fd === null) {
      mkdirSync(dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, 'a+');
      // a last line cut by a crash gets its end here, so this answer's line is whole (not glued to it)
      const size = fstatSync(this.fd).size;
      const last = Buffer.alloc(1);
      if (size > 0 && readSync(this.fd, last, 0, 1, size - 1) === 1 && last[0] !== NEWLINE) writeSync(this.fd, '\n');
    }
    writeSync(this.fd, `${JSON.stringify({ k: key, t, v: value })}\n`);
  }
}

export const LOG_FILE = 'mmre-responses.jsonl';
const NEWLINE = 0x0a;

/** The marker entry in promptfoo's own cache that ties the log to promptfoo's cache generation. */
export interface MarkerStore {
  has(): Promise<boolean>;
  set(): Promise<void>;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
