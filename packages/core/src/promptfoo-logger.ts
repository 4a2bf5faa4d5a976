// promptfoo 0.123's logger, on every `logger.debug` call (made whatever the log level, with or without a log
// file), runs `initializeSourceMapSupport()` (promptfoo src/logger.ts; dist/src/logger-*.js, the function of
// that name): it awaits `import("source-map-support")` and, when the import fails, clears its promise in a
// `finally`, so the next call tries again. promptfoo does not depend on `source-map-support`, so in a normal
// install the import fails every time, and each failed import walks the module resolution up the directory
// tree: about 0.2 ms per debug call once the event loop turns between calls. promptfoo makes 3–6 debug calls
// for every hook call, prompt function and JavaScript assertion, about 23 per row of ours, so this one failing
// import was a quarter of a paper-size eval's wall time (`pnpm bench scale`; DESIGN.md, Scale).
//
// The fix: a module resolution hook that answers only that one failed resolution, with a module whose
// `install()` does nothing, so promptfoo records source-map support as set up and stops trying. What
// promptfoo does is otherwise unchanged: with the package absent it installs nothing either way, and when
// `source-map-support` is installed the hook resolves the real package, untouched.

import * as nodeModule from 'node:module';

/** The module promptfoo gets instead of a failed `source-map-support` import: `install()` does nothing. */
export const SOURCE_MAP_SUPPORT_STUB_URL =
  'data:text/javascript,export function install(){}export default{install(){}}';

const SPECIFIER = 'source-map-support';
/** Marks the process as hooked, across copies of this package (two versions installed side by side). */
const HOOKED = Symbol.for('@mmre/core.sourceMapSupportStub');

type ResolveHook = NonNullable<Parameters<typeof nodeModule.registerHooks>[0]['resolve']>;

/**
 * The resolve hook: `source-map-support` resolves as usual when it is installed, and to
 * {@link SOURCE_MAP_SUPPORT_STUB_URL} when it is not; every other specifier is passed through.
 */
const resolveSourceMapSupport: ResolveHook = (specifier, context, nextResolve) => {
  // only an ESM import (promptfoo's `import()`): a `require()` keeps Node's own "cannot find module"
  if (specifier !== SPECIFIER || !context.conditions?.includes('import')) return nextResolve(specifier, context);
  try {
    return nextResolve(specifier, context);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return { url: SOURCE_MAP_SUPPORT_STUB_URL, format: 'module', shortCircuit: true };
  }
};

/**
 * Stops promptfoo's logger from retrying a failed `import("source-map-support")` on every debug call (see the
 * top of this file): registers {@link resolveSourceMapSupport} once per process. Called by this project's entry
 * points inside promptfoo (the test generator, the providers, the extension); harmless to call again.
 * Returns whether the hook is in place (false on a Node without `module.registerHooks`, below 22.15).
 */
export function stubAbsentSourceMapSupport(): boolean {
  const g = globalThis as { [HOOKED]?: boolean };
  if (g[HOOKED]) return true;
  if (typeof nodeModule.registerHooks !== 'function') return false;
  nodeModule.registerHooks({ resolve: resolveSourceMapSupport });
  g[HOOKED] = true;
  return true;
}
