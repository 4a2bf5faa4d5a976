/** An in-memory stand-in for the cache promptfoo's `context.getCache()` returns (async get/set). */
export interface FakePromptfooCache {
  /** What was stored, by key (to assert on: its size, that no secret is in it…). */
  readonly map: Map<string, unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/**
 * A promptfoo-like response cache for provider cache tests: pass `{ getCache: () => cache }` as the
 * call context, as promptfoo does when its cache is on.
 */
export function fakePromptfooCache(): FakePromptfooCache {
  const map = new Map<string, unknown>();
  return {
    map,
    get: async (k: string) => map.get(k),
    set: async (k: string, v: unknown) => {
      map.set(k, v);
    },
  };
}
