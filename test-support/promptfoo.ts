// Running a real `promptfoo eval` (its CLI, as users do) from tests: in a folder of the test's own,
// with promptfoo's config dir, cache and logs inside it, telemetry and update checks off.
// Asynchronous, so loopback peers served by the test process keep answering during the eval.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

/** promptfoo's CLI entry point in the workspace's node_modules. */
export const promptfooEntrypoint = join(repoRoot, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');

/** Returns `path`, or fails with the fix when a package was not built (promptfoo loads dist/, not src/). */
export function requireDist(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing; fix: pnpm --filter ${pkg}... build`);
  return path;
}

export interface PromptfooEvalOptions {
  /** Folder to run in (created when missing). */
  dir: string;
  /** Written to `promptfooconfig.yaml` in `dir` when given (an object is written as JSON, which is YAML). */
  config?: string | object;
  /** Config files passed with -c, relative to `dir` (default: `promptfooconfig.yaml`). */
  configs?: string[];
  /** More CLI arguments (filters, -j, …). */
  args?: string[];
  env?: Record<string, string>;
  /** Use promptfoo's cache (default false: `--no-cache`). */
  cache?: boolean;
  /** Output file in `dir` (default `out.json`). */
  out?: string;
  /** Exit codes that are not a failure of the run (default 0 and 100 — promptfoo's "some test failed"). */
  okCodes?: readonly number[] | 'any';
  timeoutMs?: number;
}

export interface PromptfooRun {
  // biome-ignore lint/suspicious/noExplicitAny: promptfoo's output JSON
  output: any;
  stdout: string;
  stderr: string;
  code: number;
}

/** The environment promptfoo runs with: writes kept inside `dir`, no network chatter. */
export function promptfooEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
    PROMPTFOO_CACHE_PATH: join(dir, '.cache'),
    PROMPTFOO_LOG_DIR: join(dir, '.logs'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    // What the repository's .env gives a run from its root: no per-run debug log, whose shutdown can crash
    // promptfoo 0.123 with "write after end" (winstonjs/winston#2599). These runs start in temp dirs.
    PROMPTFOO_DISABLE_DEBUG_LOG: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

export async function promptfooEval(options: PromptfooEvalOptions): Promise<PromptfooRun> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  if (options.config !== undefined)
    await writeFile(
      join(dir, 'promptfooconfig.yaml'),
      typeof options.config === 'string' ? options.config : JSON.stringify(options.config, null, 2),
    );
  const out = join(dir, options.out ?? 'out.json');
  const configs = options.configs ?? ['promptfooconfig.yaml'];
  const args = [
    promptfooEntrypoint,
    'eval',
    ...configs.flatMap((c) => ['-c', c]),
    '-o',
    out,
    ...(options.cache ? [] : ['--no-cache']),
    '--no-table',
    '--no-progress-bar',
    ...(options.args ?? []),
  ];
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: dir,
        env: promptfooEnv(dir, options.env),
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr: err && code === 1 ? `${stderr}\n${err.message}` : stderr });
      },
    );
  });
  const ok = options.okCodes ?? [0, 100];
  if (ok !== 'any' && !ok.includes(r.code))
    throw new Error(`promptfoo ${args.slice(1).join(' ')} exited ${r.code} in ${dir}\n${r.stderr}\n${r.stdout}`);
  const output = existsSync(out) ? JSON.parse(await readFile(out, 'utf8')) : null;
  return { output, ...r };
}
