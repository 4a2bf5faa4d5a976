import { describeLineIssues, type LineIssues, readJsonLines } from '@mmre/core/jsonl';

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
  for await (const l of readJsonLines(path === '-' ? process.stdin : path))
    yield l.error === undefined ? l : { line: l.line, error: `${path}:${l.line}: ${l.error}` };
}

/**
 * The message of an error that reaches the top of `mmre`, for a user: the message alone (no stack), and
 * for a zod error (a schema a command forgot to word) its issues as `field "x": message`, never zod's JSON.
 */
export function describeError(err: unknown): string {
  const issues = (err as Partial<LineIssues> | null)?.issues;
  if (Array.isArray(issues) && issues.every((i) => Array.isArray(i?.path) && typeof i?.message === 'string'))
    return `invalid input: ${describeLineIssues({ issues }).replace('the line is not a JSON object', 'the value is not an object')}`;
  return err instanceof Error ? err.message : String(err);
}
