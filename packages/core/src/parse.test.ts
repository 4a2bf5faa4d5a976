import { describe, expect, it } from 'vitest';
import { type DiagnosticCode, parseAnswer } from './index.js';

const codes = (text: string, mode?: 'joint' | 'summary' | 'mner'): DiagnosticCode[] =>
  parseAnswer(text, mode ? { mode } : {}).diagnostics.map((d) => d.code);

const EXAMPLE = `Task 1 Answer: This image shows a basketball game in action. A player ...
Task 2 Answer: NER: :organization;NBA:organization;Spurs:organization;Thunder image-entity pair: {'a': 'Spurs', 'b': ['Spurs', 'Thunder']}`;

describe('parseAnswer: the DESIGN.md example', () => {
  it('reads summary, entities in order and every pair', () => {
    const r = parseAnswer(EXAMPLE);
    expect(r.summary).toBe('This image shows a basketball game in action. A player ...');
    expect(r.entities).toEqual([
      { label: 'organization', text: 'NBA' },
      { label: 'organization', text: 'Spurs' },
      { label: 'organization', text: 'Thunder' },
    ]);
    expect(r.pairs).toEqual([
      { segment: 'a', entity: 'Spurs' },
      { segment: 'b', entity: 'Spurs' },
      { segment: 'b', entity: 'Thunder' },
    ]);
    expect(r.compliance).toEqual({ task1: true, ner: true, pairs: true });
    expect(r.diagnostics).toEqual([]);
  });
});

