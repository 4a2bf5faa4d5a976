import { readJsonLines } from '@mmre/core/jsonl';
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
  for await (const { line, value, error } of readJsonLines(file)) {
    if (error !== undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'summary-json',
        message: `${file}:${line}: ${error}; fix: one {"id": "...", "summary": "..."} object per line`,
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
