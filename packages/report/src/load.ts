import { readFile } from 'node:fs/promises';
import type { DecodedTestVars, Mode } from '@mmre/core';
import { isMode, resolveMode, TestVarsSchema } from '@mmre/core';
import { z } from 'zod';

/** One promptfoo result row, reduced to what the report needs. */
export interface ResultRow {
  /** File the row was read from. */
  file: string;
  /** Index of the row in `results.results[]` of that file. */
  index: number;
  /** Sample id (`vars.id`). */
  id: string;
  mode: Mode;
  /** Provider key: label when set, else id. */
  provider: string;
  providerId: string;
  promptLabel: string | null;
  /** Model output text; null when the call errored or returned no text. */
  output: string | null;
  /** Provider or evaluation error, when any. */
  error: string | null;
  /** True when promptfoo served the response from its cache. */
  cached: boolean;
  latencyMs: number | null;
  tokens: { prompt: number; completion: number; total: number } | null;
  vars: DecodedTestVars;
  /** Named scores the assertions emitted (kept for cross-checks; the report recomputes everything). */
  namedScores: Record<string, number>;
  /** `response.metadata` (model name, decoding settings, … as the provider reports them). */
  responseMetadata: Record<string, unknown>;
  /** Settings in the prompt entry's `config` (e.g. the PFA image resolution: minPixels/maxPixels). */
  promptSettings: Record<string, unknown>;
}

/** Settings of one provider as configured in a results file (secrets removed). */
export interface ProviderSettings {
  key: string;
  id: string;
  label: string | null;
  /** Model name, from the provider config or the responses. */
  model: string | null;
  /** Decoding and resolution settings (temperature, top_p, max_tokens, seed, pixels, …). */
  settings: Record<string, unknown>;
}

export interface RunInfo {
  file: string;
  evalId: string | null;
  promptfooVersion: string | null;
  createdAt: string | null;
  description: string | null;
  rows: number;
  providers: ProviderSettings[];
}

export interface LoadedResults {
  rows: ResultRow[];
  runs: RunInfo[];
  /** Problems found while reading (bad rows are skipped, never fatal). */
  warnings: string[];
}

