import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { DecodedTestVars, Mode } from '@mmre/core';
import { describeVarsIssues, MODES, modeOf, TestVarsSchema } from '@mmre/core';
import { readJsonLines } from '@mmre/core/jsonl';
import { z } from 'zod';
import { JsonRowScanner, MAX_VALUE_BYTES } from './json-rows.js';

/** One promptfoo result row, reduced to what the report needs (prompt text, grading and the rest are dropped while reading). */
export interface ResultRow {
  /** File the row was read from. */
  file: string;
  /** Index of the row in that file (results.results[i], or line i of a JSONL file). */
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
  vars: DecodedTestVars & { gold: NonNullable<DecodedTestVars['gold']> };
  /** `response.metadata` (model name, decoding settings, … as the provider reports them). */
  responseMetadata: Record<string, unknown>;
  /** Settings in the prompt entry's `config` (e.g. the PFA image settings in `mmre`). */
  promptSettings: Record<string, unknown>;
  /**
   * The answer was cut at the token limit: the provider reported `finish_reason: "length"` (in
   * `response.metadata.finishReason`, or `truncated: true`).
   */
  truncated: boolean;
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
  /**
   * Where the entry comes from: the file's `config.providers` (its settings are known), or only its
   * rows (promptfoo's JSONL output has no config: settings unknown, model from the responses).
   */
  source: 'config' | 'rows';
}

export interface RunInfo {
  file: string;
  evalId: string | null;
  promptfooVersion: string | null;
  createdAt: string | null;
  description: string | null;
  rows: number;
  providers: ProviderSettings[];
  /** Names of the environment variables the provider configs take their keys from (`apiKeyEnv`; names, never values). */
  keyEnvs: string[];
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
      .loose()
      .optional(),
    prompt: z
      .object({
        label: z.string().optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .loose()
      .optional(),
    provider: z
      .union([z.string(), z.object({ id: z.string().optional(), label: z.string().optional() }).loose()])
      .optional(),
    response: z
      .object({
        output: z.unknown().optional(),
        error: z.unknown().optional(),
        cached: z.boolean().optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
      })
      .loose()
      .nullable()
      .optional(),
    error: z.unknown().optional(),
    failureReason: z.number().optional(),
    latencyMs: z.number().optional(),
    tokenUsage: z
      .object({ prompt: z.number().optional(), completion: z.number().optional(), total: z.number().optional() })
      .loose()
      .optional(),
  })
  .loose();

/** promptfoo's ResultFailureReason.ASSERT: the row answered and an assertion failed. */
const ASSERT_FAILURE = 1;

/** Keys never copied into the report (credentials). */
const SECRET_KEY = /api_?key|secret|password|passwd|auth|bearer|cookie|headers|credential|access_?token/i;
/** Provider config keys kept as decoding / resolution settings. */
const SETTING_KEY =
  /temperature|top_?p|top_?k|min_?p|max_?(new_?)?tokens|max_?completion|seed|repetition|presence|frequency|penalty|stop|pixels|resolution|detail|image|num_?ctx|base_?urls?|api_?base|backend|region|constrain|regex|grammar|extra_?body|concurrency|timeout|retries|mode|dtype|quant|dataset|split|^provider$|^mmre$/i;

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

function modelOf(cfg: Record<string, unknown>, id: string): string | null {
  for (const k of ['model', 'modelName', 'model_name']) if (typeof cfg[k] === 'string') return cfg[k] as string;
  // `openai:chat:Qwen/Qwen2.5-VL-7B-Instruct` style ids carry the model after the last provider prefix.
  const m = /^(?:openai|openrouter|vllm|ollama|dashscope|alibaba):(?:chat:|completion:)?(.+)$/.exec(id);
  return m?.[1] ?? null;
}

/** The provider entries of a results file's config: id, label and config, whatever form each is written in. */
function configProviders(config: unknown): { id: string; label: string | null; cfg: Record<string, unknown> }[] {
  const raw = (config as { providers?: unknown } | null | undefined)?.providers;
  const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: { id: string; label: string | null; cfg: Record<string, unknown> }[] = [];
  for (const p of list) {
    if (typeof p === 'string') {
      out.push({ id: p, label: null, cfg: {} });
      continue;
    }
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    // `{ "openai:chat:x": { config } }` shorthand.
    if (typeof o.id !== 'string' && Object.keys(o).length === 1) {
      const [id, body] = Object.entries(o)[0] as [string, Record<string, unknown> | undefined];
      const label = typeof body?.label === 'string' ? body.label : null;
      out.push({ id, label, cfg: (body?.config ?? {}) as Record<string, unknown> });
      continue;
    }
    const id = typeof o.id === 'string' ? o.id : 'unknown';
    const label = typeof o.label === 'string' ? o.label : null;
    out.push({ id, label, cfg: (o.config ?? {}) as Record<string, unknown> });
  }
  return out;
}

function providersFromConfig(config: unknown): ProviderSettings[] {
  return configProviders(config).map(({ id, label, cfg }) => ({
    key: label ?? id,
    id,
    label,
    model: modelOf(cfg, id),
    settings: pickSettings(cfg),
    source: 'config' as const,
  }));
}

/** The `apiKeyEnv` names of a results file's provider configs. */
function keyEnvsOf(config: unknown): string[] {
  const out = new Set<string>();
  for (const { cfg } of configProviders(config)) {
    const name = cfg.apiKeyEnv;
    if (typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) out.add(name);
  }
  return [...out].sort();
}

/** Warnings kept per file; the rest are counted. */
const MAX_WARNINGS = 20;

/** Reads rows one at a time into ResultRows, collecting warnings. */
class RowReader {
  readonly rows: ResultRow[] = [];
  readonly warnings: string[] = [];
  private skipped = 0;

