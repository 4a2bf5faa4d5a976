import { mulberry32 } from '@mmre/core';
import { describe, expect, it } from 'vitest';
import { JsonRowScanner, JsonScanError } from './json-rows.js';

/** Random JSON values with the characters that matter to a scanner: quotes, escapes, braces in strings, UTF-8. */
function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 4 : 7));
  const strings = ['', 'a', '"', '\\', '{', '}', '[', ']', ',', ':', 'é', '😀', '\u2028', '\n', ' x "y" \\z ', 'ü{]'];
  const str = () =>
    Array.from({ length: Math.floor(r() * 5) }, () => strings[Math.floor(r() * strings.length)] as string).join('');
  switch (k) {
    case 0:
      return str();
    case 1:
      return Math.floor(r() * 2000 - 1000) / (r() < 0.5 ? 1 : 7);
    case 2:
      return r() < 0.5;
    case 3:
      return null;
    case 4:
    case 5: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 5); i > 0; i--) o[str() || `k${i}`] = randomValue(r, depth + 1);
      return o;
    }
    default:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
  }
}

function scan(text: string, chunkSizes: () => number) {
  const rows: [unknown, number][] = [];
  const values: Record<string, unknown> = {};
  const s = new JsonRowScanner(new Set(['evalId', 'config', 'results.timestamp']), 'results.results', {
    onElement: (v, i) => rows.push([v, i]),
    onValue: (p, v) => {
      values[p] = v;
    },
  });
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, chunkSizes());
    s.write(bytes.subarray(at, at + n));
    at += n;
  }
  s.end();
  return { rows, values, sawElements: s.sawElements };
}

describe('JsonRowScanner', () => {
  it('takes exactly what JSON.parse gives, whatever the layout and the chunk boundaries (1,000 random documents)', () => {
    const r = mulberry32(7);
    for (let t = 0; t < 1000; t++) {
      const doc = {
        evalId: randomValue(r, 2),
        ignored: randomValue(r, 0),
        results: {
          version: 3,
          timestamp: randomValue(r, 3),
          results: Array.from({ length: Math.floor(r() * 8) }, () => randomValue(r, 1)),
          stats: randomValue(r, 1),
        },
        config: randomValue(r, 1),
      };
      const text = r() < 0.5 ? JSON.stringify(doc) : JSON.stringify(doc, null, r() < 0.5 ? 2 : '\t');
      // chunks of 1 byte, a few bytes or large: multi-byte characters and escapes split across chunks
      const mode = t % 3;
      const got = scan(text, () => (mode === 0 ? 1 : mode === 1 ? 1 + Math.floor(r() * 7) : 4096));
      const want = JSON.parse(text);
      expect(got.rows.map(([v]) => v)).toEqual(want.results.results);
      expect(got.rows.map(([, i]) => i)).toEqual(want.results.results.map((_: unknown, i: number) => i));
      expect(got.values).toEqual({
        evalId: want.evalId,
        config: want.config,
        'results.timestamp': want.results.timestamp,
      });
      expect(got.sawElements).toBe(true);
    }
  });

  it('does not mistake a nested path, or a key inside a taken value, for a wanted one', () => {
    const text = JSON.stringify({
      meta: { evalId: 'nested', results: { results: [1, 2] } },
      results: { results: [{ evalId: 'inside a row', results: { results: [9] } }] },
      evalId: 'top',
    });
    const got = scan(text, () => 5);
    expect(got.values).toEqual({ evalId: 'top' });
    expect(got.rows).toEqual([[{ evalId: 'inside a row', results: { results: [9] } }, 0]]);
  });

  it('accepts a byte order mark, and says when there is no results array', () => {
    const got = scan(`\uFEFF${JSON.stringify({ evalId: 'x', results: { results: [] } })}`, () => 2);
    expect([got.values.evalId, got.sawElements, got.rows]).toEqual(['x', true, []]);
    expect(scan(JSON.stringify({ evalId: 'y' }), () => 100).sawElements).toBe(false);
  });

  it('rejects a document that is cut off, or has more after its end', () => {
    const text = JSON.stringify({ results: { results: [{ a: 1 }, { b: 'two' }] } });
    for (const cut of [1, 10, text.length - 1]) expect(() => scan(text.slice(0, cut), () => 3)).toThrow(JsonScanError);
    expect(() => scan(`${text} {}`, () => 3)).toThrow(/more data after the end/);
    expect(() => scan('{"results": {"results": [1, 2}}', () => 3)).toThrow(/unexpected '}'/);
  });

  it('hands over every row of a cut-off file before the error, so the caller can say how far it got', () => {
    const rows: unknown[] = [];
    const s = new JsonRowScanner(new Set(), 'results.results', { onElement: (v) => rows.push(v) });
    s.write(Buffer.from('{"results":{"results":[{"i":0},{"i":1},{"i":'));
    expect(() => s.end()).toThrow(/cut off/);
    expect(rows).toEqual([{ i: 0 }, { i: 1 }]);
  });
});