const RowSchema = z
  .object({
    vars: z.record(z.string(), z.unknown()).optional(),
    testCase: z
      .object({ vars: z.record(z.string(), z.unknown()).optional() })
      .passthrough()
      .optional(),
    prompt: z
      .object({
        raw: z.string().optional(),
        label: z.string().optional(),
        id: z.string().optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough()
      .optional(),
    provider: z
      .union([z.string(), z.object({ id: z.string().optional(), label: z.string().optional() }).passthrough()])
      .optional(),
    response: z
      .object({
        output: z.unknown().optional(),
        error: z.unknown().optional(),
        cached: z.boolean().optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
    error: z.unknown().optional(),
    latencyMs: z.number().optional(),
    tokenUsage: z
      .object({ prompt: z.number().optional(), completion: z.number().optional(), total: z.number().optional() })
      .passthrough()
      .optional(),
    namedScores: z.record(z.string(), z.number()).optional(),
  })
  .passthrough();

const FileSchema = z
  .object({
    evalId: z.string().nullable().optional(),
    results: z
      .object({
        version: z.number().optional(),
        timestamp: z.string().optional(),
        results: z.array(z.unknown()),
      })
      .passthrough(),
    config: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** Keys never copied into the report (credentials). */
const SECRET_KEY = /api_?key|secret|password|passwd|auth|bearer|cookie|headers|credential|access_?token/i;
/** Provider config keys kept as decoding / resolution settings. */
const SETTING_KEY =
  /temperature|top_?p|top_?k|min_?p|max_?(new_?)?tokens|max_?completion|seed|repetition|presence|frequency|penalty|stop|pixels|resolution|detail|image|num_?ctx|base_?urls?|api_?base|backend|region|constrain|regex|grammar|extra_?body|concurrency|timeout|retries|mode|dtype|quant|dataset|split|^provider$/i;

function stringOutput(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.text === 'string') return o.text;
    if (typeof o.content === 'string') return o.content;
  }
  return JSON.stringify(value);
}

function errorText(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Picks the decoding / resolution settings from a provider config, dropping credentials. */
export function pickSettings(config: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!config || typeof config !== 'object') return out;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    if (SECRET_KEY.test(k) && !/max_?(new_?)?tokens|max_?completion/i.test(k)) continue;
    if (!SETTING_KEY.test(k)) continue;
    if (v === undefined || typeof v === 'function') continue;
    out[k] = v;
  }
  return out;
}

function providersFromConfig(config: Record<string, unknown> | undefined): ProviderSettings[] {
  const raw = config?.providers;
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: ProviderSettings[] = [];
  for (const p of list) {
    if (typeof p === 'string') {
      out.push({ key: p, id: p, label: null, model: null, settings: {} });
      continue;
    }
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    // `{ "openai:chat:x": { config } }` shorthand.
    if (typeof o.id !== 'string' && Object.keys(o).length === 1) {
      const [id, body] = Object.entries(o)[0] as [string, Record<string, unknown> | undefined];
      const label = typeof body?.label === 'string' ? body.label : null;
      const cfg = (body?.config ?? {}) as Record<string, unknown>;
      out.push({ key: label ?? id, id, label, model: modelOf(cfg, id), settings: pickSettings(cfg) });
      continue;
    }
    const id = typeof o.id === 'string' ? o.id : 'unknown';
    const label = typeof o.label === 'string' ? o.label : null;
    const cfg = (o.config ?? {}) as Record<string, unknown>;
    out.push({ key: label ?? id, id, label, model: modelOf(cfg, id), settings: pickSettings(cfg) });
  }
  return out;
}

function modelOf(cfg: Record<string, unknown>, id: string): string | null {
  for (const k of ['model', 'modelName', 'model_name']) if (typeof cfg[k] === 'string') return cfg[k] as string;
  // `openai:chat:Qwen/Qwen2.5-VL-7B-Instruct` style ids carry the model after the last provider prefix.
  const m = /^(?:openai|openrouter|vllm|ollama|dashscope|alibaba):(?:chat:|completion:)?(.+)$/.exec(id);
  return m?.[1] ?? null;
}

/**
 * Reads one parsed promptfoo output file (`promptfoo eval -o out.json`). Rows that cannot be used
 * (no vars, vars not in the M-MRE test-vars shape, no recognisable mode) are skipped with a warning
 * naming the file, row and field.
 */
export function parseResultsJson(json: unknown, file: string): LoadedResults {
  const warnings: string[] = [];
  const parsed = FileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: not a promptfoo results file (${issue?.path.join('.') || 'top level'}: ${issue?.message}); ` +
        'write one with `promptfoo eval -o results.json`',
    );
  }
  const data = parsed.data;
  const providers = providersFromConfig(data.config);
  const rows: ResultRow[] = [];
  data.results.results.forEach((rawRow, index) => {
    const where = `${file}: results.results[${index}]`;
    const r = RowSchema.safeParse(rawRow);
    if (!r.success) {
      const issue = r.error.issues[0];
      warnings.push(`${where}.${issue?.path.join('.')}: ${issue?.message}; row skipped`);
      return;
    }
    const row = r.data;
    const rawVars = row.vars ?? row.testCase?.vars;
    if (!rawVars) {
      warnings.push(`${where}: no vars; row skipped (M-MRE rows carry vars id, text, image, segments, gold)`);
      return;
    }
    const v = TestVarsSchema.safeParse(rawVars);
    if (!v.success) {
      const issue = v.error.issues[0];
      warnings.push(
        `${where}.vars.${issue?.path.join('.') ?? ''}: ${issue?.message}; row skipped (use the @mmre/dataset test generator)`,
      );
      return;
    }
    const vars = v.data;
    if (!vars.gold) {
      warnings.push(`${where}: vars.gold is missing (sample ${vars.id}); row skipped`);
      return;
    }
    let mode = resolveMode(vars.mode, row.prompt?.raw);
    if (!mode && isMode(row.prompt?.label)) mode = row.prompt?.label as Mode;
    if (!mode) {
      warnings.push(
        `${where}: cannot tell the mode (prompt names neither "Task 1 Answer:" nor "Task 2 Answer:" and vars.mode is unset); row skipped`,
      );
      return;
    }
    const prov = row.provider;
    const providerId = typeof prov === 'string' ? prov : (prov?.id ?? 'unknown');
    const providerLabel = typeof prov === 'string' ? null : (prov?.label ?? null);
    const response = row.response ?? null;
    const output = response ? stringOutput(response.output) : null;
    const error = errorText(row.error) ?? errorText(response?.error);
    const tu = row.tokenUsage;
    rows.push({
      file,
      index,
      id: vars.id,
      mode,
      provider: providerLabel ?? providerId,
      providerId,
      promptLabel: row.prompt?.label ?? null,
      output,
      error: error ?? (output === null ? 'no output' : null),
      cached: response?.cached === true,
      latencyMs: row.latencyMs ?? null,
      tokens: tu ? { prompt: tu.prompt ?? 0, completion: tu.completion ?? 0, total: tu.total ?? 0 } : null,
      vars,
      namedScores: row.namedScores ?? {},
      responseMetadata: response?.metadata ?? {},
      promptSettings: pickSettings(row.prompt?.config),
    });
  });
  // Fill in model names the config did not state from the responses' metadata.
  for (const p of providers) {
    if (p.model) continue;
    const hit = rows.find((r) => r.provider === p.key && typeof r.responseMetadata.model === 'string');
    if (hit) p.model = hit.responseMetadata.model as string;
  }
  const meta = data.metadata ?? {};
  const run: RunInfo = {
    file,
    evalId: data.evalId ?? null,
    promptfooVersion: typeof meta.promptfooVersion === 'string' ? meta.promptfooVersion : null,
    createdAt:
      typeof meta.evaluationCreatedAt === 'string' ? meta.evaluationCreatedAt : (data.results.timestamp ?? null),
    description: typeof data.config?.description === 'string' ? data.config.description : null,
    rows: rows.length,
    providers,
  };
  return { rows, runs: [run], warnings };
}

/** Merges several loaded files (separate runs per mode, or shards of one run). */
export function mergeResults(parts: readonly LoadedResults[]): LoadedResults {
  return {
    rows: parts.flatMap((p) => p.rows),
    runs: parts.flatMap((p) => p.runs),
    warnings: parts.flatMap((p) => p.warnings),
  };
}

/** Reads and merges promptfoo output files. */
export async function loadResults(paths: readonly string[]): Promise<LoadedResults> {
  if (paths.length === 0) throw new Error('no results files given; pass one or more `promptfoo eval -o` JSON files');
  const parts: LoadedResults[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new Error(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(
        `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)}); ` +
          'promptfoo writes JSON for `-o results.json` (not .jsonl/.csv)',
      );
    }
    parts.push(parseResultsJson(json, path));
  }
  return mergeResults(parts);
}
