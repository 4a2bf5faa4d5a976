// The source-map-support stub is a process-wide module hook, so each case runs in a node process of its
// own, on the built package (the hook acts on Node's resolver, which vitest's module runner bypasses).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale, runProcess } from '../../../test-support/process.js';
import { repoRoot } from '../../../test-support/shared.js';
import { SOURCE_MAP_SUPPORT_STUB_URL } from './promptfoo-logger.js';

const coreDir = join(repoRoot, 'packages', 'core');
const built = join(coreDir, 'dist', 'promptfoo-logger.js');

let dir = '';
beforeAll(async () => {
  buildIfStale('@mmre/core', built, [join(coreDir, 'src', 'promptfoo-logger.ts')]);
  dir = await mkdtemp(join(tmpdir(), 'mmre-sms-'));
  // a folder where `source-map-support` is installed (a stand-in that records its install() call) …
  const pkg = join(dir, 'with', 'node_modules', 'source-map-support');
  await mkdir(pkg, { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'source-map-support', type: 'module', main: 'index.js' }),
  );
  await writeFile(join(pkg, 'index.js'), 'export function install() { globalThis.realInstall = true; }\n');
  await writeFile(join(dir, 'with', 'load.mjs'), "export const load = () => import('source-map-support');\n");
  // … and one where it is not, as in a promptfoo install: promptfoo's logger inside promptfoo's build, and the
  // same code outside it
  const dist = join(dir, 'without', 'node_modules', 'promptfoo', 'dist', 'src');
  await mkdir(dist, { recursive: true });
  await writeFile(join(dist, 'logger.js'), PROMPTFOO_LOGGER);
  await writeFile(
    join(dir, 'without', 'node_modules', 'promptfoo', 'package.json'),
    '{"name":"promptfoo","type":"module"}',
  );
  await writeFile(join(dir, 'without', 'logger-elsewhere.mjs'), PROMPTFOO_LOGGER);
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** promptfoo 0.123's initializeSourceMapSupport (src/logger.ts), as written: a failure clears the promise. */
const PROMPTFOO_LOGGER = `
let initialized = false, pending = null;
export const state = () => initialized;
export async function initializeSourceMapSupport() {
  if (initialized) return;
  pending ??= (async () => {
    try { (await import('source-map-support')).install(); initialized = true; } catch {} finally { pending = null; }
  })();
  await pending;
}
`;

/**
 * Runs `body` as a module in the folder without the package, after `stub` (the built function) is imported
 * and a resolve hook that counts the `source-map-support` resolutions reaching Node's resolver is set up;
 * returns what the body prints as JSON.
 */
async function probe(body: string): Promise<Record<string, unknown>> {
  const script = `
import { registerHooks, createRequire } from 'node:module';
import { stubAbsentSourceMapSupport as stub } from ${JSON.stringify(pathToFileURL(built).href)};
const attempts = { n: 0 };
registerHooks({ resolve(s, c, next) { if (s === 'source-map-support') attempts.n++; return next(s, c); } });
const promptfoo = await import('promptfoo/dist/src/logger.js');
// the same logger outside promptfoo's build (the hook stays for it)
const elsewhere = await import('./logger-elsewhere.mjs');
const turn = () => new Promise((r) => setImmediate(r));
const out = {};
${body}
process.stdout.write(JSON.stringify(out));
`;
  const file = join(dir, 'without', `probe-${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(file, script);
  const r = await runProcess(process.execPath, [file], { cwd: join(dir, 'without'), timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('stubAbsentSourceMapSupport', () => {
  it("without the stub, promptfoo's logger retries the failed import on every call", async () => {
    const out = await probe(`
for (let i = 0; i < 25; i++) { await elsewhere.initializeSourceMapSupport(); await turn(); }
out.attempts = attempts.n; out.initialized = elsewhere.state();`);
    expect(out).toEqual({ attempts: 25, initialized: false });
  });

  it('with it, the import succeeds once with a module whose install() does nothing, and is not tried again', async () => {
    const out = await probe(`
for (let i = 0; i < 5; i++) { await elsewhere.initializeSourceMapSupport(); await turn(); }
out.first = stub(); out.again = stub();
for (let i = 0; i < 25; i++) { await elsewhere.initializeSourceMapSupport(); await turn(); }
out.attempts = attempts.n; out.initialized = elsewhere.state();
const m = await import('source-map-support');
out.install = typeof m.install; out.returns = m.install() ?? null; out.defaultInstall = typeof m.default.install;`);
    // 5 failed tries before the stub, then the one that finds the stub (passed through to Node first)
    expect(out).toEqual({
      first: true,
      again: true,
      attempts: 6,
      initialized: true,
      install: 'function',
      returns: null,
      defaultInstall: 'function',
    });
  });

  it("once promptfoo's own logger has its answer, the hook removes itself; promptfoo does not ask again", async () => {
    const out = await probe(`
for (let i = 0; i < 3; i++) { await promptfoo.initializeSourceMapSupport(); await turn(); }
out.before = attempts.n;
stub();
for (let i = 0; i < 25; i++) { await promptfoo.initializeSourceMapSupport(); await turn(); }
out.attempts = attempts.n; out.initialized = promptfoo.state();
// the hook is gone: an import from elsewhere fails as it would without it
try { await import('source-map-support'); out.after = 'loaded'; } catch (e) { out.after = e.code; }
out.again = stub();`);
    // 3 failed tries, the one answered with the stub, then none in 25 calls
    expect(out).toEqual({ before: 3, attempts: 4, initialized: true, after: 'ERR_MODULE_NOT_FOUND', again: true });
  });

  it('an installed source-map-support is resolved as usual; require() and other modules are untouched', async () => {
    const withLoader = pathToFileURL(join(dir, 'with', 'load.mjs')).href;
    const out = await probe(`
stub();
const real = await (await import(${JSON.stringify(withLoader)})).load();
real.install(); out.real = globalThis.realInstall === true;
try { createRequire(import.meta.url)('source-map-support'); out.require = 'loaded'; } catch (e) { out.require = e.code; }
try { await import('no-such-package-mmre'); out.other = 'loaded'; } catch (e) { out.other = e.code; }
const { basename } = await import('node:path'); out.builtin = basename('/a/b.txt');`);
    expect(out).toEqual({ real: true, require: 'MODULE_NOT_FOUND', other: 'ERR_MODULE_NOT_FOUND', builtin: 'b.txt' });
  });

  it('the stub is a module with a no-op install, named and default', async () => {
    const m = (await import(SOURCE_MAP_SUPPORT_STUB_URL)) as { install(): unknown; default: { install(): unknown } };
    expect(m.install()).toBeUndefined();
    expect(m.default.install()).toBeUndefined();
  });
});
