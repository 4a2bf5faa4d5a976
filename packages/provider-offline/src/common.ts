import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { formatConfigError } from '@mmre/provider-transport';
import type { z } from 'zod';

// promptfoo's provider contract is declared once, in @mmre/provider-transport (src/promptfoo.ts).
export type { CallContext, ProviderOptions, ProviderResponse } from '@mmre/provider-transport';

/** A configuration error, thrown at load time; the message names the provider, the option and the fix. */
export class ProviderConfigError extends Error {
  override name = 'ProviderConfigError';
}

/** Validates a provider config with a strict zod schema (promptfoo's own `basePath` is allowed and returned apart). */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  provider: string,
  allowed: readonly string[],
): { config: z.infer<S>; basePath: string } {
  const input = { ...((raw ?? {}) as Record<string, unknown>) };
  const basePath = typeof input.basePath === 'string' ? input.basePath : process.cwd();
  delete input.basePath;
  const r = schema.safeParse(input);
  if (!r.success) throw new ProviderConfigError(formatConfigError(provider, r.error, allowed));
  return { config: r.data, basePath };
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
