// Locating ../shared (the data beside the project root) from tests.
// When it is absent, tests that need it skip with a message; with MMRE_REQUIRE_SHARED=1
// (set by .ci/run) its absence is a failure.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of ../shared, or null when it is not there. */
export function sharedDir(): string | null {
  const fromEnv = process.env.MMRE_SHARED_DIR;
  const dir = fromEnv ? resolve(fromEnv) : resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : null;
}

export const sharedRequired = process.env.MMRE_REQUIRE_SHARED === '1';

/**
 * Path of a file inside ../shared. Returns null (and the caller skips) when absent;
 * throws when MMRE_REQUIRE_SHARED=1 so CI fails loudly.
 */
export function sharedPath(...parts: string[]): string | null {
  const dir = sharedDir();
  const p = dir ? join(dir, ...parts) : null;
  if (p && existsSync(p)) return p;
  const msg = `../shared/${parts.join('/')} is not available (set MMRE_SHARED_DIR or place shared/ beside the repo); skipping tests that read it`;
  if (sharedRequired) throw new Error(`${msg.replace('; skipping tests that read it', '')} and MMRE_REQUIRE_SHARED=1`);
  console.warn(msg);
  return null;
}
