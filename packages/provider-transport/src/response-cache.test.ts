import { stableJson } from '@mmre/core';
import { describe, expect, it } from 'vitest';
import type { CacheOutcome, ResponseCacheStore } from './response-cache.js';
import { promptfooCacheDisabled, responseCacheKey, withResponseCache } from './response-cache.js';

/** A promptfoo-like cache: async get/set over a Map, optionally with cache-manager's `stores`. */
function fakeCache(stores?: unknown[]) {
  const map = new Map<string, unknown>();
  const cache: ResponseCacheStore & { map: Map<string, unknown>; stores?: unknown[] } = {
    map,
    async get(key: string) {
      return map.get(key);
    },
    async set(key: string, value: unknown) {
      map.set(key, value);
      return value;
    },
  };
  if (stores) cache.stores = stores;
  return cache;
}

// Signals of a plain `promptfoo eval` (cache on, disk store): no env flags, no --no-cache.
const ON = { env: {}, argv: ['node', 'promptfoo', 'eval'] };

function counted(answer: (n: number) => Record<string, unknown>) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fn: async () => answer(++calls),
  };
}

const ok = (n: number) => ({
  output: `answer ${n}`,
  latencyMs: 12,
  cost: 0.5,
  cached: false,
  tokenUsage: { total: 30, prompt: 20, completion: 10, numRequests: 1 },
  metadata: { nested: { n } },
});

describe('stableJson and responseCacheKey', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
  it('is namespaced, stable under key order, and changes with the parts and the repeat index', () => {
    const k = responseCacheKey('qwen-local', { model: 'm', body: '{"x":1}' });
    expect(k).toMatch(/^mmre:qwen-local:v1:[0-9a-f]{64}$/);
    expect(responseCacheKey('qwen-local', { body: '{"x":1}', model: 'm' })).toBe(k);
    expect(responseCacheKey('qwen-local', { model: 'm', body: '{"x": 1}' })).not.toBe(k); // bytes differ
    expect(responseCacheKey('qwen-hosted', { model: 'm', body: '{"x":1}' })).toMatch(/^mmre:qwen-hosted:v1:/);
    expect(responseCacheKey('qwen-local', { model: 'm', body: '{"x":1}' }, 0)).toBe(k);
    expect(responseCacheKey('qwen-local', { model: 'm', body: '{"x":1}' }, 1)).not.toBe(k);
  });
});

