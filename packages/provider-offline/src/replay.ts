import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { MODES, type Mode, modeOf } from '@mmre/core';
import { describeLineIssues, readJsonLines } from '@mmre/core/jsonl';
import { onceByKey, withResponseCache } from '@mmre/provider-transport';
import { z } from 'zod';
import {
  type CallContext,
  errorMessage,
  failProviderConfig,
  type ProviderOptions,
  type ProviderResponse,
  parseConfig,
  resolveFrom,
} from './common.js';

export const ReplayConfigSchema = z
  .object({
    /** Predictions file (JSONL `{id, mode, output}`). Relative paths: from the promptfoo config's folder. */
    path: z.string({ message: 'is required: the predictions file (JSONL of {id, mode, output})' }).min(1),
    /** Force a mode instead of reading it from vars.mode (which the @mmre/pfa prompts set). */
    mode: z.enum(MODES, { message: `must be one of ${MODES.join(', ')}` }).optional(),
  })
  .strict();
export type ReplayConfig = z.input<typeof ReplayConfigSchema>;
const ALLOWED = Object.keys(ReplayConfigSchema.shape);

/** One line of a predictions file (other fields, e.g. a model name, are allowed and ignored). */
export const PredictionLineSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  mode: z.enum(MODES, { message: `must be one of ${MODES.join(', ')}` }),
  output: z.string({ message: 'must be a string (the raw model answer)' }),
});

export interface PredictionIssue {
  file: string;
  line: number;
  message: string;
}

export interface Predictions {
  file: string;
  /** `${id}\0${mode}` → output and the line it came from. */
  entries: Map<string, { output: string; line: number }>;
  /** Keys given twice with different outputs → the lines. */
  conflicts: Map<string, number[]>;
  issues: PredictionIssue[];
  lines: number;
}

/** Reads and validates a predictions file line by line; a bad line is reported and the rest kept. */
export async function readPredictions(file: string): Promise<Predictions> {
  const entries = new Map<string, { output: string; line: number }>();
  const conflicts = new Map<string, number[]>();
  const issues: PredictionIssue[] = [];
  let n = 0;
  for await (const { line, value: raw, error } of readJsonLines(file)) {
    n = line;
    if (error !== undefined) {
      issues.push({ file, line, message: `${error}; fix: one JSON object per line` });
      continue;
    }
    const r = PredictionLineSchema.safeParse(raw);
    if (!r.success) {
      issues.push({
        file,
        line: n,
        message: describeLineIssues(r.error),
      });
      continue;
    }
    const key = `${r.data.id}\u0000${r.data.mode}`;
    const prev = entries.get(key);
    if (prev && prev.output !== r.data.output) conflicts.set(key, [...(conflicts.get(key) ?? [prev.line]), n]);
    if (!prev) entries.set(key, { output: r.data.output, line: n });
  }
  return { file, entries, conflicts, issues, lines: n };
}

/** The predictions of a file, read once per process. */
export const loadPredictions: (file: string) => Promise<Predictions> = onceByKey(readPredictions);

/**
 * Answers from saved predictions (JSONL `{id, mode, output}`, e.g. from a Python inference run),
 * looked up by (vars.id, mode), so they are scored through the same promptfoo pipeline. A missing
 * id/mode is a per-test error naming the id, the mode and the file.
 *
 * promptfoo: `package:@mmre/provider-offline:ReplayProvider` or
 * `file://node_modules/@mmre/provider-offline/dist/replay.js`.
 */
export class ReplayProvider {
  readonly config: z.infer<typeof ReplayConfigSchema>;
  readonly file: string;
  readonly label?: string;
  private readonly providerId: string;

  constructor(options: ProviderOptions<ReplayConfig> = {}) {
    const { config, basePath } = parseConfig(ReplayConfigSchema, options.config, 'ReplayProvider', ALLOWED);
    this.config = config;
    this.file = resolveFrom(basePath, config.path);
    if (!existsSync(this.file))
      failProviderConfig(
        `ReplayProvider: config.path: predictions file ${this.file} does not exist; fix: point config.path at a JSONL file of {id, mode, output}`,
      );
    this.providerId = options.id ?? `mmre:replay:${config.path}`;
    if (options.label) this.label = options.label;
  }

  id(): string {
    return this.providerId;
  }

  toString(): string {
    return `[ReplayProvider ${this.file}]`;
  }

  async callApi(prompt: string, context?: CallContext): Promise<ProviderResponse> {
    const started = performance.now();
    try {
      const vars = (context?.vars ?? {}) as Record<string, unknown>;
      const id = typeof vars.id === 'string' || typeof vars.id === 'number' ? String(vars.id) : null;
      if (id === null)
        return { error: `ReplayProvider: the test has no vars.id; fix: give every test an id (the sample id)` };
      const mode: Mode | null = modeOf(this.config.mode, vars.mode);
      if (!mode)
        return {
          error: `ReplayProvider: cannot tell the mode of sample ${JSON.stringify(id)}: neither config.mode nor vars.mode names a mode; fix: use the @mmre/pfa prompts (they set vars.mode), or set vars.mode or config.mode (${MODES.join(', ')})`,
        };
      // promptfoo's cache: the same question against the same predictions file (its size and mtime:
      // an edited file is a new answer set) is served from it.
      const { size, mtimeMs } = await stat(this.file);
      return await withResponseCache<ProviderResponse>(
        context,
        {
          provider: 'replay',
          parts: { kind: 'replay', config: this.config, file: this.file, size, mtimeMs, mode, prompt, id },
        },
        () => this.answer(id, mode, started),
      );
    } catch (err) {
      return { error: `ReplayProvider: ${errorMessage(err)} (file ${this.file})` };
    }
  }

  /** The saved prediction for (id, mode), or a per-test error naming the id, the mode and the file. */
  private async answer(id: string, mode: Mode, started: number): Promise<ProviderResponse> {
    const preds = await loadPredictions(this.file);
    const key = `${id}\u0000${mode}`;
    const conflict = preds.conflicts.get(key);
    if (conflict)
      return {
        error: `ReplayProvider: sample ${JSON.stringify(id)} mode ${mode} has different outputs at ${conflict.map((l) => `${this.file}:${l}`).join(', ')}; fix: keep one prediction per id and mode`,
      };
    const hit = preds.entries.get(key);
    if (!hit) {
      const bad = preds.issues.length
        ? ` (${preds.issues.length} invalid line${preds.issues.length > 1 ? 's' : ''} skipped, first ${preds.issues[0]?.file}:${preds.issues[0]?.line}: ${preds.issues[0]?.message})`
        : '';
      return {
        error: `ReplayProvider: no prediction for id ${JSON.stringify(id)} mode ${mode} in ${this.file}${bad}; fix: add a line {"id": ${JSON.stringify(id)}, "mode": "${mode}", "output": "..."}`,
      };
    }
    return {
      output: hit.output,
      tokenUsage: { total: 0, prompt: 0, completion: 0, numRequests: 1 },
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
      cached: false,
      metadata: { mode, source: `${this.file}:${hit.line}` },
    };
  }
}

export default ReplayProvider;