  constructor(readonly file: string) {}

  warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
    else this.skipped++;
  }

  /** Final warnings, with a count of the ones left out. */
  allWarnings(): string[] {
    return this.skipped > 0
      ? [...this.warnings, `${this.file}: … and ${this.skipped} more row warnings like the above`]
      : this.warnings;
  }

  add(rawRow: unknown, index: number, where: string): void {
    const r = RowSchema.safeParse(rawRow);
    if (!r.success) {
      const issue = r.error.issues[0];
      this.warn(`${where}.${issue?.path.join('.')}: ${issue?.message}; row skipped`);
      return;
    }
    const row = r.data;
    const rawVars = row.vars ?? row.testCase?.vars;
    if (!rawVars) {
      this.warn(`${where}: no vars; row skipped (M-MRE rows carry vars id, text, image, segments, gold)`);
      return;
    }
    const v = TestVarsSchema.safeParse(rawVars);
    if (!v.success) {
      this.warn(`${where}: ${describeVarsIssues(v.error)}; row skipped (use the @mmre/dataset test generator)`);
      return;
    }
    const vars = v.data;
    if (!vars.gold) {
      this.warn(`${where}: vars.gold is missing (sample ${vars.id}); row skipped`);
      return;
    }
    // The mode as data: what the PFA prompt recorded in the row's prompt config, else vars.mode
    // (set on the test for other prompts), else a prompt label that is a mode name.
    const promptConfig = row.prompt?.config ?? {};
    const recorded = (promptConfig.mmre as { mode?: unknown } | undefined)?.mode;
    const mode = modeOf(recorded, vars.mode, row.prompt?.label);
    if (!mode) {
      this.warn(
        `${where}: the row does not say its mode (no prompt.config.mmre.mode from the @mmre/pfa prompts, no vars.mode, and the prompt label ${JSON.stringify(row.prompt?.label ?? null)} is not ${MODES.join(', ')}); row skipped`,
      );
      return;
    }
    const prov = row.provider;
    const providerId = typeof prov === 'string' ? prov : (prov?.id ?? 'unknown');
    const providerLabel = typeof prov === 'string' ? null : prov?.label || null;
    const response = row.response ?? null;
    const output = response ? stringOutput(response.output) : null;
    // A provider or evaluation error (promptfoo's failureReason 2), not a failed assertion: promptfoo also
    // writes the reason of a failed assertion into `error` (failureReason 1), and that row has an answer.
    const error = errorText(response?.error) ?? (row.failureReason === ASSERT_FAILURE ? null : errorText(row.error));
    const tu = row.tokenUsage;
    this.rows.push({
      file: this.file,
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
      vars: vars as ResultRow['vars'],
      responseMetadata: response?.metadata ?? {},
      promptSettings: pickSettings(promptConfig),
      truncated: response?.metadata?.finishReason === 'length' || response?.metadata?.truncated === true,
    });
  }
}

