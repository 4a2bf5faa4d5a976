/**
 * Seeded generators of answer-like strings, for fuzzing PFA parsers and for benchmarks.
 * Exported as `@mmre/core/testing`.
 */

const FRAGMENTS = [
  'Task 1 Answer:',
  'Task 2 Answer:',
  '**Task 1 Answer:**',
  'task 2 answer :',
  'NER:',
  'ner :',
  'image-entity pair:',
  'image entities pair:',
  ':person;',
  ':PER;',
  ':organization;',
  ':Misc;',
  ':unknown label;',
  ':;',
  ';',
  ':',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  "'",
  '"',
  '\\',
  "'a'",
  '"B"',
  "'segment c'",
  '(d)',
  'None',
  'null',
  '```',
  '```json\n',
  '\n',
  ' ',
  '\t',
  'Spurs',
  'Star Wars: The Last Jedi',
  'A;B',
  '北京',
  '🏀',
  '\u0000',
  '\ud800',
  '#',
  '*',
  '_',
];

const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)] as T;

/** A random concatenation of PFA fragments and noise. */
export function randomAnswerish(rand: () => number, maxParts = 40): string {
  const n = 1 + Math.floor(rand() * maxParts);
  let out = '';
  for (let i = 0; i < n; i++) {
    if (rand() < 0.15) out += String.fromCharCode(Math.floor(rand() * 0x3000));
    else out += pick(FRAGMENTS, rand);
  }
  return out;
}

/** Mutates a string: insertions, deletions, replacements, duplications and truncation. */
export function mutate(text: string, rand: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (s.length + 1));
    const kind = Math.floor(rand() * 5);
    if (kind === 0) s = s.slice(0, at) + pick(FRAGMENTS, rand) + s.slice(at);
    else if (kind === 1) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 8));
    else if (kind === 2) s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x250)) + s.slice(at + 1);
    else if (kind === 3) s = s.slice(0, at) + s.slice(Math.max(0, at - 20), at) + s.slice(at);
    else s = s.slice(0, at);
  }
  return s;
}

/** Adversarial 1 MB inputs aimed at regex backtracking and quadratic scans. */
export function adversarialInputs(size = 1 << 20): Record<string, string> {
  const rep = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  return {
    'task-anchor-prefixes': rep('Task 1 Answe'),
    'many-anchors': rep('Task 1 Answer:Task 2 Answer:'),
    'label-no-semicolon': `Task 2 Answer: NER: ${rep(':a a a a a a a a a a')}`,
    'label-run': `Task 2 Answer: NER: :${rep('a ')}`,
    delimiters: `Task 2 Answer: NER: ${rep(':person;x')}`,
    'open-braces': `Task 2 Answer: image-entity pair: ${rep('{')}`,
    'open-quote': `Task 2 Answer: image-entity pair: {'a': '${rep('x\\')}`,
    'list-items': `Task 2 Answer: image-entity pair: {'a': [${rep("'x', ")}`,
    markers: `Task 1 Answer: x ${rep('** ')}`,
    stars: `Task 1 Answer: ${rep('*')}`,
    'pair-anchor-prefixes': `Task 2 Answer: ${rep('image-entit')}`,
    whitespace: `Task 1 Answer:${rep(' ')}`,
    fences: `Task 1 Answer: ${rep('```\n')}`,
  };
}
