import type { Sample } from '@mmre/core';
import { describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES } from './__fixtures__/dataset.js';
import { buildModel, extractEntities, FALLBACK_SUMMARY, matchSegments, predict, retrieveSummary } from './model.js';

const model = buildModel(FIXTURE_SAMPLES);
const ents = (text: string) => extractEntities(model, text).map((e) => `${e.label}:${e.text}`);

describe('baseline model', () => {
  it('builds a gazetteer with majority labels and grounding from train', () => {
    expect(model.trainSamples).toBe(4);
    expect(model.gazetteer.get('kawhi leonard')).toMatchObject({ label: 'person', grounded: 1, count: 1 });
    expect(model.gazetteer.get('spurs')).toMatchObject({ label: 'organization', count: 2, grounded: 0 });
    expect(model.maxLen).toBe(2);
  });

  it('drops gazetteer entries that are usually not entities in train', () => {
    const mk = (id: string, text: string, entities: Sample['gold']['entities']): Sample => ({
      id,
      split: 'train',
      text,
      image: { path: 'x.png' },
      segments: [],
      gold: { entities, pairs: [] },
    });
    const m = buildModel([
      mk('1', 'Apple releases a phone', [{ label: 'organization', text: 'Apple' }]),
      mk('2', 'Apple pie is tasty', []),
      mk('3', 'Apple juice please', []),
      mk('4', 'Tim Cook at Apple', [
        { label: 'person', text: 'Tim Cook' },
        { label: 'organization', text: 'Apple' },
      ]),
      mk('5', 'Tim Cook smiles', [{ label: 'person', text: 'Tim Cook' }]),
    ]);
    // Apple: 2 entity uses out of 4 occurrences = 0.5 → kept; add one more plain use and it goes.
    expect(m.gazetteer.has('apple')).toBe(true);
    const m2 = buildModel([
      mk('1', 'Apple releases a phone', [{ label: 'organization', text: 'Apple' }]),
      mk('2', 'Apple pie and Apple juice', []),
    ]);
    expect(m2.gazetteer.has('apple')).toBe(false);
    expect(m2.dropped).toBe(1);
    expect(m.gazetteer.get('tim cook')?.label).toBe('person');
  });

  it('extracts gazetteer entities (longest match), mentions, hashtags and capitalised spans', () => {
    expect(ents('Kawhi Leonard and the Spurs visit Barack Obama at the White House')).toEqual([
      'person:Kawhi Leonard',
      'organization:Spurs',
      'person:Barack Obama',
      'person:White House',
    ]);
    // RT source mention and lower-case hashtags are skipped; "Lake" marks a location.
    expect(ents('RT @ fan : look at this # sunset photo from Lake Tahoe')).toEqual(['location:Lake Tahoe']);
    // A mention elsewhere, a capitalised hashtag, a known hashtag, joined forms
    expect(ents('thanks @ Reuters for # Brexit coverage # NBA @BBCNews #Olympics')).toEqual([
      'organization:Reuters',
      'organization:Brexit',
      'organization:NBA',
      'organization:BBCNews',
      'organization:Olympics',
    ]);
    // sentence-initial single capitalised word is not a name; acronyms are organizations; org suffix
    expect(ents('Watching Liverpool FC with friends in NYC')).toEqual([
      'organization:Liverpool FC',
      'organization:NYC',
    ]);
    expect(ents('Yesterday was fun . Amazing')).toEqual([]);
    expect(ents('Watching Messi tonight')).toEqual(['person:Messi']);
    expect(ents('')).toEqual([]);
  });

  it('retrieves the nearest train summary by TF-IDF cosine, never the sample itself', () => {
    expect(retrieveSummary(model, 'Obama gives a speech in Chicago').from).toBe('t2');
    expect(retrieveSummary(model, 'Leonard scores for the Spurs').from).toBe('t1');
    // no shared word: first train id in order
    expect(retrieveSummary(model, 'zzz qqq').from).toBe('t1');
    expect(retrieveSummary(model, FIXTURE_SAMPLES[1]?.text ?? '', 't2').from).not.toBe('t2');
    expect(retrieveSummary(buildModel([]), 'anything')).toEqual({ summary: FALLBACK_SUMMARY, from: null, score: 0 });
  });

  it('matches segments: grounded entities first, then persons, then the rest; extra segments get the first', () => {
    const found = extractEntities(model, 'White House guests Kawhi Leonard and the Spurs meet Barack Obama');
    expect(matchSegments(found, ['a', 'b', 'c', 'd', 'e'])).toEqual([
      { segment: 'a', entity: 'Kawhi Leonard' },
      { segment: 'b', entity: 'Barack Obama' },
      { segment: 'c', entity: 'White House' },
      { segment: 'd', entity: 'Spurs' },
      { segment: 'e', entity: 'Kawhi Leonard' },
    ]);
    expect(matchSegments([], ['a'])).toEqual([]);
    expect(matchSegments(found, [])).toEqual([]);
  });

  it('is deterministic and independent of the order of train samples', () => {
    const again = buildModel([...FIXTURE_SAMPLES].reverse());
    const input = { id: 'q', text: 'Spurs and Kawhi Leonard in Chicago', segmentIds: ['a', 'b'] };
    expect(predict(again, input)).toEqual(predict(model, input));
  });
});
