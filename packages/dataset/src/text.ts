import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from '@mmre/core/jsonl';
import type { DatasetDiagnostic } from './diagnostics.js';

/**
 * Reads a whole text file as UTF-8 (a byte order mark dropped). A byte that is not UTF-8 is named in
 * an `encoding` error with its line and column, never silently turned into U+FFFD unreported; the
 * text is still returned (with U+FFFD there) so the rest of the file is read.
 */
export async function readTextFile(file: string): Promise<{ text: string; diagnostic?: DatasetDiagnostic }> {
  const bytes = await readFile(file);
  const r = decodeUtf8(bytes);
  if (r.ok) return { text: r.text };
  const text = bytes.toString('utf8');
  return {
    text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    diagnostic: {
      severity: 'error',
      code: 'encoding',
      message: `${file}:${r.line}: ${r.message}; the byte is read as U+FFFD; fix: re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
      file,
      line: r.line,
    },
  };
}
