import { describe, expect, it } from 'vitest';
import { SampleSchema, segmentId, segmentIndex } from './index.js';

describe('segment ids', () => {
  it('letters a…z, then aa, ab, … (bijective base 26)', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(segmentId)).toEqual([
      'a',
      'b',
      'z',
      'aa',
      'ab',
      'az',
      'ba',
      'zz',
      'aaa',
    ]);
  });
  it('segmentIndex inverts segmentId', () => {
    for (let i = 0; i < 2000; i++) expect(segmentIndex(segmentId(i))).toBe(i);
    expect(segmentIndex('A')).toBe(-1);
    expect(segmentIndex('')).toBe(-1);
  });
});

describe('SampleSchema', () => {
  const good = {
    id: '1',
    split: 'test',
    text: 'Spurs beat Thunder',
    image: { path: 'images/1.jpg', width: 640, height: 480 },
    segments: [{ id: 'a', path: 'images/segments/1_a.jpg', box: { xmin: 1, ymin: 2, xmax: 30, ymax: 40 } }],
    gold: {
      summary: 'A game.',
      entities: [{ label: 'organization', text: 'Spurs' }],
      pairs: [{ segment: 'a', entity: 'Spurs' }],
    },
  };
  it('accepts a well-formed record', () => {
    expect(SampleSchema.parse(good)).toEqual(good);
  });
  it('rejects a non-canonical label and names the field', () => {
    const bad = { ...good, gold: { ...good.gold, entities: [{ label: 'PER', text: 'x' }] } };
    const r = SampleSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['gold', 'entities', 0, 'label']);
  });
  it('rejects unknown keys', () => {
    expect(SampleSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
  });
});
