import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  encodeTestVars,
  endPromptfooEval,
  type MmreTestVars,
  type Sample,
  stubAbsentSourceMapSupport,
  type TestSegment,
} from '@mmre/core';
import { z } from 'zod';
import type { DatasetDiagnostic } from './diagnostics.js';
import { DatasetError } from './errors.js';
import { formatDiagnostic } from './issues.js';
import { resolveInside } from './paths.js';
import { loadDataset, MANIFEST_FILE, readManifest } from './store.js';

/** The `split` value that selects every split. */
export const ALL_SPLITS = 'all';

const intish = z
  .union([z.number(), z.string().regex(/^\d+$/, { message: 'must be a whole number' })])
  .transform(Number);

/** Options of the promptfoo test generator (from the config's `config:` block, then env vars). */
export const GeneratorOptionsSchema = z
  .object({
    /** Dataset folder: absolute, or relative to the promptfoo config's folder (see `resolveDatasetDir`). Env: MMRE_DATASET. */
    dataset: z.string().min(1, { message: 'dataset must name a dataset folder' }).optional(),
    /** Keep only this split (e.g. `test`); `all`: every split. Env: MMRE_SPLIT. */
    split: z.string().min(1).optional(),
    /** At most this many tests. Env: MMRE_LIMIT. */
    limit: intish.pipe(z.number().int().positive({ message: 'limit must be a positive integer' })).optional(),
    /** Only these sample ids (a list, or a comma-separated string). Env: MMRE_IDS. */
    ids: z
      .union([z.array(z.union([z.string(), z.number()]).transform(String)), z.string()])
      .transform((v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : v,
      )
      .optional(),
    /** Shuffle the selection with this seed before `limit` (a reproducible random subset). Env: MMRE_SEED. */
    seed: intish.pipe(z.number().int().min(0).max(0xffffffff)).optional(),
    /** Folder relative `dataset` paths are resolved against. Env: MMRE_CONFIG_DIR. */
    configDir: z.string().min(1).optional(),
  })
  .strict();
export type GeneratorOptions = z.input<typeof GeneratorOptionsSchema>;

/** One promptfoo test case as the generator writes it. */
export interface MmreTestCase {
  description: string;
  vars: MmreTestVars;
  metadata: { sampleId: string; split: string };
}

/** The environment variable of each option. */
const OPTION_ENV: Record<string, string> = {
  dataset: 'MMRE_DATASET',
  split: 'MMRE_SPLIT',
  limit: 'MMRE_LIMIT',
  ids: 'MMRE_IDS',
  seed: 'MMRE_SEED',
  configDir: 'MMRE_CONFIG_DIR',
};

function envOptions(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(OPTION_ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** Config files named on the command line (`-c a.yaml`, `--config=a.yaml`, `-c a.yaml b.yaml`). */
function configDirsFromArgv(argv: readonly string[]): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-c' || a === '--config') {
      for (let j = i + 1; j < argv.length && !(argv[j] as string).startsWith('-'); j++)
        dirs.push(dirname(resolve(argv[j] as string)));
    } else if (a.startsWith('--config=')) dirs.push(dirname(resolve(a.slice('--config='.length))));
  }
  return dirs;
}

/**
 * Where a `dataset` value points. Absolute paths are used as is. A relative path is looked up,
 * first hit wins, against: `configDir` (option or MMRE_CONFIG_DIR), the folders of the configs
 * given to promptfoo with `-c/--config` (promptfoo passes a test generator its `config:` block but
 * not the config's folder), then the working directory. A folder counts when it has dataset.json.
 */
export function resolveDatasetDir(
  dataset: string,
  options: { configDir?: string; argv?: readonly string[]; cwd?: string } = {},
): string {
  if (isAbsolute(dataset)) return dataset;
  const bases = [
    ...(options.configDir ? [resolve(options.configDir)] : []),
    ...configDirsFromArgv(options.argv ?? process.argv),
    options.cwd ?? process.cwd(),
  ];
  const tried = [...new Set(bases.map((b) => resolve(b, dataset)))];
  for (const dir of tried) if (existsSync(join(dir, MANIFEST_FILE))) return dir;
  throw new DatasetError(
    `mmre test generator: no dataset folder (with ${MANIFEST_FILE}) at ${JSON.stringify(dataset)}; tried ${tried.join(', ')}; fix: give an absolute path, or set configDir / MMRE_CONFIG_DIR`,
  );
}

