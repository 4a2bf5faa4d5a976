import { ANCHOR_NER, ANCHOR_PAIRS, ANCHOR_TASK1, ANCHOR_TASK2 } from './answer.js';
import { LABELS } from './labels.js';
import type { Mode } from './modes.js';
import { modeTasks } from './modes.js';

/**
 * The PFA answer format as ONE description (a small grammar tree), next to the formatter and the
 * parser, and the two constraint languages generated from it: a regular expression (vLLM
 * `structured_outputs.regex` / `guided_regex`, SGLang `regex`, LMDeploy `response_format.regex_schema`)
 * and a GBNF grammar (llama.cpp `grammar`). Both accept the same language: every
 * `formatAnswer(answer, mode)` output with a one-line, non-empty summary and entity texts without
 * `;` or a newline (the parser's reading rules need no more).
 *
 * - summary: `Task 1 Answer: <one line>`
 * - mner:    `Task 2 Answer: NER: (:label;entity)* image-entity pair: {('x': 'e' | 'x': ['e', …])(, …)*}`
 * - joint:   both, on two lines.
 */
export type FormatNode =
  | { kind: 'lit'; text: string }
  | { kind: 'seq'; items: FormatNode[] }
  | { kind: 'alt'; items: FormatNode[] }
  | { kind: 'rep'; item: FormatNode; min: 0 | 1 }
  | { kind: 'opt'; item: FormatNode }
  /** A character class, given as its excluded characters (`[^…]`). */
  | { kind: 'notChars'; chars: string }
  /** Any one character but a newline. */
  | { kind: 'any' }
  /** One character of a range, e.g. `a`–`z`. */
  | { kind: 'range'; from: string; to: string }
  /** A named sub-rule (a GBNF rule; inlined as a group in the regex). */
  | { kind: 'rule'; name: string; body: FormatNode };

const lit = (text: string): FormatNode => ({ kind: 'lit', text });
const seq = (...items: FormatNode[]): FormatNode => ({ kind: 'seq', items });
const alt = (...items: FormatNode[]): FormatNode => ({ kind: 'alt', items });
const star = (item: FormatNode): FormatNode => ({ kind: 'rep', item, min: 0 });
const plus = (item: FormatNode): FormatNode => ({ kind: 'rep', item, min: 1 });
const opt = (item: FormatNode): FormatNode => ({ kind: 'opt', item });
const not = (chars: string): FormatNode => ({ kind: 'notChars', chars });
const rule = (name: string, body: FormatNode): FormatNode => ({ kind: 'rule', name, body });

export interface FormatGrammarOptions {
  /** Segment letters the prompt names (the keys allowed in the mapping); any lower-case letters when omitted. */
  segmentIds?: readonly string[];
}

/** A Python-repr string literal as `pyQuote` writes it: single or double quoted, backslash escapes. */
function pyString(quote: "'" | '"'): FormatNode {
  return seq(lit(quote), star(alt(not(`${quote}\\\n`), seq(lit('\\'), { kind: 'any' }))), lit(quote));
}

/** The PFA answer format of a mode, as a grammar tree. */
export function pfaFormat(mode: Mode, options: FormatGrammarOptions = {}): FormatNode {
  const tasks = modeTasks(mode);
  const str = rule('str', alt(pyString("'"), pyString('"')));
  const ids = options.segmentIds;
  const id = rule('segment', ids?.length ? alt(...ids.map(lit)) : plus({ kind: 'range', from: 'a', to: 'z' }));
  const key = rule('key', alt(seq(lit("'"), id, lit("'")), seq(lit('"'), id, lit('"'))));
  const value = rule('value', alt(str, seq(lit('['), str, star(seq(lit(', '), str)), lit(']'))));
  const pair = rule('pair', seq(key, lit(': '), value));
  const mapping = rule(
    'mapping',
    ids && ids.length === 0 ? lit('{}') : seq(lit('{'), opt(seq(pair, star(seq(lit(', '), pair)))), lit('}')),
  );
  const label = rule('label', alt(...LABELS.map(lit)));
  const entity = rule('entity', plus(not(';\n')));
  const task1 = rule('task1', seq(lit(`${ANCHOR_TASK1} `), plus(not('\n'))));
  const task2 = rule(
    'task2',
    seq(
      lit(`${ANCHOR_TASK2} ${ANCHOR_NER} `),
      star(seq(lit(':'), label, lit(';'), entity)),
      lit(` ${ANCHOR_PAIRS} `),
      mapping,
    ),
  );
  if (tasks.task1 && tasks.task2) return seq(task1, lit('\n'), task2);
  return tasks.task1 ? task1 : task2;
}

