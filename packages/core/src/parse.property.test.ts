import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnswerEntity,
  type AnswerPair,
  formatAnswer,
  LABELS,
  MODES,
  type Mode,
  modeTasks,
  parseAnswer,
  segmentId,
} from './index.js';
import { mulberry32 } from './random.js';
import { mutate, randomAnswerish } from './testing/index.js';

// What "well-formed" excludes, because the PFA format itself cannot carry it (DESIGN.md, reading rules):
// anchors inside free text, a ":label;" delimiter inside an entity, markdown fences, and text that
// would end in a lone markdown marker token.
const ANCHORISH = /task[ \t]*[12][ \t]*answer|image[ \t_-]?entit(?:y|ies)[ \t_-]?pairs?|```/i;
const DELIMITERISH = /:[ \t]*[A-Za-z][A-Za-z _\t-]*;/;
const ENDS_IN_MARKER = /(?:^|\s)(?:[*_]{2,3}|#{1,6})$/;
const textChars = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(':', ';', "'", '"', '\\', '[', ']', '{', '}', ',', 'é', '北京', '🏀', '\u00a0'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }) },
);
const freeText = (maxParts: number) =>
  fc
    .array(textChars, { minLength: 1, maxLength: maxParts })
    .map((parts) => parts.join(''))
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !ANCHORISH.test(s) && !ENDS_IN_MARKER.test(s));

const summaryArb = freeText(12);
const entityTextArb = freeText(5).filter((s) => !DELIMITERISH.test(s) && !/^[ \t]*[A-Za-z][A-Za-z _\t-]*;/.test(s));
const entityArb: fc.Arbitrary<AnswerEntity> = fc.record({ label: fc.constantFrom(...LABELS), text: entityTextArb });
const pairArb: fc.Arbitrary<AnswerPair> = fc.record({
  segment: fc.integer({ min: 0, max: 30 }).map(segmentId),
  entity: freeText(4),
});
const answerArb = fc.record({
  summary: summaryArb,
  entities: fc.array(entityArb, { maxLength: 8 }),
  pairs: fc.array(pairArb, { maxLength: 8 }),
});

/** How many mapping keys formatAnswer writes for a segment that already had a key. */
function repeatedKeys(pairs: readonly AnswerPair[]): number {
  const seen = new Set<string>();
  let prev: string | null = null;
  let n = 0;
  for (const p of pairs) {
    if (p.segment === prev) continue;
    if (seen.has(p.segment)) n++;
    seen.add(p.segment);
    prev = p.segment;
  }
  return n;
}

describe('parseAnswer(formatAnswer(x)) round-trips every well-formed answer', () => {
  for (const mode of MODES) {
    it(`mode ${mode}`, () => {
      fc.assert(
        fc.property(answerArb, (answer) => {
          const text = formatAnswer(answer, mode);
          const r = parseAnswer(text, { mode });
          const tasks = modeTasks(mode);
          expect(r.summary).toEqual(tasks.task1 ? answer.summary : null);
          expect(r.entities).toEqual(tasks.task2 ? answer.entities : []);
          expect(r.pairs).toEqual(tasks.task2 ? answer.pairs : []);
          // formatAnswer writes a segment that comes back after another as a repeated key, which the
          // parser keeps and notes; nothing else may be reported.
          const repeats = tasks.task2 ? repeatedKeys(answer.pairs) : 0;
          expect(r.diagnostics.map((d) => d.code)).toEqual(Array(repeats).fill('duplicate-key'));
          expect(r.compliance).toEqual({ task1: tasks.task1, ner: tasks.task2, pairs: tasks.task2 });
        }),
        { numRuns: 400, seed: 20261126 },
      );
    });
  }

  it('holds for the hard cases named in DESIGN.md', () => {
    const answer = {
      summary: 'Fans cheer: "Go!" ; the end',
      entities: [
        { label: 'other', text: 'Star Wars: The Last Jedi' },
        { label: 'person', text: 'A;B' },
        { label: 'organization', text: 'Rock \'n\' Roll "Hall"' },
        { label: 'location', text: '北京 🏀 Café' },
      ],
      pairs: [
        { segment: 'a', entity: 'Rock \'n\' Roll "Hall"' },
        { segment: 'a', entity: 'back\\slash' },
        { segment: 'aa', entity: 'line\nbreak' },
        { segment: 'b', entity: 'None' },
      ],
    };
    for (const mode of ['joint', 'mner'] as Mode[]) {
      const r = parseAnswer(formatAnswer(answer, mode), { mode });
      expect(r.entities).toEqual(answer.entities);
      expect(r.pairs).toEqual(answer.pairs);
      expect(r.diagnostics).toEqual([]);
    }
  });
});

describe('fuzz: parseAnswer never throws and stays well-typed', () => {
  it('on 100,000 random and mutated strings (fixed seed)', () => {
    const rand = mulberry32(0x5eed);
    const base = [
      formatAnswer(
        {
          summary: 'A player in a Spurs jersey dunks.',
          entities: [
            { label: 'organization', text: 'Spurs' },
            { label: 'person', text: 'Tim Duncan' },
          ],
          pairs: [
            { segment: 'a', entity: 'Tim Duncan' },
            { segment: 'b', entity: 'Spurs' },
          ],
        },
        'joint',
      ),
      "**Task 2 Answer:** NER: :PER;A;B:misc;Star Wars: X image entities pair: {'(a)': ['A;B', None], \"B\": 'X'}",
    ];
    let internalErrors = 0;
    for (let i = 0; i < 100_000; i++) {
      const input = i % 2 === 0 ? randomAnswerish(rand) : mutate(base[i % 4 === 1 ? 0 : 1] as string, rand);
      const r = parseAnswer(input, i % 3 === 0 ? { mode: MODES[i % 3] as Mode } : {});
      if (r.diagnostics.some((d) => d.code === 'internal-error')) internalErrors++;
      if (r.summary !== null && typeof r.summary !== 'string')
        throw new Error(`bad summary on ${JSON.stringify(input)}`);
      for (const e of r.entities)
        if (typeof e.label !== 'string' || typeof e.text !== 'string' || e.text === '')
          throw new Error(`bad entity on ${JSON.stringify(input)}`);
      for (const p of r.pairs)
        if (!/^[a-z]+$/.test(p.segment) || p.entity === '') throw new Error(`bad pair on ${JSON.stringify(input)}`);
    }
    expect(internalErrors).toBe(0);
  });
});
