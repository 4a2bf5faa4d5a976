import { describe, expect, it } from 'vitest';
import { hasGoldSummary } from './schema.js';
import { encodeTestVars, modeOf, segmentIdsOfVars } from './vars.js';

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
