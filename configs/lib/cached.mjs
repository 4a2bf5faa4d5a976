// A promptfoo provider that puts any other provider behind promptfoo's own response cache
// (`cache.getCache()` of the promptfoo package: disk store at PROMPTFOO_CACHE_PATH, default
// ~/.promptfoo/cache, PROMPTFOO_CACHE_TTL, off with PROMPTFOO_CACHE_ENABLED=false or --no-cache).
// promptfoo caches HTTP providers itself; offline providers answer without HTTP, so a repeated eval
// would recompute every answer. With this wrapper a second run serves them from the cache and the
// result rows say `response.cached: true` (`mmre report` counts them).
//
//   providers:
//     - id: file://lib/cached.mjs          # relative to the FIRST config given with -c (configs/)
//       label: baseline
//       config:
//         provider: package:@mmre/provider-offline:BaselineProvider
//         config: {}                       # the wrapped provider's own config
//
// The cache key is the wrapped provider's id, its config, the rendered prompt and the test vars
// (without promptfoo's per-run `__` vars).
import { createHash } from 'node:crypto';
import { cache, loadApiProvider } from 'promptfoo';

const stable = (value) =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );

function cacheOn() {
  if (process.argv.includes('--no-cache')) return false;
  const flag = process.env.PROMPTFOO_CACHE_ENABLED;
  if (flag !== undefined && ['0', 'false', 'no'].includes(flag.toLowerCase())) return false;
  return cache.isCacheEnabled();
}

export default class CachedProvider {
  constructor(options = {}) {
    const { basePath, ...config } = options.config ?? {};
    if (typeof config.provider !== 'string' || config.provider === '')
      throw new Error(
        'lib/cached.mjs: config.provider must name the provider to wrap, e.g. package:@mmre/provider-offline:BaselineProvider',
      );
    this.inner = config.provider;
    this.innerConfig = config.config ?? {};
    this.basePath = basePath;
    this.env = options.env;
    this.providerId = options.id ?? `cached:${this.inner}`;
    if (options.label) this.label = options.label;
    this.loading = null;
  }

  id() {
    return this.providerId;
  }

  toString() {
    return `[CachedProvider ${this.inner}]`;
  }

  provider() {
    this.loading ??= loadApiProvider(this.inner, {
      options: { config: this.innerConfig, ...(this.label ? { label: this.label } : {}) },
      basePath: this.basePath,
      env: this.env,
    });
    return this.loading;
  }

  async callApi(prompt, context, options) {
    const inner = await this.provider();
    if (!cacheOn()) return inner.callApi(prompt, context, options);
    // promptfoo adds per-run vars (__evalId, __evalStepId, …): they are not part of the question.
    const vars = Object.fromEntries(Object.entries(context?.vars ?? {}).filter(([k]) => !k.startsWith('__')));
    const key = `mmre:cached:v1:${createHash('sha256')
      .update(stable({ provider: this.inner, config: this.innerConfig, prompt, vars }))
      .digest('hex')}`;
    const store = cache.getCache();
    const hit = await store.get(key);
    if (hit) return { ...hit, cached: true };
    const response = await inner.callApi(prompt, context, options);
    if (response && !response.error) await store.set(key, { ...response, cached: false });
    return response;
  }
}
