import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { stableJson } from '@mmre/core';
import { z } from 'zod';
import { LOG_FILE, ResponseLog } from './response-log.js';

/**
 * promptfoo's response cache, used through the call context, for every mmre provider.
 *
 * promptfoo (0.123) passes `getCache` (its own cache: disk store at PROMPTFOO_CACHE_PATH, default
 * ~/.promptfoo/cache, TTL PROMPTFOO_CACHE_TTL), `bustCache`/`debug` and `repeatIndex` in the context of
 * every `callApi(prompt, context)`. Its built-in providers serve a hit only when `isCacheEnabled()` and
 * the call is not busted (`context.bustCache ?? context.debug`); `isCacheEnabled()` is not in the
 * context and importing it from the `promptfoo` package reaches another module instance than the CLI's,
 * so this module reads the signals the CLI leaves behind instead (see {@link promptfooCacheDisabled}).
 * No promptfoo import: the helper only needs an object with async `get`/`set`.
 *
 * Where promptfoo's cache is on disk, the answers themselves are kept beside it in a ResponseLog (one JSON
 * line per answer; see response-log.ts for why), tied to promptfoo's cache by a marker entry so that
 * `promptfoo cache clear` clears them too; with promptfoo's memory cache (or a test's stand-in) they
 * stay in promptfoo's cache.
 */