interface FileTop {
  evalId?: unknown;
  config?: unknown;
  metadata?: unknown;
  timestamp?: unknown;
}

function runInfo(file: string, top: FileTop, reader: RowReader): RunInfo {
  const providers = providersFromConfig(top.config);
  // Fill in model names the config did not state (or, in JSONL files, every provider) from the rows.
  const known = new Set(providers.map((p) => p.key));
  for (const r of reader.rows) {
    if (known.has(r.provider)) continue;
    known.add(r.provider);
    providers.push({
      key: r.provider,
      id: r.providerId,
      label: r.provider === r.providerId ? null : r.provider,
      model: null,
      settings: {},
      source: 'rows',
    });
  }
  for (const p of providers) {
    if (p.model) continue;
    const hit = reader.rows.find((r) => r.provider === p.key && typeof r.responseMetadata.model === 'string');
    if (hit) p.model = hit.responseMetadata.model as string;
  }
  const meta = (top.metadata ?? {}) as Record<string, unknown>;
  const config = (top.config ?? {}) as Record<string, unknown>;
  return {
    file,
    evalId: typeof top.evalId === 'string' ? top.evalId : null,
    promptfooVersion: typeof meta.promptfooVersion === 'string' ? meta.promptfooVersion : null,
    createdAt:
      typeof meta.evaluationCreatedAt === 'string'
        ? meta.evaluationCreatedAt
        : typeof top.timestamp === 'string'
          ? top.timestamp
          : null,
    description: typeof config.description === 'string' ? config.description : null,
    rows: reader.rows.length,
    providers,
    keyEnvs: keyEnvsOf(top.config),
  };
}

/** Thrown for a results file that cannot be read; the message names the file and the fix. */
export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
}

const HOW = 'write one with `promptfoo eval -o results.json` (or `-o results.jsonl`)';

/**
 * Reads one already-parsed promptfoo output object (`promptfoo eval -o out.json`). Rows that cannot
 * be used (no vars, vars not in the M-MRE shape, no mode) are skipped with a warning naming the file,
 * row and field. For files, use `loadResults`, which streams them.
 */
export function parseResultsJson(json: unknown, file: string): LoadedResults {
  const data = json as {
    results?: { results?: unknown; timestamp?: unknown };
    evalId?: unknown;
    config?: unknown;
    metadata?: unknown;
  } | null;
  if (!data || typeof data !== 'object' || !Array.isArray(data.results?.results))
    throw new ResultsFileError(`${file}: not a promptfoo results file (no results.results array); ${HOW}`);
  const reader = new RowReader(file);
  data.results.results.forEach((row, i) => {
    reader.add(row, i, `${file}: results.results[${i}]`);
  });
  const run = runInfo(file, { ...data, timestamp: data.results.timestamp }, reader);
  return { rows: reader.rows, runs: [run], warnings: reader.allWarnings() };
}

/** Streams a promptfoo `-o out.json` file: rows are read one at a time, never the whole file. */
async function streamJson(file: string, maxRowBytes: number): Promise<LoadedResults> {
  const reader = new RowReader(file);
  const top: FileTop = {};
  let rows = 0;
  const scanner = new JsonRowScanner(
    TOP_PATHS,
    'results.results',
    {
      onElement: (value, index) => {
        reader.add(value, index, `${file}: results.results[${index}]`);
        rows++;
      },
      onValue: (path, value) => {
        if (path === 'results.timestamp') top.timestamp = value;
        else top[path as 'evalId' | 'config' | 'metadata'] = value;
      },
      onTooLarge: (path, index, bytes) => {
        const where = index >= 0 ? `results.results[${index}]` : path;
        reader.warn(
          `${file}: ${where} is ${(bytes / 2 ** 20).toFixed(0)} MiB, over the ${(maxRowBytes / 2 ** 20).toFixed(0)} MiB the report reads of one value (images inline in the prompt? set PROMPTFOO_STRIP_PROMPT_TEXT=true, or use this project's providers, which send image references); skipped`,
        );
      },
    },
    maxRowBytes,
  );
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) scanner.write(chunk as Buffer);
    scanner.end();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const partial = rows > 0 ? ` after ${rows} rows: the file is cut off or damaged (an interrupted eval?)` : '';
    throw new ResultsFileError(
      `${file}: not valid JSON${partial} (${msg}); promptfoo writes JSON for \`-o results.json\` and JSON lines for \`-o results.jsonl\`; rerun the eval, or pass the file promptfoo wrote`,
    );
  }
  if (!scanner.sawElements)
    throw new ResultsFileError(`${file}: not a promptfoo results file (no results.results array); ${HOW}`);
  return { rows: reader.rows, runs: [runInfo(file, top, reader)], warnings: reader.allWarnings() };
}

