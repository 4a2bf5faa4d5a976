import { describe, expect, it } from 'vitest';
import { hasGoldSummary } from './schema.js';
import { describeVarsIssues, encodeTestVars, modeOf, segmentIdsOfVars, TestVarsSchema } from './vars.js';

describe('row facts as data', () => {
  it('modeOf takes the first candidate that is a mode name', () => {
    expect(modeOf(undefined, 'joint')).toBe('joint');
    expect(modeOf('summary', 'joint')).toBe('summary');
    expect(modeOf('stale', null, 'mner')).toBe('mner');
    expect(modeOf('JOINT', '', 3)).toBeNull();
    expect(modeOf()).toBeNull();
  });

  it('segmentIdsOfVars reads the letters of vars.segments (JSON string or array), in order', () => {
    const vars = encodeTestVars({
      id: 's',
      split: 'test',
      text: 't',
      image: '/i.jpg',
      segments: [
        { id: 'a', path: '/a.jpg', box: null },
        { id: 'b', path: null, box: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 } },
        { id: 'aa', path: '/aa.jpg', box: null },
      ],
      gold: { entities: [], pairs: [] },
    });
    expect(segmentIdsOfVars(vars)).toEqual(['a', 'b', 'aa']);
    expect(segmentIdsOfVars({ segments: [{ id: 'c' }] })).toEqual(['c']);
    expect(segmentIdsOfVars({ segments: '[]' })).toEqual([]);
    expect(segmentIdsOfVars({ segments: '[{"id":' })).toBeNull();
    expect(segmentIdsOfVars({ segments: [{ name: 'a' }] })).toBeNull();
    expect(segmentIdsOfVars({})).toBeNull();
    expect(segmentIdsOfVars(undefined)).toBeNull();
  });

  it('hasGoldSummary: a string with something besides whitespace', () => {
    expect(hasGoldSummary({ summary: 'A photo.' })).toBe(true);
    expect(hasGoldSummary({ summary: '' })).toBe(false);
    expect(hasGoldSummary({ summary: ' \n\t' })).toBe(false);
    expect(hasGoldSummary({})).toBe(false);
    expect(hasGoldSummary(null)).toBe(false);
  });
});

describe('describeVarsIssues', () => {
  it('names each bad field as vars.<field>, and an issue of the vars object by its message alone', () => {
    const r = TestVarsSchema.safeParse({ id: 'x', text: 1, gold: '{' });
    expect(r.success).toBe(false);
    const text = describeVarsIssues((r as { error: Parameters<typeof describeVarsIssues>[0] }).error);
    expect(text).toMatch(/^vars\.text: .*; vars\.image: .*; vars\.gold: vars\.gold is not valid JSON$/);
    expect(describeVarsIssues({ issues: [{ path: [], message: 'expected an object' }] })).toBe('expected an object');
  });
});