describe('reading rule: anchors', () => {
  it('are found case-insensitively', () => {
    const r = parseAnswer('task 1 answer: A dog.\nTASK 2 ANSWER: ner: :person;Bob IMAGE-ENTITY PAIR: {}');
    expect(r.summary).toBe('A dog.');
    expect(r.entities).toEqual([{ label: 'person', text: 'Bob' }]);
    expect(r.compliance).toEqual({ task1: true, ner: true, pairs: true });
  });
  it('markdown markers opening the first anchor are not chatter', () => {
    expect(codes('**Task 1 Answer:** A dog.', 'summary')).toEqual([]);
    expect(codes('### Task 1 Answer: A dog.', 'summary')).toEqual([]);
  });
  it('are found inside markdown bold', () => {
    const r = parseAnswer(
      "**Task 1 Answer:** A cat.\n**Task 2 Answer**: **NER:** :location;Paris **image-entity pair:** {'a': 'Paris'}",
    );
    expect(r.summary).toBe('A cat.');
    expect(r.entities).toEqual([{ label: 'location', text: 'Paris' }]);
    expect(r.pairs).toEqual([{ segment: 'a', entity: 'Paris' }]);
  });
  it('text before the first anchor is chatter and ignored', () => {
    const r = parseAnswer('Sure! Here is my answer about person Bob.\nTask 1 Answer: A dog.');
    expect(r.summary).toBe('A dog.');
    expect(r.entities).toEqual([]);
    expect(codes('Sure!\nTask 1 Answer: A dog.', 'summary')).toEqual(['leading-chatter']);
  });
  it('a task whose anchor is missing has no answer: no summary is guessed from stray text', () => {
    const r = parseAnswer('The image shows a dog on a beach. Task 2 Answer: NER: :person;Bob image-entity pair: {}');
    expect(r.summary).toBeNull();
    expect(r.compliance.task1).toBe(false);
    expect(codes('The image shows a dog.')).toEqual(['missing-task1-anchor', 'missing-task2-anchor']);
    const r2 = parseAnswer('Task 1 Answer: A dog. NER: :person;Bob');
    expect(r2.entities).toEqual([]);
    expect(r2.summary).toBe('A dog. NER: :person;Bob');
  });
  it('a mode only reports missing anchors of the tasks it asked for', () => {
    expect(codes('Task 1 Answer: A dog.', 'summary')).toEqual([]);
    expect(codes("Task 2 Answer: NER: :person;Bob image-entity pair: {'a': 'Bob'}", 'mner')).toEqual([]);
    expect(codes('Task 1 Answer: A dog.', 'joint')).toEqual(['missing-task2-anchor']);
    expect(codes('Task 1 Answer: A dog.', 'mner')).toContain('unasked-task');
  });
  it('Task 2 before Task 1 is read, with a diagnostic', () => {
    const r = parseAnswer(
      "Task 2 Answer: NER: :person;Ann image-entity pair: {'a': 'Ann'}\nTask 1 Answer: Ann smiles.",
    );
    expect(r.summary).toBe('Ann smiles.');
    expect(r.entities).toEqual([{ label: 'person', text: 'Ann' }]);
    expect(r.pairs).toEqual([{ segment: 'a', entity: 'Ann' }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['anchors-out-of-order']);
    expect(r.compliance).toEqual({ task1: true, ner: true, pairs: true });
  });
  it('a repeated anchor: the first is read, and the task is not compliant', () => {
    const r = parseAnswer('Task 1 Answer: first. Task 1 Answer: second.');
    expect(r.summary).toBe('first.');
    expect(r.compliance.task1).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('duplicate-anchor');
  });
});

describe('reading rule: the summary', () => {
  it('is everything after Task 1 Answer: up to Task 2 Answer:, trimmed', () => {
    const r = parseAnswer('Task 1 Answer:   Line one.\n\nLine two.  \n Task 2 Answer: NER: image-entity pair: {}');
    expect(r.summary).toBe('Line one.\n\nLine two.');
  });
  it('runs to the end when there is no Task 2', () => {
    expect(parseAnswer('Task 1 Answer: A red car.\n').summary).toBe('A red car.');
  });
  it('has markdown fences removed', () => {
    const r = parseAnswer('Task 1 Answer:\n```text\nA red car parked.\n```\n');
    expect(r.summary).toBe('A red car parked.');
    expect(r.diagnostics.map((d) => d.code)).toContain('markdown-fence');
    expect(r.compliance.task1).toBe(false);
  });
  it('is null when the anchor is followed by nothing', () => {
    const r = parseAnswer('Task 1 Answer:   \nTask 2 Answer: NER: image-entity pair: {}');
    expect(r.summary).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toContain('empty-summary');
  });
});

describe('reading rule: label delimiters and entities', () => {
  it('an entity may contain ":" (Star Wars: The Last Jedi)', () => {
    const r = parseAnswer('Task 2 Answer: NER: :other;Star Wars: The Last Jedi:person;Rey image-entity pair: {}');
    expect(r.entities).toEqual([
      { label: 'other', text: 'Star Wars: The Last Jedi' },
      { label: 'person', text: 'Rey' },
    ]);
  });
  it('an entity may contain ";" (:person;A;B:location;C)', () => {
    const r = parseAnswer('Task 2 Answer: NER: :person;A;B:location;C image-entity pair: {}');
    expect(r.entities).toEqual([
      { label: 'person', text: 'A;B' },
      { label: 'location', text: 'C' },
    ]);
  });
  it('the last entity ends at image-entity pair:', () => {
    const r = parseAnswer("Task 2 Answer: NER: :location;New York City   image-entity pair: {'a': 'New York City'}");
    expect(r.entities).toEqual([{ label: 'location', text: 'New York City' }]);
  });
  it('label words may have spaces, "-" and "_", and extraction order is kept', () => {
    const r = parseAnswer('Task 2 Answer: NER: :Person;Z:per;Y: org ;X:Organisation;W:misc;V:Miscellaneous;U:LOC;T');
    expect(r.entities.map((e) => e.label)).toEqual([
      'person',
      'person',
      'organization',
      'organization',
      'other',
      'other',
      'location',
    ]);
    expect(r.entities.map((e) => e.text)).toEqual(['Z', 'Y', 'X', 'W', 'V', 'U', 'T']);
  });
  it('aliases map to the canonical four with an informative diagnostic; the answer stays compliant', () => {
    const r = parseAnswer('Task 2 Answer: NER: :PER;Bob:ORG;Acme image-entity pair: {}', { mode: 'mner' });
    expect(r.entities).toEqual([
      { label: 'person', text: 'Bob' },
      { label: 'organization', text: 'Acme' },
    ]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['label-alias', 'label-alias']);
    expect(r.compliance.ner).toBe(true);
  });
  it('an unknown label is kept lower-cased, with a diagnostic', () => {
    const r = parseAnswer('Task 2 Answer: NER: :Event;World Cup:person;Messi image-entity pair: {}', { mode: 'mner' });
    expect(r.entities).toEqual([
      { label: 'event', text: 'World Cup' },
      { label: 'person', text: 'Messi' },
    ]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unknown-label']);
    expect(r.compliance.ner).toBe(false);
  });
  it('an empty entity is skipped with a diagnostic', () => {
    const r = parseAnswer('Task 2 Answer: NER: :person; :location;Rome image-entity pair: {}', { mode: 'mner' });
    expect(r.entities).toEqual([{ label: 'location', text: 'Rome' }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['empty-entity']);
  });
  it('"NER: None" and an empty NER part are no entities, compliant', () => {
    expect(parseAnswer('Task 2 Answer: NER: None image-entity pair: {}').compliance.ner).toBe(true);
    expect(parseAnswer('Task 2 Answer: NER: image-entity pair: {}').compliance.ner).toBe(true);
  });
  it('text before the first delimiter is reported and ignored', () => {
    const r = parseAnswer('Task 2 Answer: NER: here they are :person;Bob image-entity pair: {}', { mode: 'mner' });
    expect(r.entities).toEqual([{ label: 'person', text: 'Bob' }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ner-leading-text']);
    expect(r.compliance.ner).toBe(false);
  });
  it('without "NER:" the delimiters are still read, but NER is not compliant', () => {
    const r = parseAnswer('Task 2 Answer: :person;Bob image-entity pair: {}');
    expect(r.entities).toEqual([{ label: 'person', text: 'Bob' }]);
    expect(r.compliance.ner).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('missing-ner-anchor');
  });
});

describe('reading rule: the image-entity mapping', () => {
  const pairsOf = (mapping: string, anchor = 'image-entity pair:') =>
    parseAnswer(`Task 2 Answer: NER: :person;X ${anchor} ${mapping}`, { mode: 'mner' });
  it.each([
    'image-entity pair:',
    'image entity pair:',
    'image entities pair:',
    'image-entities pair:',
    'Image-Entity Pair:',
  ])('"%s" opens the mapping', (anchor) => {
    expect(pairsOf("{'a': 'X'}", anchor).pairs).toEqual([{ segment: 'a', entity: 'X' }]);
  });
  it("keys reduce to a lower-case letter: 'a', \"A\", 'segment a', '(a)', (b), Segment C", () => {
    const r = pairsOf(`{'a': 'X', "B": 'X', 'segment c': 'X', '(d)': 'X', (e): 'X', Segment F: 'X', 'aa': 'X'}`);
    expect(r.pairs.map((p) => p.segment)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'aa']);
    expect(r.compliance.pairs).toBe(true);
  });
  it('single or double quotes, escapes, and a list of entities', () => {
    const r = pairsOf(`{"a": "Rock 'n' Roll", 'b': ['It\\'s', "Q\\"uote"]}`);
    expect(r.pairs).toEqual([
      { segment: 'a', entity: "Rock 'n' Roll" },
      { segment: 'b', entity: "It's" },
      { segment: 'b', entity: 'Q"uote' },
    ]);
  });
  it('None / null / empty value means no pair', () => {
    const r = pairsOf(`{'a': None, 'b': null, 'c': '', 'd': [], 'e': , 'f': 'X'}`);
    expect(r.pairs).toEqual([{ segment: 'f', entity: 'X' }]);
    expect(r.compliance.pairs).toBe(true);
  });
  it('every key–value is kept, duplicate keys included', () => {
    const r = pairsOf(`{'a': 'X', 'a': 'Y', 'b': 'X'}`);
    expect(r.pairs).toEqual([
      { segment: 'a', entity: 'X' },
      { segment: 'a', entity: 'Y' },
      { segment: 'b', entity: 'X' },
    ]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['duplicate-key']);
  });
  it('JSON instead of a Python dict', () => {
    const r = pairsOf('{"a": "X", "b": ["X", "Y"], "c": null}');
    expect(r.pairs).toEqual([
      { segment: 'a', entity: 'X' },
      { segment: 'b', entity: 'X' },
      { segment: 'b', entity: 'Y' },
    ]);
    expect(r.compliance.pairs).toBe(true);
  });
  it('a value cut off by truncation is dropped, with a diagnostic', () => {
    const r = pairsOf(`{'a': 'X', 'b': 'Thun`);
    expect(r.pairs).toEqual([{ segment: 'a', entity: 'X' }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['truncated-value', 'truncated-mapping']);
    expect(r.compliance.pairs).toBe(false);
  });
  it('a cut-off list keeps its complete entries and drops the cut one', () => {
    const r = pairsOf(`{'a': ['X', 'Y', 'Z`);
    expect(r.pairs).toEqual([
      { segment: 'a', entity: 'X' },
      { segment: 'a', entity: 'Y' },
    ]);
    expect(r.compliance.pairs).toBe(false);
  });
  it('a mapping cut off after a key drops that key', () => {
    expect(pairsOf(`{'a': 'X', 'b'`).pairs).toEqual([{ segment: 'a', entity: 'X' }]);
    expect(pairsOf(`{'a': 'X', 'b':`).pairs).toEqual([{ segment: 'a', entity: 'X' }]);
    expect(pairsOf(`{'a`).pairs).toEqual([]);
  });
  it('a key that is not a segment letter is skipped with a diagnostic', () => {
    const r = pairsOf(`{'first image': 'X', 'b': 'Y'}`);
    expect(r.pairs).toEqual([{ segment: 'b', entity: 'Y' }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['bad-segment-key']);
  });
  it('markdown fences and trailing chatter are ignored, with diagnostics', () => {
    const r = pairsOf("```python\n{'a': 'X'}\n```\nHope this helps!");
    expect(r.pairs).toEqual([{ segment: 'a', entity: 'X' }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['markdown-fence', 'trailing-text']);
    expect(r.compliance.pairs).toBe(false);
  });
  it('a value that is not a mapping is reported', () => {
    const r = pairsOf('a is X, b is Y');
    expect(r.pairs).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['pairs-not-a-mapping']);
  });
  it('"image-entity pair: None" is an explicit no-pair answer', () => {
    const r = pairsOf('None');
    expect(r.pairs).toEqual([]);
    expect(r.compliance.pairs).toBe(true);
  });
  it('a missing mapping anchor is reported', () => {
    const r = parseAnswer('Task 2 Answer: NER: :person;X');
    expect(r.entities).toEqual([{ label: 'person', text: 'X' }]);
    expect(r.compliance).toEqual({ task1: false, ner: true, pairs: false });
    expect(r.diagnostics.map((d) => d.code)).toContain('missing-pairs-anchor');
  });
  it('bare (unquoted) values are read', () => {
    expect(pairsOf('{a: Spurs, b: [Spurs, Thunder]}').pairs).toEqual([
      { segment: 'a', entity: 'Spurs' },
      { segment: 'b', entity: 'Spurs' },
      { segment: 'b', entity: 'Thunder' },
    ]);
  });
});

describe('parseAnswer never throws', () => {
  it.each([
    [undefined],
    [null],
    [42],
    [{ output: 'x' }],
    [''],
    ['Task 1 Answer:'],
    ['Task 2 Answer:'],
    ['Task 2 Answer: image-entity pair: {{{{[[[['],
    ['Task 2 Answer: image-entity pair: }'],
    ["Task 2 Answer: image-entity pair: {'a': ['x', {'b': 'c'}]}"],
    ['Task 2 Answer: NER: ::::;;;;:a;:b; image-entity pair: {(:'],
  ])('on %j', (input) => {
    const r = parseAnswer(input);
    expect(r.diagnostics.map((d) => d.code)).not.toContain('internal-error');
    expect(Array.isArray(r.entities) && Array.isArray(r.pairs)).toBe(true);
  });
  it('reports a non-string input', () => {
    expect(codes(42 as unknown as string)).toContain('not-a-string');
  });
});