function testSegments(root: string, sample: Sample): TestSegment[] | string {
  const out: TestSegment[] = [];
  for (const seg of sample.segments) {
    let path: string | null = null;
    if (seg.path !== undefined) {
      const r = resolveInside(root, seg.path);
      if (!r.ok) return `segment ${seg.id} path ${JSON.stringify(seg.path)} ${r.reason}`;
      path = r.absolute;
    }
    out.push({ id: seg.id, path, box: seg.box ?? null });
  }
  return out;
}

/** The promptfoo test of one sample (absolute image paths; `segments` and `gold` as JSON strings). */
export function sampleToTest(root: string, sample: Sample): MmreTestCase | string {
  const main = resolveInside(root, sample.image.path);
  if (!main.ok) return `image.path ${JSON.stringify(sample.image.path)} ${main.reason}`;
  const segments = testSegments(root, sample);
  if (typeof segments === 'string') return segments;
  return {
    description: sample.id,
    vars: encodeTestVars({
      id: sample.id,
      split: sample.split,
      text: sample.text,
      image: main.absolute,
      segments,
      gold: sample.gold,
    }),
    metadata: { sampleId: sample.id, split: sample.split },
  };
}

export interface GenerateResult {
  dir: string;
  tests: MmreTestCase[];
  /** Why records were skipped (errors with file and line), and unknown ids (warnings). */
  issues: DatasetDiagnostic[];
  /** Lines and records of the selection that were skipped. */
  skipped: number;
}

function splitList(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .map(([name, n]) => `${name} (${n})`)
      .join(', ') || 'none'
  );
}

/**
 * Like `generateTests` but returns the issues instead of printing them. Throws a `DatasetError` when
 * there is nothing to run: bad options, no dataset folder, a missing or invalid manifest, a split the
 * dataset does not have, or a selection with no usable sample (an empty dataset) — one error that
 * names the dataset's splits.
 */