/** The part of promptfoo's cache (a cache-manager Cache over Keyv stores) this module uses. */
export interface ResponseCacheStore {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

/** The part of promptfoo's call context this module reads. */
export interface ResponseCacheContext {
  getCache?: () => ResponseCacheStore | Promise<ResponseCacheStore>;
  bustCache?: boolean;
  debug?: boolean;
  repeatIndex?: number;
}

/** What the cached call returns: a promptfoo provider response (structurally). */
export interface CacheableResponse {
  output?: unknown;
  error?: unknown;
  cached?: boolean;
  cost?: number;
  latencyMs?: number;
  metadata?: unknown;
  tokenUsage?: { total?: number; prompt?: number; completion?: number; cached?: number; numRequests?: number };
}

export interface ResponseCacheKey {
  /** Namespace of the key: `mmre:<provider>:v1:` (e.g. `qwen-local`, `baseline`). */
  provider: string;
  /**
   * Everything the answer depends on: JSON values, hashed as stable JSON (object keys sorted). Never
   * an API key (the hash would not leak it, but a key must not decide cache identity either).
   */
  parts: unknown;
  /** Secrets (API keys) a stored response must not contain: such a response is not stored. */
  secrets?: readonly (string | undefined)[];
}

/** Where the process signals come from (defaults: `process.env`, `process.argv`); tests pass their own. */
export interface CacheSignals {
  env?: Record<string, string | undefined>;
  argv?: readonly string[];
}

/** What happened to one call (for tests and debugging). */
export type CacheOutcome =
  | { kind: 'hit'; key: string }
  | { kind: 'stored'; key: string }
  | { kind: 'not-stored'; key: string; why: 'error' | 'secret' | 'no-output' | 'store-failed' }
  | { kind: 'off'; why: string };

export const RESPONSE_CACHE_VERSION = 'v1';

/** promptfoo's getEnvBool truth values: anything else set and non-empty is false. */
const TRUE_VALUES = ['1', 'true', 'yes', 'yup', 'yeppers'];

/** `mmre:<provider>:v1:<sha256 of the stable JSON of { parts, repeat }>`. `repeat` is promptfoo's repeatIndex (0 when absent). */
export function responseCacheKey(provider: string, parts: unknown, repeatIndex = 0): string {
  const digest = createHash('sha256')
    .update(stableJson({ parts, repeat: repeatIndex }))
    .digest('hex');
  return `mmre:${provider}:${RESPONSE_CACHE_VERSION}:${digest}`;
}

function storesOf(cache: unknown): unknown[] | undefined {
  const stores = (cache as { stores?: unknown } | null)?.stores;
  return Array.isArray(stores) && stores.length > 0 ? stores : undefined;
}

/**
 * Why promptfoo's cache is off, or null when it is on. Checked, in order:
 * - `PROMPTFOO_CACHE_ENABLED` set to anything but 1/true/yes (promptfoo's own reading of it);
 * - `--no-cache` on the command line (`promptfoo eval --no-cache`);
 * - the cache promptfoo handed out was built while caching was off (`--no-cache`, `evaluateOptions.cache:
 *   false`, `disableCache()`): promptfoo then builds it without its disk store, so a cache that has only
 *   in-memory stores although PROMPTFOO_CACHE_TYPE (default `disk`, `memory` under NODE_ENV=test) asks
 *   for disk means "off".
 * A cache switched off after promptfoo built it, with none of these signals (only the programmatic
 * `evaluate(…, { cache: false })` can do that), is not detected: run such evals with
 * PROMPTFOO_CACHE_ENABLED=false.
 */
export function promptfooCacheDisabled(cache?: unknown, signals: CacheSignals = {}): string | null {
  const env = signals.env ?? process.env;
  const argv = signals.argv ?? process.argv;
  const flag = env.PROMPTFOO_CACHE_ENABLED;
  if (flag !== undefined && flag !== '' && !TRUE_VALUES.includes(flag.toLowerCase()))
    return `PROMPTFOO_CACHE_ENABLED=${flag}`;
  if (argv.includes('--no-cache')) return '--no-cache';
  const type = env.PROMPTFOO_CACHE_TYPE || (env.NODE_ENV === 'test' ? 'memory' : 'disk');
  const stores = storesOf(cache);
  if (type !== 'memory' && stores?.every((s) => (s as { store?: unknown } | null)?.store instanceof Map))
    return 'promptfoo built its cache with caching off (no disk store)';
  return null;
}

/** The folder of promptfoo's disk cache file (its keyv-file store's `cache.json`), when it has one. */
function diskCacheFolder(cache: unknown): string | null {
  for (const s of storesOf(cache) ?? []) {
    const file = (s as { store?: { opts?: { filename?: unknown } } } | null)?.store?.opts?.filename;
    if (typeof file === 'string' && file !== '') return dirname(file);
  }
  return null;
}

/** promptfoo's default cache TTL (14 days), and PROMPTFOO_CACHE_TTL (seconds) as promptfoo reads it. */
function cacheTtlMs(env: Record<string, string | undefined>): number {
  const v = Number.parseInt(env.PROMPTFOO_CACHE_TTL ?? '', 10);
  return (Number.isFinite(v) && v > 0 ? v : 1_209_600) * 1000;
}

/**
 * Where an answer is stored: beside promptfoo's disk cache (ResponseLog), else in promptfoo's cache itself.
 * Process-wide on purpose: promptfoo makes a provider per config entry (and per -c file), and all of them
 * must append to the one file of a cache folder through one descriptor, so the registry cannot live in
 * a provider instance. It holds one ResponseLog per folder and nothing else.
 */
const responseLogs = new Map<string, ResponseLog>();
const MARKER_KEY = `mmre:response-log:${RESPONSE_CACHE_VERSION}`;

function responseStore(cache: ResponseCacheStore, env: Record<string, string | undefined>): ResponseCacheStore {
  const folder = diskCacheFolder(cache);
  if (!folder) return cache;
  let log = responseLogs.get(folder);
  if (!log) {
    log = new ResponseLog(folder, cacheTtlMs(env));
    responseLogs.set(folder, log);
  }
  const marker = {
    has: async () => ((await cache.get(MARKER_KEY)) ?? null) !== null,
    set: async () => {
      await cache.set(MARKER_KEY, { file: LOG_FILE, since: new Date().toISOString() });
    },
  };
  const l = log;
  return { get: (k) => l.get(k, marker), set: (k, v) => l.set(k, v, marker) };
}

/** A stored response: an object with an output and no error (anything else in the cache is a miss). */
const StoredResponseSchema = z
  .object({ output: z.unknown().refine((v) => v !== undefined && v !== null), error: z.undefined().optional() })
  .loose();

function hitOf<R extends CacheableResponse>(stored: Record<string, unknown>): R {
  // A copy: a caller that changes the response must not change what the cache holds.
  const hit = { ...structuredClone(stored), cached: true } as CacheableResponse;
  // As promptfoo's own providers report a cached answer: its tokens count as cached, it costs nothing.
  const u = hit.tokenUsage;
  if (u && typeof u === 'object') hit.tokenUsage = { total: u.total ?? 0, cached: u.total ?? 0, numRequests: 1 };
  delete hit.cost;
  return hit as R;
}

/**
 * Runs `call` behind promptfoo's response cache. The cache is skipped (the call runs, nothing is read or
 * stored) when the context has no `getCache`, when the call is busted (`bustCache`, or promptfoo's
 * `debug`, as its built-in providers do), or when promptfoo's cache is off ({@link promptfooCacheDisabled}).
 * The key is {@link responseCacheKey} of `key.parts` and the context's `repeatIndex`. A hit returns the
 * stored response with `cached: true` (tokens reported as cached, no cost); a miss runs `call` and stores
 * its response only when it succeeded (an `output`, no `error`) and contains none of `key.secrets`.
 * Cache failures never fail the call: a failed read is a miss, a failed write is ignored. Errors thrown by
 * `call` propagate unchanged.
 */
export async function withResponseCache<R extends CacheableResponse>(
  context: unknown,
  key: ResponseCacheKey,
  call: () => Promise<R>,
  options: CacheSignals & { onOutcome?: (o: CacheOutcome) => void } = {},
): Promise<R> {
  const ctx = (context && typeof context === 'object' ? context : {}) as ResponseCacheContext;
  const report = options.onOutcome ?? (() => {});
  if (typeof ctx.getCache !== 'function') {
    report({ kind: 'off', why: 'no getCache in the context' });
    return call();
  }
  if (ctx.bustCache ?? ctx.debug) {
    report({ kind: 'off', why: ctx.bustCache ? 'bustCache' : 'debug' });
    return call();
  }
  let cache: ResponseCacheStore;
  try {
    cache = await ctx.getCache();
  } catch {
    report({ kind: 'off', why: 'getCache failed' });
    return call();
  }
  if (!cache || typeof cache.get !== 'function' || typeof cache.set !== 'function') {
    report({ kind: 'off', why: 'getCache returned no cache' });
    return call();
  }
  const off = promptfooCacheDisabled(cache, options);
  if (off) {
    report({ kind: 'off', why: off });
    return call();
  }
  const repeat = Number.isInteger(ctx.repeatIndex) && (ctx.repeatIndex as number) > 0 ? ctx.repeatIndex : 0;
  const cacheKey = responseCacheKey(key.provider, key.parts, repeat);
  const store = responseStore(cache, options.env ?? process.env);
  let stored: unknown;
  try {
    stored = await store.get(cacheKey);
  } catch {
    stored = undefined;
  }
  const parsed = StoredResponseSchema.safeParse(stored);
  if (parsed.success) {
    report({ kind: 'hit', key: cacheKey });
    return hitOf<R>(parsed.data);
  }
  const response = await call();
  if (!response || typeof response !== 'object' || (response.error !== undefined && response.error !== null)) {
    report({ kind: 'not-stored', key: cacheKey, why: 'error' });
    return response;
  }
  if (response.output === undefined || response.output === null) {
    report({ kind: 'not-stored', key: cacheKey, why: 'no-output' });
    return response;
  }
  // The JSON form: what a disk store keeps, and a copy the caller cannot change afterwards.
  const value = JSON.parse(JSON.stringify(response)) as Record<string, unknown>;
  delete value.cached;
  const secrets = (key.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (secrets.length) {
    const text = JSON.stringify(value);
    if (secrets.some((s) => text.includes(s) || text.includes(encodeURIComponent(s)))) {
      report({ kind: 'not-stored', key: cacheKey, why: 'secret' });
      return response;
    }
  }
  try {
    await store.set(cacheKey, value);
    report({ kind: 'stored', key: cacheKey });
  } catch {
    report({ kind: 'not-stored', key: cacheKey, why: 'store-failed' });
  }
  return response;
}
