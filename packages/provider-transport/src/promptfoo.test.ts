import { describe, expect, it } from 'vitest';
import { onceByKey, readApiKey } from './promptfoo.js';

describe('onceByKey', () => {
  it('loads each key once, shares a load under way, and forgets a failed one', async () => {
    const calls: string[] = [];
    let fail = true;
    const load = onceByKey(async (key: string) => {
      calls.push(key);
      await new Promise((r) => setTimeout(r, 5));
      if (key === 'bad' && fail) throw new Error(`cannot read ${key}`);
      return `${key}!`;
    });
    // interleaved: two keys, each asked for three times before any load ends
    const first = await Promise.all([load('a'), load('b'), load('a'), load('b'), load('a')]);
    expect(first).toEqual(['a!', 'b!', 'a!', 'b!', 'a!']);
    expect(calls).toEqual(['a', 'b']);
    // later calls reuse the settled load
    expect(await load('a')).toBe('a!');
    expect(calls).toEqual(['a', 'b']);
    // a failure reaches every caller of that load, and the next call loads again
    const bad = await Promise.allSettled([load('bad'), load('bad')]);
    expect(bad.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls.filter((c) => c === 'bad')).toHaveLength(1);
    fail = false;
    expect(await load('bad')).toBe('bad!');
    expect(calls.filter((c) => c === 'bad')).toHaveLength(2);
  });

  it('keeps loads of different memos apart (state lives in each memo, not in the module)', async () => {
    let n = 0;
    const one = onceByKey(async () => ++n);
    const two = onceByKey(async () => ++n);
    expect([await one('k'), await two('k'), await one('k'), await two('k')]).toEqual([1, 2, 1, 2]);
  });
});

describe('readApiKey', () => {
  it("reads promptfoo's provider env before the process's, trimmed; blank is no key", () => {
    const name = 'MMRE_TEST_KEY_READ';
    process.env[name] = '  from-process \n';
    try {
      expect(readApiKey(name, {})).toBe('from-process');
      expect(readApiKey(name, { env: { [name]: ' from-provider ' } })).toBe('from-provider');
      expect(readApiKey(name, { env: { [name]: '   ' } })).toBeUndefined();
      delete process.env[name];
      expect(readApiKey(name, {})).toBeUndefined();
    } finally {
      delete process.env[name];
    }
  });
});