export async function buildTests(
  config: unknown = {},
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): Promise<GenerateResult> {
  if (config !== undefined && config !== null && (typeof config !== 'object' || Array.isArray(config)))
    throw new DatasetError(
      `mmre test generator: config must be an object of options (dataset, split, limit, ids, seed, configDir), got ${JSON.stringify(config)}`,
    );
  const fromEnv = envOptions(env);
  const fromConfig = (config ?? {}) as Record<string, unknown>;
  const parsed = GeneratorOptionsSchema.safeParse({ ...fromEnv, ...fromConfig });
  if (!parsed.success)
    throw new DatasetError(
      `mmre test generator: invalid options: ${parsed.error.issues
        .map((i) => {
          const key = String(i.path[0] ?? '');
          const where =
            key in fromConfig || !(key in fromEnv)
              ? `config.${i.path.join('.') || '(options)'}`
              : `${OPTION_ENV[key]}=${JSON.stringify(fromEnv[key])}`;
          return `${where}: ${i.message}`;
        })
        .join('; ')}; options are dataset, split, limit, ids, seed, configDir`,
    );
  const o = parsed.data;
  if (!o.dataset)
    throw new DatasetError(
      'mmre test generator: no dataset; fix: `tests: [{path: "file://…/dist/index.js:generateTests", config: {dataset: "../datasets/mmre-sample"}}]` or set MMRE_DATASET',
    );
  const dir = resolveDatasetDir(o.dataset, { ...(o.configDir ? { configDir: o.configDir } : {}), argv });
  const manifest = await readManifest(dir);
  const splits = Object.keys(manifest.splits);
  // `all` means every split, unless the dataset has a split of that name.
  const split = o.split === ALL_SPLITS && !splits.includes(ALL_SPLITS) ? undefined : o.split;
  if (split !== undefined && !splits.includes(split))
    throw new DatasetError(
      `mmre test generator: dataset ${dir} has no split ${JSON.stringify(split)}; its splits are ${splitList(manifest.splits)}; fix: set MMRE_SPLIT (or config.split) to one of them, or to ${ALL_SPLITS} for every split`,
    );
  const loaded = await loadDataset(dir, {
    ...(split !== undefined ? { split } : {}),
    ...(o.ids !== undefined ? { ids: o.ids } : {}),
    ...(o.limit !== undefined ? { limit: o.limit } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  });
  const issues = [...loaded.issues];
  const tests: MmreTestCase[] = [];
  let skipped = loaded.skipped;
  for (const s of loaded.samples) {
    const t = sampleToTest(dir, s);
    if (typeof t === 'string') {
      skipped++;
      issues.push({
        severity: 'error',
        code: 'unsafe-path',
        message: `sample ${JSON.stringify(s.id)}: ${t} (refused; sample skipped)`,
        sampleId: s.id,
      });
    } else tests.push(t);
  }
  if (tests.length === 0) {
    const what = `${split !== undefined ? `split ${JSON.stringify(split)}` : 'the dataset'}${o.ids !== undefined ? ` with ids ${o.ids.join(', ')}` : ''}`;
    const why = issues.filter((i) => i.severity === 'error');
    const unknown = issues.flatMap((i) => (i.code === 'unknown-id' && i.sampleId !== undefined ? [i.sampleId] : []));
    throw new DatasetError(
      `mmre test generator: no test to run: ${what} of ${dir} has no usable sample${why.length > 0 ? ` (${why.length} skipped; first: ${formatDiagnostic(why[0] as DatasetDiagnostic)})` : ''}${unknown.length > 0 ? ` (ids not in the file${split !== undefined ? ` for that split` : ''}: ${unknown.join(', ')})` : ''}; valid samples per split: ${splitList(loaded.splits)} (dataset.json says ${splitList(manifest.splits)}); fix: choose a split that has samples (MMRE_SPLIT, or ${ALL_SPLITS}), or run \`mmre dataset validate ${dir}\``,
    );
  }
  return { dir, tests, issues, skipped };
}

/**
 * promptfoo test generator. Use in a config:
 *
 * ```yaml
 * tests:
 *   - path: file://../node_modules/@mmre/dataset/dist/index.js:generateTests
 *     config: { dataset: ../datasets/mmre-sample, split: test, limit: 10 }
 * ```
 *
 * One test per sample: `vars` from `encodeTestVars` (absolute image paths, `segments` and `gold` as
 * JSON strings so promptfoo does not expand them into several tests), `description` = sample id,
 * `metadata: {sampleId, split}`. Reads samples.jsonl only, never image bytes. Bad records are
 * skipped and reported on stderr (file:line and the fix); the rest are returned.
 *
 * When there is nothing to run (a `DatasetError`: bad options, a missing or invalid manifest, a split
 * the dataset does not have, no usable sample), `promptfoo eval` would print the error with a stack
 * trace, or run each prompt once without vars; instead the message is printed alone and the process
 * ends with exit code 1. Anywhere else (promptfoo's `evaluate`, `promptfoo view`), it throws.
 */
export async function generateTests(
  config?: unknown,
  options: {
    /** Runs first; a `DatasetError` it throws is reported like the generator's own (e.g. the environment of the prompts, checked once instead of failing every row). */
    preflight?: () => void;
  } = {},
): Promise<MmreTestCase[]> {
  // the eval's rows are about to run in this process: stop promptfoo's logger retrying a failed import on
  // every debug call (@mmre/core promptfoo-logger.ts)
  stubAbsentSourceMapSupport();
  let result: GenerateResult;
  try {
    options.preflight?.();
    result = await buildTests(config);
  } catch (err) {
    if (err instanceof DatasetError)
      endPromptfooEval(`${/^mmre[ :]/.test(err.message) ? '' : 'mmre test generator: '}${err.message}`, err);
    throw err;
  }
  const { dir, tests, issues, skipped } = result;
  if (issues.length > 0) {
    const shown = issues.slice(0, 5).map(formatDiagnostic).join('\n  ');
    process.stderr.write(
      `mmre test generator: ${issues.length} problem(s) in ${dir}${skipped > 0 ? `, ${skipped} sample(s) skipped` : ''}; ${tests.length} test(s) run (see all with \`mmre dataset validate ${dir}\`):\n  ${shown}${issues.length > 5 ? `\n  … and ${issues.length - 5} more` : ''}\n`,
    );
  }
  return tests;
}
