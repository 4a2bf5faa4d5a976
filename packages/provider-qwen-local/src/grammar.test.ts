import type { AnswerEntity, AnswerPair, Mode } from '@mmre/core';
import { formatAnswer, LABELS, MODES, pfaGbnf, pfaRegex } from '@mmre/core';
import { compileGbnf } from '@mmre/provider-testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const full = (mode: Mode, ids?: string[]) => new RegExp(`^(?:${pfaRegex(mode, ids ? { segmentIds: ids } : {})})$`, 'u');
// the GBNF of the same description, compiled the way the llama.cpp peer reads a `grammar`
const gbnf = (mode: Mode, ids?: string[]) => compileGbnf(pfaGbnf(mode, ids ? { segmentIds: ids } : {}));

const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[;\n\r]/.test(s) && s.trim() === s && s !== '');
const summary = fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !/[\n\r]/.test(s) && s.trim() !== '');
const answer = (ids: string[]) =>
  fc.record({
    summary,
    entities: fc.array(fc.record({ label: fc.constantFrom(...LABELS), text }), { maxLength: 5 }),
    pairs: ids.length
      ? fc.array(fc.record({ segment: fc.constantFrom(...ids), entity: fc.string({ maxLength: 20 }) }), {
          maxLength: 6,
        })
      : fc.constant([] as AnswerPair[]),
  });

describe('pfaRegex', () => {
  const ids = ['a', 'b', 'c'];
  for (const mode of MODES) {
    it(`matches every formatAnswer output in mode ${mode} (property)`, () => {
      const re = full(mode, ids);
      const loose = full(mode);
      const g = gbnf(mode, ids);
      fc.assert(
        fc.property(answer(ids), (a) => {
          const out = formatAnswer(a as { summary: string; entities: AnswerEntity[]; pairs: AnswerPair[] }, mode);
          expect(re.test(out), out).toBe(true);
          expect(loose.test(out), out).toBe(true);
          expect(g.test(out), out).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('matches the DESIGN.md example and answers with quotes and list values', () => {
    const a = {
      summary: 'This image shows a basketball game in action.',
      entities: [
        { label: 'organization', text: 'NBA' },
        { label: 'other', text: 'Star Wars: The Last Jedi' },
      ],
      pairs: [
        { segment: 'a', entity: 'Spurs' },
        { segment: 'b', entity: 'Spurs' },
        { segment: 'b', entity: "O'Neal" },
        { segment: 'c', entity: 'say "hi" \\ there' },
      ],
    };
    for (const mode of MODES) expect(full(mode, ['a', 'b', 'c']).test(formatAnswer(a, mode))).toBe(true);
  });

  it('accepts an empty mapping and no entities, and `{}` is the only mapping when there are no segments', () => {
    const a = { summary: 'x', entities: [], pairs: [] };
    expect(full('mner', []).test(formatAnswer(a, 'mner'))).toBe(true);
    expect(full('mner', []).test("Task 2 Answer: NER:  image-entity pair: {'a': 'x'}")).toBe(false);
  });

  it('rejects garbage, chatter, wrong anchors, unknown labels, unknown segments and the wrong mode', () => {
    const joint = full('joint', ['a', 'b']);
    const ok = formatAnswer(
      { summary: 'A dog.', entities: [{ label: 'person', text: 'Bo' }], pairs: [{ segment: 'a', entity: 'Bo' }] },
      'joint',
    );
    expect(joint.test(ok)).toBe(true);
    const bad = [
      'I cannot help with that.',
      `Sure! Here is the answer:\n${ok}`,
      ok.replace('Task 1 Answer:', '**Task 1 Answer:**'),
      ok.replace(':person;', ':PER;'),
      ok.replace(':person;', ':animal;'),
      ok.replace("'a'", "'z'"),
      ok.replace("{'a': 'Bo'}", "{'a': 'Bo'"),
      ok.replace("{'a': 'Bo'}", '{"a": Bo}'),
      ok.replace('image-entity pair:', 'image entity pair:'),
      `${ok}\nThanks!`,
      '',
    ];
    for (const b of bad) expect(joint.test(b), b).toBe(false);
    const jointG = gbnf('joint', ['a', 'b']);
    expect(jointG.test(ok)).toBe(true);
    for (const b of bad) expect(jointG.test(b), `gbnf: ${b}`).toBe(false);
    expect(full('summary').test(ok)).toBe(false);
    expect(full('mner').test(ok)).toBe(false);
    expect(full('summary').test('Task 1 Answer: A dog.')).toBe(true);
    expect(full('summary').test('Task 1 Answer: ')).toBe(false);
  });

  it('uses only the regex subset structured-output backends compile', () => {
    for (const mode of MODES) {
      const src = pfaRegex(mode, { segmentIds: ['a'] });
      expect(src).not.toMatch(/\(\?[=!<:]/); // no lookaround, no non-capturing groups
      expect(src).not.toMatch(/[*+?]\?/); // no lazy quantifiers
      expect(src).not.toMatch(/\\[1-9]/); // no backreferences
    }
  });

  it('the GBNF has one rule per named part and a root, in llama.cpp syntax', () => {
    const g = pfaGbnf('joint', { segmentIds: ['a', 'b'] });
    expect(g.split('\n')[0]).toMatch(/^root ::= task1 "\\n" task2$/);
    for (const r of ['task1', 'task2', 'label', 'entity', 'mapping', 'pair', 'key', 'value', 'str', 'segment'])
      expect(g).toMatch(new RegExp(`^${r} ::= `, 'm'));
    expect(() => compileGbnf('root ::= "a" (')).toThrow(/missing \)|unexpected/);
  });
});
