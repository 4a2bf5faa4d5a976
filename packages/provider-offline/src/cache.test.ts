// The offline providers behind promptfoo's response cache (context.getCache), as promptfoo calls them.
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pfaInstruction } from '@mmre/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, makeFixture, varsOf } from './__fixtures__/dataset.js';
import { BaselineProvider } from './baseline.js';
import { ReplayProvider } from './replay.js';

/** A promptfoo-like cache (async get/set) that counts its reads and writes. */
function fakeCache() {
  const map = new Map<string, Record<string, unknown>>();
  const log = { gets: 0, sets: 0 };
  return {
    map,
    log,
    get: async (k: string) => {
      log.gets++;
      return map.get(k);
    },
    set: async (k: string, v: Record<string, unknown>) => {
      log.sets++;
      map.set(k, v);
    },
    /** Marks every stored answer, so a served answer is told apart from a recomputed one. */
    mark(text: string) {
      for (const v of map.values()) v.output = `${text}${String(v.output)}`;
    },
  };
}

const promptFor = (mode: 'joint' | 'summary' | 'mner') =>
  JSON.stringify([
    { role: 'user', content: [{ type: 'text', text: pfaInstruction(mode, { text: 'x', segmentIds: ['a'] }) }] },
  ]);
/** The call context promptfoo gives a provider after a PFA prompt of `mode`: the row's vars carry the mode. */
const asked = <C extends { vars: object }>(ctx: C, mode: 'joint' | 'summary' | 'mner'): C => ({
  ...ctx,
  vars: { ...ctx.vars, mode },
});

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});

describe('BaselineProvider behind promptfoo’s cache', () => {
  it('a second identical call is served from the cache (cached: true), not recomputed', async () => {
    const cache = fakeCache();
    const p = new BaselineProvider({ config: { dataset: fx.root } });
    const ctx = { vars: varsOf(fx, 'x1'), getCache: () => cache };
    const a = await p.callApi(promptFor('mner'), asked(ctx, 'mner'));
    expect(a.error).toBeUndefined();
    expect(a.cached).toBe(false);
    expect(cache.log).toEqual({ gets: 1, sets: 1 });
    cache.mark('FROM-CACHE ');
    const b = await p.callApi(promptFor('mner'), asked(ctx, 'mner'));
    expect(b.cached).toBe(true);
    expect(b.output).toBe(`FROM-CACHE ${a.output}`);
    expect(b.metadata).toEqual(a.metadata);
    expect(cache.log).toEqual({ gets: 2, sets: 1 });
    // another mode, sample or config is another question; a busted call recomputes
    expect((await p.callApi(promptFor('summary'), asked(ctx, 'summary'))).cached).toBe(false);
    expect((await p.callApi(promptFor('mner'), asked({ ...ctx, vars: varsOf(fx, 'x2') }, 'mner'))).cached).toBe(false);
    const q = new BaselineProvider({ config: { dataset: fx.root, mode: 'joint' } });
    expect((await q.callApi(promptFor('mner'), asked(ctx, 'mner'))).cached).toBe(false);
    const busted = await p.callApi(promptFor('mner'), asked({ ...ctx, bustCache: true }, 'mner'));
    expect([busted.cached, busted.output]).toEqual([false, a.output]);
    expect(cache.map.size).toBe(4);
  });

  it('promptfoo’s basePath is not part of the key; errors are not stored', async () => {
    const cache = fakeCache();
    const ctx = { vars: varsOf(fx, 'x1'), getCache: () => cache };
    const a = new BaselineProvider({ config: { dataset: fx.root, basePath: '/somewhere' } });
    const b = new BaselineProvider({ config: { dataset: fx.root, basePath: '/elsewhere' } });
    await a.callApi(promptFor('joint'), asked(ctx, 'joint'));
    expect((await b.callApi(promptFor('joint'), asked(ctx, 'joint'))).cached).toBe(true);
    const noMode = await a.callApi(promptFor('joint'), ctx);
    expect(noMode.error).toMatch(/cannot tell the mode/);
    const missing = new BaselineProvider({ config: { dataset: join(fx.root, 'nope') } });
    expect((await missing.callApi(promptFor('joint'), asked(ctx, 'joint'))).error).toMatch(/cannot load dataset/);
    expect((await missing.callApi(promptFor('joint'), asked(ctx, 'joint'))).error).toMatch(/cannot load dataset/);
    expect(cache.map.size).toBe(1);
  });
});

describe('ReplayProvider behind promptfoo’s cache', () => {
  it('a second identical call is served from the cache; an edited predictions file is a new answer set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmre-replay-cache-'));
    const file = join(dir, 'preds.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'x1', mode: 'summary', output: 'Task 1 Answer: first.' })}\n`);
    const cache = fakeCache();
    const p = new ReplayProvider({ config: { path: file } });
    const ctx = { vars: { id: 'x1' }, getCache: () => cache };
    const a = await p.callApi(promptFor('summary'), asked(ctx, 'summary'));
    expect([a.output, a.cached]).toEqual(['Task 1 Answer: first.', false]);
    cache.mark('FROM-CACHE ');
    const b = await p.callApi(promptFor('summary'), asked(ctx, 'summary'));
    expect([b.output, b.cached]).toEqual(['FROM-CACHE Task 1 Answer: first.', true]);
    // a missing prediction is a per-test error, never stored
    const missing = await p.callApi(promptFor('mner'), asked(ctx, 'mner'));
    expect(missing.error).toMatch(/no prediction for id "x1" mode mner/);
    expect(cache.map.size).toBe(1);
    // the file changes (size, mtime): the cache entry no longer applies
    await appendFile(file, `${JSON.stringify({ id: 'x1', mode: 'mner', output: 'Task 2 Answer: NER: x' })}\n`);
    const fresh = new ReplayProvider({ config: { path: file } });
    expect((await fresh.callApi(promptFor('summary'), asked(ctx, 'summary'))).cached).toBe(false);
    expect(cache.map.size).toBe(2);
  });
});
