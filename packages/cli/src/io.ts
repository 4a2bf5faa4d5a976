import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface JsonlLine {
  /** 1-based line number in the file. */
  line: number;
  /** The parsed value, when the line is valid JSON. */
  value?: unknown;
  /** Why the line could not be read. */
  error?: string;
}

/**
 * Reads a JSONL file (or stdin for `-`) line by line; blank lines are skipped, a line that is not
 * JSON yields `{ line, error }` so the caller can report it and go on.
 */
export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const raw of rl) {
    line++;
    if (raw.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(raw) };
    } catch (err) {
      yield { line, error: `${path}:${line}: not valid JSON (${err instanceof Error ? err.message : String(err)})` };
    }
  }
}
