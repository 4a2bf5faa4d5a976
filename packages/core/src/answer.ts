import type { Mode } from './modes.js';
import { modeTasks } from './modes.js';

/** An entity as read from or written to a PFA answer. `label` is canonical, or the lower-cased unknown label. */
export interface AnswerEntity {
  label: string;
  text: string;
}

/** One segment → entity pair. A list value in the mapping becomes several pairs with the same segment. */
export interface AnswerPair {
  segment: string;
  entity: string;
}

/** The content of a PFA answer: what `formatAnswer` writes and `parseAnswer` reads. */
export interface PfaAnswer {
  /** Task 1 summary; null (or absent) when there is none. */
  summary?: string | null;
  entities: AnswerEntity[];
  pairs: AnswerPair[];
}

export const ANCHOR_TASK1 = 'Task 1 Answer:';
export const ANCHOR_TASK2 = 'Task 2 Answer:';
export const ANCHOR_NER = 'NER:';
export const ANCHOR_PAIRS = 'image-entity pair:';

/**
 * A string as a Python `repr` would write it: single quotes unless the text contains a
 * single quote and no double quote; backslashes and the chosen quote escaped.
 */
export function pyQuote(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + quote;
}

/** The `NER: :label;entity...` part. */
export function formatNer(entities: readonly AnswerEntity[]): string {
  return `${ANCHOR_NER} ${entities.map((e) => `:${e.label};${e.text}`).join('')}`;
}

/**
 * The `image-entity pair: {...}` part. Consecutive pairs of the same segment become one list
 * value; a segment that comes back later is written as a repeated key, so order is kept.
 */
export function formatPairs(pairs: readonly AnswerPair[]): string {
  const groups: { segment: string; entities: string[] }[] = [];
  for (const p of pairs) {
    const last = groups.at(-1);
    if (last && last.segment === p.segment) last.entities.push(p.entity);
    else groups.push({ segment: p.segment, entities: [p.entity] });
  }
  const body = groups
    .map((g) => {
      const value =
        g.entities.length === 1 ? pyQuote(g.entities[0] as string) : `[${g.entities.map(pyQuote).join(', ')}]`;
      return `${pyQuote(g.segment)}: ${value}`;
    })
    .join(', ');
  return `${ANCHOR_PAIRS} {${body}}`;
}

/** Writes the PFA output for a mode: `summary` → Task 1 only, `mner` → Task 2 only, `joint` → both. */
export function formatAnswer(answer: PfaAnswer, mode: Mode): string {
  const tasks = modeTasks(mode);
  const lines: string[] = [];
  if (tasks.task1) lines.push(`${ANCHOR_TASK1} ${(answer.summary ?? '').trim()}`);
  if (tasks.task2) lines.push(`${ANCHOR_TASK2} ${formatNer(answer.entities)} ${formatPairs(answer.pairs)}`);
  return lines.join('\n');
}
