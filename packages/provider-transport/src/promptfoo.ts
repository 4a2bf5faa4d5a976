// promptfoo's provider contract, as this project's providers see it, used by every mmre provider (local,
// hosted, offline) and by your own (examples/provider-minimal): its types, API keys, memoized loads and
// config errors (config parsing and never-throw are in chat.ts, the response cache in response-cache.ts).
// The types (`ProviderOptions`, `CallContext`, `ProviderResponse`, `TokenUsage`) are declared once, in
// @mmre/core, and re-exported here: @mmre/provider-testkit's conformance suite calls providers with them,
// and the testkit cannot depend on this package (this package's tests use the testkit's peers: turbo
// refuses the dependency cycle).

import { endPromptfooEval } from '@mmre/core';

export type { CallContext, ProviderOptions, ProviderResponse, TokenUsage } from '@mmre/core';

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
  return endPromptfooEval(message, new ProviderConfigError(message), argv);
}
