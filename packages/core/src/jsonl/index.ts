// `@mmre/core/jsonl` (Node only): the one JSON-lines reader of the project. The dataset store, the GMNER
// summaries, the replay provider's predictions, `mmre metrics`, `mmre report` and the response log
// all read their JSONL files through it, so every one of them treats a line the same way.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** One line of a JSONL file: its value, or why it is not one. */
export interface JsonLine {
  /** 1-based line number in the file (blank lines count). */
  line: number;
  /** The parsed value, when the line is JSON. */
  value?: unknown;
  /** Why the line could not be read: `not valid JSON (<parser message>)`; the caller adds file:line and the fix. */
  error?: string;
}

/**
 * Reads JSON lines from a file (a path) or a stream, one at a time: never the whole file. Lines end at
 * `\n` or `\r\n`; a UTF-8 byte order mark before the first line is dropped; blank lines are skipped (but
 * counted); a line that is not JSON yields `{ line, error }`, so the caller reports it and goes on.
 * A file that cannot be opened rejects the first `next()` with the stream's error (`code: 'ENOENT'`, …).
 */
export async function* readJsonLines(input: string | Readable): AsyncGenerator<JsonLine> {
  const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const raw of rl) {
    line++;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (err) {
      yield { line, error: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
    }
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
