import { readJsonLines } from '@mmre/core/jsonl';

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
  for await (const l of readJsonLines(path === '-' ? process.stdin.setEncoding('utf8') : path))
    yield l.error === undefined ? l : { line: l.line, error: `${path}:${l.line}: ${l.error}` };
}
