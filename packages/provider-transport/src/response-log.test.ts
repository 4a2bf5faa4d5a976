import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withResponseCache } from './response-cache.js';
import { LOG_FILE, ResponseLog } from './response-log.js';

const ON = { env: {}, argv: ['node', 'promptfoo', 'eval'] };

/** promptfoo's disk cache as cache-manager hands it out: one Keyv store over keyv-file's `cache.json`. */
function diskCache(folder: string) {
  const map = new Map<string, unknown>();
  return {
    map,
    sets: 0,
    stores: [{ store: { opts: { filename: join(folder, 'cache.json') } } }],
    async get(key: string) {
      return map.get(key);
    },
    async set(key: string, value: unknown) {
      this.sets++;
      map.set(key, value);
      return value;
    },
  };
}

const answer = (n: number) => async (): Promise<{ output: string; tokenUsage: object; cached?: boolean }> => ({
  output: `answer ${n}`,
  tokenUsage: { total: 3, prompt: 2, completion: 1 },
});

describe('answers beside promptfoo’s disk cache (ResponseLog)', () => {
  it('a miss appends one line; the answer is served from the log, in this process and the next', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mmre-log-'));
    const cache = diskCache(folder);
    const ctx = { getCache: () => cache };
    const key = { provider: 'test', parts: { q: 1 } };
    const a = await withResponseCache(ctx, key, answer(1), ON);
    expect(a.output).toBe('answer 1');
    // only the marker went into promptfoo's cache; the answer is a line of the log
    expect([...cache.map.keys()]).toEqual(['mmre:response-log:v1']);
    const lines = (await readFile(join(folder, LOG_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string).v.output).toBe('answer 1');
    const b = await withResponseCache(ctx, key, answer(2), ON);
    expect([b.output, b.cached]).toEqual(['answer 1', true]);
    // another process: a new log over the same folder reads it back
    const next = new ResponseLog(folder, 60_000);
    const marker = { has: async () => true, set: async () => {} };
    expect(await next.get(lines[0] ? JSON.parse(lines[0]).k : '', marker)).toMatchObject({ output: 'answer 1' });
  });

  it('every concurrent answer is kept, each on a whole line (none lost at the end of a run)', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mmre-log-'));
    const log = new ResponseLog(folder, 60_000);
    const marker = { has: async () => true, set: async () => {} };
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.set(`k${i}`, { output: `a${i}`.repeat(200) }, marker)));
    const lines = (await readFile(join(folder, LOG_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(300);
    expect(new Set(lines.map((l) => JSON.parse(l).k)).size).toBe(300);
    const again = new ResponseLog(folder, 60_000);
    for (const i of [0, 150, 299]) expect(await again.get(`k${i}`, marker)).toEqual({ output: `a${i}`.repeat(200) });
  });

  it('skips a cut last line and expired answers', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mmre-log-'));
    const old = Date.now() - 10_000;
    await writeFile(
      join(folder, LOG_FILE),
      `${JSON.stringify({ k: 'old', t: old, v: { output: 'stale' } })}\n${JSON.stringify({ k: 'new', t: Date.now(), v: { output: 'fresh' } })}\n`,
    );
    await appendFile(join(folder, LOG_FILE), '{"k":"cut","t":1,"v":{"out');
    const log = new ResponseLog(folder, 5_000);
    const marker = { has: async () => true, set: async () => {} };
    expect(await log.get('old', marker)).toBeUndefined();
    expect(await log.get('new', marker)).toEqual({ output: 'fresh' });
    expect(await log.get('cut', marker)).toBeUndefined();
    // the next answer after the cut line is a whole line of its own, read back by the next run
    await log.set('after', { output: 'kept' }, marker);
    await log.set('after2', { output: 'kept too' }, marker);
    const next = new ResponseLog(folder, 5_000);
    expect(await next.get('after', marker)).toEqual({ output: 'kept' });
    expect(await next.get('after2', marker)).toEqual({ output: 'kept too' });
    expect(await next.get('new', marker)).toEqual({ output: 'fresh' });
    const text = await readFile(join(folder, LOG_FILE), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('{"k":"after')).length).toBe(2);
  });

  it('promptfoo cache clear clears it: without the marker in promptfoo’s cache, the log is dropped', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mmre-log-'));
    await writeFile(
      join(folder, LOG_FILE),
      `${JSON.stringify({ k: 'x', t: Date.now(), v: { output: 'before clear' } })}\n`,
    );
    let marked = false;
    const marker = {
      has: async () => marked,
      set: async () => {
        marked = true;
      },
    };
    const log = new ResponseLog(folder, 60_000);
    expect(await log.get('x', marker)).toBeUndefined();
    expect(marked).toBe(true);
    await expect(readFile(join(folder, LOG_FILE), 'utf8')).rejects.toThrow();
  });
});
