import type { z } from 'zod';
import type { DatasetDiagnostic } from './diagnostics.js';

const LABEL_FIX = 'use one of person, organization, location, other (GMNER PER/ORG/LOC/OTHER map to these)';

/** A fix hint for one zod issue, in words a dataset author can act on. */
function fixFor(issue: z.core.$ZodIssue, field: string): string {
  const leaf = String(issue.path.at(-1) ?? '');
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `add the required field \`${field}\` (${issue.expected})`
        : `make \`${field}\` a ${issue.expected}`;
    case 'unrecognized_keys':
      return `remove the unknown key(s) ${issue.keys.map((k) => `\`${k}\``).join(', ')} (the Sample shape is id, split, text, image, segments, gold)`;
    case 'invalid_value':
      if (leaf === 'label') return LABEL_FIX;
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (field.endsWith('id') || leaf === 'segment')
        return 'segment ids are lower-case letters: a, b, …, z, aa, ab, …';
      return `fix the format of \`${field}\``;
    case 'too_small':
      return `\`${field}\` must not be empty`;
    default:
      return `fix \`${field}\``;
  }
}

/** Converts zod issues into diagnostics naming the file, line, field and the fix. */
export function zodDiagnostics(
  error: z.ZodError,
  where: { file?: string; line?: number; sampleId?: string; prefix?: string },
): DatasetDiagnostic[] {
  return error.issues.map((issue) => {
    const field = [...(where.prefix ? [where.prefix] : []), ...issue.path.map(String)].join('.') || '(record)';
    const loc = `${where.file ?? ''}${where.line !== undefined ? `:${where.line}` : ''}`;
    const d: DatasetDiagnostic = {
      severity: 'error',
      code: 'schema',
      message: `${loc ? `${loc}: ` : ''}${field}: ${issue.message}; fix: ${fixFor(issue, field)}`,
      field,
    };
    if (where.file !== undefined) d.file = where.file;
    if (where.line !== undefined) d.line = where.line;
    if (where.sampleId !== undefined) d.sampleId = where.sampleId;
    return d;
  });
}

/** `file:line: message` for a diagnostic (file and line when known). */
export function formatDiagnostic(d: DatasetDiagnostic): string {
  const loc = d.file ? `${d.file}${d.line !== undefined ? `:${d.line}` : ''}: ` : '';
  const msg = loc && d.message.startsWith(loc) ? d.message.slice(loc.length) : d.message;
  return `${d.severity} [${d.code}] ${loc}${msg}`;
}
