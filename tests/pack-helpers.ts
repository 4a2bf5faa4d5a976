// Packing the workspace packages for the repository-level tests (tests/pack.test.ts checks what the
// tarballs hold, tests/pack-install.test.ts installs them into a project outside the workspace).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type RunResult, runProcess } from '@mmre-test/process';
import { repoRoot } from '@mmre-test/shared';

/** Folder names under packages/, sorted (package `@mmre/<name>`). */
export function workspacePackages(): string[] {
  return readdirSync(join(repoRoot, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repoRoot, 'packages', d.name, 'package.json')))
    .map((d) => d.name)
    .sort();
}

/**
 * `pnpm pack` one package into `dest`; returns the tarball's absolute path. `pnpm pack` packs what
 * is in dist/ as it is (no build): run `pnpm build` first. Errors carry pnpm's output.
 */
export function packPackage(name: string, dest: string): string {
  const dir = join(repoRoot, 'packages', name);
  let out: string;
  try {
    out = execFileSync('pnpm', ['pack', '--pack-destination', dest, '--json'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`pnpm pack failed in packages/${name}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
  const start = out.indexOf('{');
  if (start < 0) throw new Error(`pnpm pack in packages/${name} printed no JSON:\n${out}`);
  const info = JSON.parse(out.slice(start)) as { filename: string };
  return isAbsolute(info.filename) ? info.filename : join(dest, info.filename);
}

/** Pack every workspace package into `dest`: folder name → tarball path. */
export function packAll(dest: string, names: readonly string[] = workspacePackages()): Map<string, string> {
  const tarballs = new Map<string, string>();
  for (const name of names) tarballs.set(name, packPackage(name, dest));
  return tarballs;
}

export type { RunResult } from '@mmre-test/process';

/** Run a command without a shell; never rejects (a timeout kills it and shows as `signal`). stdin is empty. */
export function run(
  cmd: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string },
): Promise<RunResult> {
  return runProcess(cmd, args, { ...options, input: options.input ?? '' });
}

/** A failure message naming the command, where it ran, its exit status and its output (tail). */
export function describeRun(what: string, cwd: string, r: RunResult, max = 6000): string {
  const tail = (s: string) => (s.length > max ? `…${s.slice(-max)}` : s);
  return `${what} (in ${cwd}) exited with ${r.signal ? `signal ${r.signal}` : `code ${r.code}`} after ${Math.round(r.ms)} ms\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`;
}
