import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';

/** The part of promptfoo's ProviderResponse these providers fill in. */
export interface ProviderResponse {
  output?: string;
  error?: string;
  tokenUsage?: { total: number; prompt: number; completion: number; numRequests?: number };
  latencyMs?: number;
  cached?: boolean;
  metadata?: Record<string, unknown>;
}

/** The part of promptfoo's CallApiContextParams these providers read. */
export interface CallContext {
  vars?: object;
  prompt?: { label?: string; raw?: string };
  test?: unknown;
  /** promptfoo's response cache and its switches (see withResponseCache in @mmre/provider-transport). */
  getCache?: () => unknown;
  bustCache?: boolean;
  repeatIndex?: number;
}

/** promptfoo's provider options: `{ id?, label?, config, env? }` (config also gets promptfoo's `basePath`). */
export interface ProviderOptions<C> {
  id?: string;
  label?: string;
  config?: C & { basePath?: string };
  env?: Record<string, string | undefined>;
}

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
  if (!r.success) {
    const msgs = r.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `config.${k}`).join(', ')} (allowed: ${allowed.join(', ')})`;
      return `config.${issue.path.join('.')}: ${issue.message}`;
    });
    throw new ProviderConfigError(`${provider}: invalid config: ${msgs.join('; ')}`);
  }
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
