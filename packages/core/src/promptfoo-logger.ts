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
// `install()` does nothing, so promptfoo records source-map support as set up and stops trying; the hook then
// removes itself. What promptfoo does is otherwise unchanged: with the package absent it installs nothing
// either way, and when `source-map-support` is installed the hook resolves the real package, untouched.

import * as nodeModule from 'node:module';

/** The module promptfoo gets instead of a failed `source-map-support` import: `install()` does nothing. */
export const SOURCE_MAP_SUPPORT_STUB_URL =
  'data:text/javascript,export function install(){}export default{install(){}}';

const SPECIFIER = 'source-map-support';
/** Marks the process as hooked, across copies of this package (two versions installed side by side). */
const HOOKED = Symbol.for('@mmre/core.sourceMapSupportStub');
/** An importer inside promptfoo's build: once it has its answer, promptfoo never asks again. */
const PROMPTFOO_DIST = /\/promptfoo\/dist\//;

type ResolveHook = NonNullable<Parameters<typeof nodeModule.registerHooks>[0]['resolve']>;

/**
 * The resolve hook: `source-map-support` resolves as usual when it is installed, and to
 * {@link SOURCE_MAP_SUPPORT_STUB_URL} when it is not; every other specifier is passed through.
 * `answered(parentURL)` is told of each `source-map-support` import it answered.
 */
function resolveSourceMapSupport(answered: (parentURL: string | undefined) => void): ResolveHook {
  return (specifier, context, nextResolve) => {
    // only an ESM import (promptfoo's `import()`): a `require()` keeps Node's own "cannot find module"
    if (specifier !== SPECIFIER || !context.conditions?.includes('import')) return nextResolve(specifier, context);
    let result: ReturnType<typeof nextResolve>;
    try {
      result = nextResolve(specifier, context);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
      result = { url: SOURCE_MAP_SUPPORT_STUB_URL, format: 'module', shortCircuit: true };
    }
    answered(context.parentURL);
    return result;
  };
}

/**
 * Stops promptfoo's logger from retrying a failed `import("source-map-support")` on every debug call (see the
 * top of this file): registers the resolve hook once per process. Called by this project's entry points inside
 * promptfoo (the test generator, the providers, the extension); harmless to call again.
 *
 * The hook removes itself once an importer inside promptfoo's build has had its answer: promptfoo's logger,
 * having "installed" it, never imports it again, so nothing of ours stays in the process's module resolution
 * (a resolve hook puts Node's hook chain in front of every later `import()`; in the paper-size eval that cost
 * was within noise, so this is about leaving the user's process as it was, not speed). Until then (or with
 * promptfoo installed elsewhere) it stays.
 * Returns whether the hook is (or was) in place: false on a Node without `module.registerHooks` (below 22.15).
 */
export function stubAbsentSourceMapSupport(): boolean {
  const g = globalThis as { [HOOKED]?: boolean };
  if (g[HOOKED]) return true;
  if (typeof nodeModule.registerHooks !== 'function') return false;
  let leaving = false;
  const hooks = nodeModule.registerHooks({
    resolve: resolveSourceMapSupport((parentURL) => {
      if (leaving || !parentURL || !PROMPTFOO_DIST.test(parentURL)) return;
      leaving = true;
      // after this resolution has returned: the chain is not changed while Node walks it
      setImmediate(() => hooks.deregister());
    }),
  });
  g[HOOKED] = true;
  return true;
}
