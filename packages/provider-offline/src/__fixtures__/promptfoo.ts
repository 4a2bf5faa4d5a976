// Runs a real `promptfoo eval` in a temp folder (config, cache and logs kept there).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export function promptfooBin(): string {
  // The package's main entry is dist/src/index.*; the CLI sits beside it.
  const main = require.resolve('promptfoo', { paths: [process.cwd(), dirname(new URL(import.meta.url).pathname)] });
  return join(dirname(main), 'entrypoint.js');
}

/** Fails with the fix when the package has not been built (promptfoo loads dist/, not src/). */
export function requireDist(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing; fix: pnpm --filter ${pkg}... build`);
  return path;
}

export interface PromptfooRun {
  // biome-ignore lint/suspicious/noExplicitAny: promptfoo's output JSON
  output: any;
  stdout: string;
  stderr: string;
  code: number;
}

export async function promptfooEval(dir: string, configYaml: string, env: Record<string, string> = {}): Promise<PromptfooRun> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'promptfooconfig.yaml'), configYaml);
  const out = join(dir, 'out.json');
  let stdout = '';
  let stderr = '';
  let code = 0;
  try {
    const r = await run(process.execPath, [promptfooBin(), 'eval', '-c', 'promptfooconfig.yaml', '-o', out, '--no-cache', '--no-table', '--no-progress-bar'], {
      cwd: dir,
      env: {
        ...process.env,
        PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
        PROMPTFOO_CACHE_PATH: join(dir, '.cache'),
        PROMPTFOO_DISABLE_TELEMETRY: '1',
        PROMPTFOO_DISABLE_UPDATE: '1',
        PROMPTFOO_DISABLE_SHARING: '1',
        ...env,
      },
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    stdout = r.stdout;
    stderr = r.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number; message?: string };
    stdout = e.stdout ?? '';
    stderr = `${e.stderr ?? ''}\n${e.message ?? ''}`;
    code = typeof e.code === 'number' ? e.code : 1;
  }
  const output = existsSync(out) ? JSON.parse(await readFile(out, 'utf8')) : null;
  return { output, stdout, stderr, code };
}