function regexLit(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\n/g, '\\n');
}

function regexClassChars(chars: string): string {
  return [...chars].map((c) => (c === '\n' ? '\\n' : /[\]\\^-]/.test(c) ? `\\${c}` : c)).join('');
}

function toRegex(n: FormatNode, top = false): string {
  switch (n.kind) {
    case 'lit':
      return regexLit(n.text);
    case 'seq':
      return n.items.map((i) => toRegex(i)).join('');
    case 'alt': {
      const body = n.items.map((i) => toRegex(i)).join('|');
      return top ? body : `(${body})`;
    }
    case 'rep':
    case 'opt': {
      const inner = n.item;
      const single =
        inner.kind === 'notChars' ||
        inner.kind === 'any' ||
        inner.kind === 'range' ||
        (inner.kind === 'lit' && [...inner.text].length === 1);
      const s = single ? toRegex(inner) : `(${toRegex(inner, true)})`;
      return `${s}${n.kind === 'opt' ? '?' : n.min === 1 ? '+' : '*'}`;
    }
    case 'notChars':
      return `[^${regexClassChars(n.chars)}]`;
    case 'any':
      return '.';
    case 'range':
      return `[${n.from}-${n.to}]`;
    case 'rule':
      return toRegex(n.body);
  }
}

/**
 * The format as a regular expression, in the subset the structured-output backends compile
 * (xgrammar, guidance, outlines, LMDeploy's): plain groups, alternation, character classes and
 * `*`/`+`/`?` (no lookaround, no lazy quantifiers, no backreferences). Meant to match the whole answer.
 */
export function pfaRegex(mode: Mode, options: FormatGrammarOptions = {}): string {
  return toRegex(pfaFormat(mode, options));
}

function gbnfLit(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function gbnfClassChars(chars: string): string {
  return [...chars].map((c) => (c === '\n' ? '\\n' : /[\]\\^-]/.test(c) ? `\\${c}` : c)).join('');
}

/**
 * The format as a GBNF grammar (llama.cpp's grammar language: `root ::= …`, one rule per named part).
 */
export function pfaGbnf(mode: Mode, options: FormatGrammarOptions = {}): string {
  const rules = new Map<string, string>();
  const emit = (n: FormatNode): string => {
    switch (n.kind) {
      case 'lit':
        return gbnfLit(n.text);
      case 'seq':
        return n.items.map(emit).join(' ');
      case 'alt':
        return `(${n.items.map(emit).join(' | ')})`;
      case 'rep':
        return `(${emit(n.item)})${n.min === 1 ? '+' : '*'}`;
      case 'opt':
        return `(${emit(n.item)})?`;
      case 'notChars':
        return `[^${gbnfClassChars(n.chars)}]`;
      case 'any':
        return '[^\\n]';
      case 'range':
        return `[${n.from}-${n.to}]`;
      case 'rule': {
        if (!rules.has(n.name)) {
          rules.set(n.name, ''); // reserve (rules are not recursive)
          rules.set(n.name, emit(n.body));
        }
        return n.name;
      }
    }
  };
  const root = emit(pfaFormat(mode, options));
  return [`root ::= ${root}`, ...[...rules].map(([name, body]) => `${name} ::= ${body}`)].join('\n');
}
