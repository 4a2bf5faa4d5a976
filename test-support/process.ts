// Running commands from tests: asynchronously (loopback peers served by the test process keep
// answering meanwhile), and rebuilding a package whose dist/ is older than its sources (for tests of
// code that promptfoo loads from dist/).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

export interface RunResult {
  /** Exit code; null when the process was killed (see `signal`) or could not start (see `stderr`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Killed with SIGKILL after this long (shows as `signal`). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed; without it stdin is ignored. */
  input?: string;
}

/** Runs a command without a shell. Never rejects: a spawn error is appended to `stderr` with `code` null. */
export function runProcess(cmd: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    let settled = false;
    const done = (code: number | null, signal: NodeJS.Signals | null, extra = '') => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr: stderr + extra, ms: performance.now() - started });
    };
    child.on('error', (e) => done(null, null, `\nspawn error: ${e.message}`));
    child.on('close', (code, signal) => done(code, signal));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Builds `pkg` and what it depends on (`pnpm --filter <pkg>... build`) when `built` is missing or older
 * than any of `sources`; throws with pnpm's output when the build fails.
 */
export function buildIfStale(pkg: string, built: string, sources: readonly string[]): void {
  if (existsSync(built)) {
    const at = statSync(built).mtimeMs;
    if (sources.every((s) => statSync(s).mtimeMs <= at)) return;
  }
  const b = spawnSync('pnpm', ['--filter', `${pkg}...`, 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`building ${pkg} failed:\n${b.stdout}\n${b.stderr}`);
}

/** Every file under `dir`, at any depth (what a test searches for a secret: all that a run wrote). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
