import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseProviderConfig } from '@mmre/provider-transport';
import type { z } from 'zod';

// promptfoo's provider contract and its config errors are declared once, in @mmre/provider-transport (src/promptfoo.ts).
export type { CallContext, ProviderOptions, ProviderResponse } from '@mmre/provider-transport';
export { failProviderConfig, ProviderConfigError } from '@mmre/provider-transport';

/** Validates a provider config with a strict zod schema (promptfoo's own `basePath` is allowed and returned apart). */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  provider: string,
  allowed: readonly string[],
): { config: z.infer<S>; basePath: string } {
  const basePath =
    typeof (raw as { basePath?: unknown } | null)?.basePath === 'string'
      ? (raw as { basePath: string }).basePath
      : process.cwd();
  return { config: parseProviderConfig(provider, schema, raw, allowed), basePath };
}

export function resolveFrom(basePath: string, p: string): string {
  return isAbsolute(p) ? p : resolve(basePath, p);
}

/** The nearest folder at or above `start` that holds a `dataset.json`, or null. */
export function findDatasetRoot(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'dataset.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