/** The top-level values of a results file besides its rows. */
const TOP_PATHS: ReadonlySet<string> = new Set(['evalId', 'config', 'metadata', 'results.timestamp']);

/** Streams a promptfoo `-o out.jsonl` file: one result row per line. */
async function streamJsonl(file: string, maxRowBytes: number): Promise<LoadedResults> {
  const reader = new RowReader(file);
  let lines = 0;
  let bad = 0;
  for await (const { line, value, error } of readJsonLines(file, { maxLineBytes: maxRowBytes })) {
    lines++;
    if (error !== undefined) {
      bad++;
      reader.warn(`${file}:${line}: ${error}; line skipped`);
      continue;
    }
    reader.add(value, line - 1, `${file}:${line}`);
  }
  if (reader.rows.length === 0 && bad > 0 && bad === lines)
    throw new ResultsFileError(`${file}: no line is JSON; ${HOW}`);
  return { rows: reader.rows, runs: [runInfo(file, {}, reader)], warnings: reader.allWarnings() };
}

/** What a file starts with, to tell JSON from JSON lines whatever its name. */
async function firstBytes(file: string): Promise<string> {
  for await (const chunk of createReadStream(file, { start: 0, end: 4095, encoding: 'utf8' })) return chunk as string;
  return '';
}

const byFile = (a: { file: string }, b: { file: string }) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/**
 * Merges several loaded files (separate runs per mode, or shards of one run) in file-name order, so
 * the merged results — rows, runs and warnings — do not depend on the order the files were given in.
 */
export function mergeResults(parts: readonly LoadedResults[]): LoadedResults {
  const sorted = [...parts].sort((a, b) => byFile(a.runs[0] ?? { file: '' }, b.runs[0] ?? { file: '' }));
  return {
    rows: sorted.flatMap((p) => p.rows),
    runs: sorted.flatMap((p) => p.runs).sort(byFile),
    warnings: sorted.flatMap((p) => p.warnings),
  };
}

/**
 * Reads and merges promptfoo output files, streaming each (`-o out.json` or `-o out.jsonl`, told
 * apart by their content): memory holds the reduced rows, never a whole file. A file that cannot be
 * read is a ResultsFileError naming the fix.
 */
export async function loadResults(
  paths: readonly string[],
  options: { maxRowBytes?: number } = {},
): Promise<LoadedResults> {
  const maxRowBytes = options.maxRowBytes ?? MAX_VALUE_BYTES;
  if (paths.length === 0)
    throw new ResultsFileError(
      `no results files given; pass one or more files that ${HOW.replace('write one with', 'come from')}`,
    );
  const parts: LoadedResults[] = [];
  for (const path of paths) {
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a file');
      if (st.size === 0)
        throw new ResultsFileError(`${path}: the file is empty (did the eval stop before writing it?); ${HOW}`);
    } catch (err) {
      if (err instanceof ResultsFileError) throw err;
      throw new ResultsFileError(
        `${path}: cannot read (${err instanceof Error ? err.message : String(err)}); check the path`,
      );
    }
    const head = (await firstBytes(path)).replace(/^\uFEFF/, '').trimStart();
    if (head.startsWith('<')) throw new ResultsFileError(`${path}: this is HTML or XML, not promptfoo's JSON; ${HOW}`);
    // A JSON lines file starts with a row object; a JSON file with the output object, whose first keys
    // are not those of a row.
    const jsonl = path.endsWith('.jsonl') || /^\{[^\n]*\}\s*\n\s*\{/.test(head);
    if (!head.startsWith('{'))
      throw new ResultsFileError(
        `${path}: not promptfoo JSON (it starts with ${JSON.stringify(head.slice(0, 20))}; CSV?); ${HOW}`,
      );
    parts.push(jsonl ? await streamJsonl(path, maxRowBytes) : await streamJson(path, maxRowBytes));
  }
  return mergeResults(parts);
}