describe('withResponseCache', () => {
  it('misses, stores the successful response, then hits with cached: true without calling again', async () => {
    const cache = fakeCache();
    const c = counted(ok);
    const outcomes: CacheOutcome[] = [];
    const opts = { ...ON, onOutcome: (o: CacheOutcome) => outcomes.push(o) };
    const ctx = { getCache: () => cache, repeatIndex: 0 };
    const key = { provider: 'test', parts: { body: 'same' } };
    const first = await withResponseCache(ctx, key, c.fn, opts);
    expect(first.cached).toBe(false);
    expect(first.output).toBe('answer 1');
    const second = await withResponseCache(ctx, key, c.fn, opts);
    expect(c.calls).toBe(1);
    expect(second.output).toBe('answer 1');
    expect(second.cached).toBe(true);
    expect(second.metadata).toEqual({ nested: { n: 1 } });
    // reported as promptfoo's providers report a cached answer: tokens cached, no cost
    expect(second.tokenUsage).toEqual({ total: 30, cached: 30, numRequests: 1 });
    expect(second.cost).toBeUndefined();
    expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'hit']);
    expect([...cache.map.keys()]).toEqual([responseCacheKey('test', { body: 'same' })]);
    // the stored value is a copy: changing a returned response does not change the cache
    (second.metadata as { nested: { n: number } }).nested.n = 99;
    const third = await withResponseCache(ctx, key, c.fn, opts);
    expect(third.metadata).toEqual({ nested: { n: 1 } });
    // other parts: a miss
    await withResponseCache(ctx, { provider: 'test', parts: { body: 'other' } }, c.fn, opts);
    expect(c.calls).toBe(2);
  });

  it('keys by repeatIndex: each repeat is its own answer; index 0 and no index share one', async () => {
    const cache = fakeCache();
    const c = counted(ok);
    const key = { provider: 'test', parts: 'p' };
    await withResponseCache({ getCache: () => cache }, key, c.fn, ON);
    await withResponseCache({ getCache: () => cache, repeatIndex: 0 }, key, c.fn, ON);
    expect(c.calls).toBe(1);
    const r1 = await withResponseCache({ getCache: () => cache, repeatIndex: 1 }, key, c.fn, ON);
    const r2 = await withResponseCache({ getCache: () => cache, repeatIndex: 2 }, key, c.fn, ON);
    expect([r1.output, r2.output, c.calls]).toEqual(['answer 2', 'answer 3', 3]);
    expect((await withResponseCache({ getCache: () => cache, repeatIndex: 2 }, key, c.fn, ON)).output).toBe('answer 3');
    expect(c.calls).toBe(3);
  });

  it('bustCache (and promptfoo debug) skips the cache: no read, no write', async () => {
    const cache = fakeCache();
    const c = counted(ok);
    const key = { provider: 'test', parts: 'p' };
    await withResponseCache({ getCache: () => cache }, key, c.fn, ON);
    const busted = await withResponseCache({ getCache: () => cache, bustCache: true }, key, c.fn, ON);
    expect([busted.output, busted.cached, c.calls]).toEqual(['answer 2', false, 2]);
    await withResponseCache({ getCache: () => cache, debug: true }, key, c.fn, ON);
    expect(c.calls).toBe(3);
    // the stored answer is still the first one
    expect((await withResponseCache({ getCache: () => cache }, key, c.fn, ON)).output).toBe('answer 1');
  });

  it('without getCache (a direct call, not through promptfoo) it just calls', async () => {
    const c = counted(ok);
    for (const ctx of [undefined, null, {}, { vars: {} }, { getCache: 'nope' }])
      expect((await withResponseCache(ctx, { provider: 't', parts: 1 }, c.fn, ON)).cached).toBe(false);
    expect(c.calls).toBe(5);
  });

  it('when promptfoo’s cache is disabled it neither serves nor stores', async () => {
    const c = counted(ok);
    const key = { provider: 'test', parts: 'p' };
    for (const signals of [
      { env: { PROMPTFOO_CACHE_ENABLED: 'false' }, argv: [] },
      { env: { PROMPTFOO_CACHE_ENABLED: '0' }, argv: [] },
      { env: {}, argv: ['node', 'promptfoo', 'eval', '-c', 'x.yaml', '--no-cache'] },
    ]) {
      const cache = fakeCache();
      await cache.set(responseCacheKey('test', 'p'), { output: 'stale' });
      const r = await withResponseCache({ getCache: () => cache }, key, c.fn, signals);
      expect(r.output).not.toBe('stale');
      expect(cache.map.size).toBe(1);
    }
    expect(c.calls).toBe(3);
    // built by promptfoo while disabled: cache-manager over one in-memory Keyv (a Map store), no disk store
    const memoryOnly = fakeCache([{ store: new Map() }]);
    await withResponseCache({ getCache: () => memoryOnly }, key, c.fn, ON);
    await withResponseCache({ getCache: () => memoryOnly }, key, c.fn, ON);
    expect(c.calls).toBe(5);
    expect(memoryOnly.map.size).toBe(0);
  });

  it('reads promptfoo’s switches as promptfoo does', () => {
    expect(promptfooCacheDisabled(undefined, { env: {}, argv: [] })).toBeNull();
    expect(promptfooCacheDisabled(undefined, { env: { PROMPTFOO_CACHE_ENABLED: 'TRUE' }, argv: [] })).toBeNull();
    expect(promptfooCacheDisabled(undefined, { env: { PROMPTFOO_CACHE_ENABLED: '' }, argv: [] })).toBeNull();
    expect(promptfooCacheDisabled(undefined, { env: { PROMPTFOO_CACHE_ENABLED: 'off' }, argv: [] })).toMatch(
      /PROMPTFOO_CACHE_ENABLED=off/,
    );
    expect(promptfooCacheDisabled(undefined, { env: {}, argv: ['--no-cache'] })).toBe('--no-cache');
    const disk = { stores: [{ store: { filename: '/x/cache.json' } }] };
    const memory = { stores: [{ store: new Map() }] };
    expect(promptfooCacheDisabled(disk, { env: {}, argv: [] })).toBeNull();
    expect(promptfooCacheDisabled(memory, { env: {}, argv: [] })).toMatch(/caching off/);
    // a memory cache is what promptfoo builds, enabled, when asked for one (or under NODE_ENV=test)
    expect(promptfooCacheDisabled(memory, { env: { PROMPTFOO_CACHE_TYPE: 'memory' }, argv: [] })).toBeNull();
    expect(promptfooCacheDisabled(memory, { env: { NODE_ENV: 'test' }, argv: [] })).toBeNull();
    expect(
      promptfooCacheDisabled(memory, { env: { NODE_ENV: 'test', PROMPTFOO_CACHE_TYPE: 'disk' }, argv: [] }),
    ).toMatch(/caching off/);
  });

  it('never stores an error response, a response without output, or one containing a secret', async () => {
    const cache = fakeCache();
    const outcomes: CacheOutcome[] = [];
    const opts = { ...ON, onOutcome: (o: CacheOutcome) => outcomes.push(o) };
    const ctx = { getCache: () => cache };
    let n = 0;
    const failing = async () => ({ error: `HTTP 503 (${++n})`, metadata: {} });
    expect((await withResponseCache(ctx, { provider: 't', parts: 'e' }, failing, opts)).error).toBe('HTTP 503 (1)');
    expect((await withResponseCache(ctx, { provider: 't', parts: 'e' }, failing, opts)).error).toBe('HTTP 503 (2)');
    await withResponseCache(ctx, { provider: 't', parts: 'n' }, async () => ({ latencyMs: 1 }), opts);
    const KEY = 'sk-test-0123456789abcdef';
    const leaky = async () => ({ output: 'ok', metadata: { url: `http://h/v1?key=${encodeURIComponent(KEY)}` } });
    await withResponseCache(ctx, { provider: 't', parts: 's', secrets: [undefined, KEY] }, leaky, opts);
    expect(cache.map.size).toBe(0);
    expect(outcomes.map((o) => (o.kind === 'not-stored' ? o.why : o.kind))).toEqual([
      'error',
      'error',
      'no-output',
      'secret',
    ]);
    // thrown errors propagate (the providers turn them into { error }) and store nothing
    await expect(
      withResponseCache(ctx, { provider: 't', parts: 'x' }, async () => Promise.reject(new Error('boom')), opts),
    ).rejects.toThrow('boom');
    expect(cache.map.size).toBe(0);
  });

  it('the key is a hash: nothing of the parts is readable in the store', async () => {
    const cache = fakeCache();
    await withResponseCache(
      { getCache: () => cache },
      { provider: 't', parts: { body: 'VisibleMarker4242' } },
      async () => ({ output: 'x' }),
      ON,
    );
    expect([...cache.map.keys()].join()).not.toContain('VisibleMarker4242');
  });

  it('a broken cache never fails the call; junk in the cache is a miss', async () => {
    const c = counted(ok);
    const broken: ResponseCacheStore = {
      get: async () => Promise.reject(new Error('disk gone')),
      set: async () => Promise.reject(new Error('disk full')),
    };
    expect((await withResponseCache({ getCache: () => broken }, { provider: 't', parts: 1 }, c.fn, ON)).output).toBe(
      'answer 1',
    );
    const throwing = {
      getCache: () => {
        throw new Error('no cache');
      },
    };
    expect((await withResponseCache(throwing, { provider: 't', parts: 1 }, c.fn, ON)).output).toBe('answer 2');
    const junk = fakeCache();
    for (const v of ['a string', { error: 'stored error', output: 'x' }, { output: null }, 42]) {
      await junk.set(responseCacheKey('t', 1), v);
      expect((await withResponseCache({ getCache: () => junk }, { provider: 't', parts: 1 }, c.fn, ON)).cached).toBe(
        false,
      );
    }
    // async getCache (promptfoo's built-ins await it) works too
    const cache = fakeCache();
    const ctx = { getCache: async () => cache };
    await withResponseCache(ctx, { provider: 't', parts: 2 }, c.fn, ON);
    expect((await withResponseCache(ctx, { provider: 't', parts: 2 }, c.fn, ON)).cached).toBe(true);
  });
});
