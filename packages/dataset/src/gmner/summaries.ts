import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { DatasetDiagnostic } from '../diagnostics.js';

const SummaryLineSchema = z.object({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  summary: z.string().trim().min(1, { message: 'summary must not be empty' }),
});

/**
 * Reads a JSONL file of `{"id": …, "summary": …}` lines (other keys are ignored). Bad lines and
 * duplicate ids (the first one wins) become diagnostics naming the file and line.
 */
export async function readSummaries(
  file: string,
): Promise<{ summaries: Map<string, string>; diagnostics: DatasetDiagnostic[] }> {
  const summaries = new Map<string, string>();
  const diagnostics: DatasetDiagnostic[] = [];
  const rl = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let line = 0;
  for await (const raw of rl) {
    line++;
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      diagnostics.push({
        severity: 'error',
        code: 'summary-json',
        message: `${file}:${line}: not valid JSON (${(err as Error).message}); fix: one {"id": "...", "summary": "..."} object per line`,
        file,
        line,
      });
      continue;
    }
    const r = SummaryLineSchema.safeParse(value);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const field = issue.path.join('.') || '(record)';
        diagnostics.push({
          severity: 'error',
          code: 'summary-schema',
          message: `${file}:${line}: ${field}: ${issue.message}; fix: each line needs a string "id" (the IMGID) and a non-empty string "summary"`,
          file,
          line,
          field,
        });
      }
      continue;
    }
    const { id, summary } = r.data;
    if (summaries.has(id)) {
      diagnostics.push({
        severity: 'warning',
        code: 'summary-duplicate',
        message: `${file}:${line}: a summary for id ${id} was already given; the first one is kept`,
        file,
        line,
        sampleId: id,
      });
      continue;
    }
    summaries.set(id, summary);
  }
  return { summaries, diagnostics };
}
