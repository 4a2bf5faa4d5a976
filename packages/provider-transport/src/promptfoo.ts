// promptfoo's provider contract, as this project's providers see it: declared once, here, and used by
// every mmre provider (local, hosted, offline) and by your own (examples/provider-minimal). These are
// the parts of promptfoo 0.123's `ProviderOptions`, `CallApiContextParams` and `ProviderResponse`
// (promptfoo/src/types/providers.ts) that the providers read or fill in, kept structural: importing
// types from the `promptfoo` package would tie each provider package to one promptfoo build.

import { isPromptfooEval } from '@mmre/core';
/** Token counts of one answer (promptfoo's TokenUsage, the fields set here). */
export interface TokenUsage {
  prompt: number;
  completion: number;
  total: number;
  numRequests?: number;
  /** Tokens served from promptfoo's cache instead of the server (set on cache hits, as promptfoo's own providers do). */
  cached?: number;
}

/** What `callApi` returns (structurally promptfoo's ProviderResponse). */
export interface ProviderResponse {
  output?: string;
  error?: string;
  tokenUsage?: TokenUsage;
  latencyMs?: number;
  cost?: number;
  cached?: boolean;
  metadata?: Record<string, unknown>;
}

/** promptfoo's provider options: `{ id?, label?, config, env? }` (config also gets promptfoo's `basePath`). */
export interface ProviderOptions<C = unknown> {
  id?: string;
  label?: string;
  /** The provider's `config:` (with promptfoo's `basePath`); `unknown` until a provider names its config type. */
  config?: [unknown] extends [C] ? unknown : C & { basePath?: string };
  env?: Record<string, string | undefined>;
  [key: string]: unknown;
}

/** promptfoo's call context (the parts a provider reads). */
export interface CallContext {
  /** The row's vars (read them as `Record<string, unknown>`): the PFA prompts set `mode` and `segments` here (facts as data). */
  vars?: object;
  prompt?: { label?: string; raw?: string; config?: unknown };
  test?: unknown;
  /** promptfoo's response cache and its switches (see withResponseCache). */
  getCache?: () => unknown;
  bustCache?: boolean;
  repeatIndex?: number;
  [key: string]: unknown;
}

/**
 * An API key from the environment: promptfoo's provider `env:` first, then the process's; trimmed; undefined
 * when unset or blank. Keys are never read from a provider's `config:`, so they never reach result files.
 */
export function readApiKey(envName: string, options: { env?: Record<string, string | undefined> }): string | undefined {
  const v = options.env?.[envName] ?? process.env[envName];
  const key = v?.trim();
  return key ? key : undefined;
}

/**
 * A load done once per key for the whole process, shared by every provider instance: promptfoo makes a
 * provider per config entry (and again per `-c` file or repeat), but a dataset, a predictions file or a
 * response log behind them must be read or opened once. Concurrent calls share one promise; a load that
 * fails is forgotten, so the next call tries again (after the user fixed the file, say).
 */
export function onceByKey<K, V>(load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const loads = new Map<K, Promise<V>>();
  return (key) => {
    let p = loads.get(key);
    if (!p) {
      p = load(key);
      loads.set(key, p);
      p.catch(() => {
        if (loads.get(key) === p) loads.delete(key);
      });
    }
    return p;
  };
}

/** A provider configuration error, found when promptfoo loads the provider; the message names the provider, the option and the fix. */
export class ProviderConfigError extends Error {
  override name = 'ProviderConfigError';
}

/**
 * Ends a provider's construction on a bad config. Under `promptfoo eval` the message is printed alone and
 * the process ends with exit code 1 (promptfoo would print a stack trace under it; no row can run);
 * anywhere else (promptfoo's `evaluate`, `promptfoo validate`, tests) a ProviderConfigError is thrown.
 */
export function failProviderConfig(message: string, argv: readonly string[] = process.argv): never {
  if (isPromptfooEval(argv)) {
    process.stderr.write(`\n${message}\n`);
    process.exit(1);
  }
  throw new ProviderConfigError(message);
}
