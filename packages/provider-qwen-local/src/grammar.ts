import type { Mode } from '@mmre/core';
import { ANCHOR_NER, ANCHOR_PAIRS, ANCHOR_TASK1, ANCHOR_TASK2, LABELS, modeTasks } from '@mmre/core';

/** Escapes regex metacharacters. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Python-repr string literal as `pyQuote` writes it: single or double quoted, backslash escapes. */
const STR = `('([^'\\\\\\n]|\\\\.)*'|"([^"\\\\\\n]|\\\\.)*")`;

export interface GrammarOptions {
  /** Segment letters the prompt names (keys allowed in the mapping); any lower-case letters when omitted. */
  segmentIds?: readonly string[];
}

/**
 * The PFA answer format of a mode as a regular expression, for decode-time constraint
 * (vLLM `structured_outputs.regex` / `guided_regex`, SGLang `regex`). It uses only plain groups,
 * alternation, character classes and `*`/`+`/`?` quantifiers (no lookaround, no lazy quantifiers,
 * no backreferences), the subset the structured-output backends (xgrammar, guidance, outlines)
 * compile. Every `formatAnswer(answer, mode)` output with a one-line, non-empty summary and
 * entity texts without `;` or a newline matches it.
 *
 * - summary: `Task 1 Answer: <one line>`
 * - mner:    `Task 2 Answer: NER: (:label;entity)* image-entity pair: {('x': 'e' | 'x': ['e', …])(, …)*}`
 * - joint:   both, on two lines.
 */
export function pfaRegex(mode: Mode, options: GrammarOptions = {}): string {
  const tasks = modeTasks(mode);
  const labels = `(${LABELS.map(escapeRegex).join('|')})`;
  const entity = '[^;\\n]+';
  const ids = options.segmentIds?.length ? `(${options.segmentIds.map(escapeRegex).join('|')})` : '[a-z]+';
  const key = `('${ids}'|"${ids}")`;
  const value = `(${STR}|\\[${STR}(, ${STR})*\\])`;
  const pair = `${key}: ${value}`;
  const mapping = options.segmentIds && options.segmentIds.length === 0 ? '\\{\\}' : `\\{(${pair}(, ${pair})*)?\\}`;
  const task1 = `${escapeRegex(ANCHOR_TASK1)} [^\\n]+`;
  const task2 = `${escapeRegex(ANCHOR_TASK2)} ${escapeRegex(ANCHOR_NER)} (:${labels};${entity})* ${escapeRegex(ANCHOR_PAIRS)} ${mapping}`;
  if (tasks.task1 && tasks.task2) return `${task1}\\n${task2}`;
  return tasks.task1 ? task1 : task2;
}
