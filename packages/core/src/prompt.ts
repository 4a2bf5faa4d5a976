import { ANCHOR_PAIRS, ANCHOR_TASK1, ANCHOR_TASK2 } from './answer.js';
import { LABELS } from './labels.js';
import type { Mode } from './modes.js';
import { modeTasks } from './modes.js';

/**
 * The text modules of the Prompt Format Adapter (DESIGN.md): a general instruction, the
 * Task 1 instruction (summary, joint) and the Task 2 instruction (mner, joint).
 * Placeholders: `{text}` (the sample text), `{segments}` (e.g. `a, b, c`), `{labels}`.
 */
export interface PfaTemplates {
  general: string;
  task1: string;
  task2: string;
  /** Used for Task 2 when the sample has no segment images. */
  task2NoSegments: string;
}

export const DEFAULT_PFA_TEMPLATES: Readonly<PfaTemplates> = Object.freeze({
  general:
    'You are given a main image, segment images cut from it, and a text. Answer only the tasks below, in the exact format shown, with no extra words.',
  task1: `Task 1: Summarize the main image in one paragraph. Answer as: ${ANCHOR_TASK1} <summary>`,
  task2: `Task 2: Extract the label-entity pairs from the text (labels: {labels}), then match each segment image ({segments}) to the entity it shows. Answer as: ${ANCHOR_TASK2} NER: :label;entity:label;entity ${ANCHOR_PAIRS} {'a': 'entity', 'b': ['entity', 'entity']}\nText: {text}`,
  task2NoSegments: `Task 2: Extract the label-entity pairs from the text (labels: {labels}). There are no segment images. Answer as: ${ANCHOR_TASK2} NER: :label;entity:label;entity ${ANCHOR_PAIRS} {}\nText: {text}`,
});

export interface PfaInstructionInput {
  text: string;
  /** Segment letters in order, e.g. ['a', 'b']. */
  segmentIds: readonly string[];
  templates?: Partial<PfaTemplates>;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(text|segments|labels)\}/g, (_, key: string) => values[key] ?? '');
}

/** The PFA instruction text for a mode (the text that follows the images in the user turn). */
export function pfaInstruction(mode: Mode, input: PfaInstructionInput): string {
  const t = { ...DEFAULT_PFA_TEMPLATES, ...input.templates };
  const tasks = modeTasks(mode);
  const values = { text: input.text, segments: input.segmentIds.join(', '), labels: LABELS.join(', ') };
  const parts = [fill(t.general, values)];
  if (tasks.task1) parts.push(fill(t.task1, values));
  if (tasks.task2) parts.push(fill(input.segmentIds.length > 0 ? t.task2 : t.task2NoSegments, values));
  return parts.join('\n');
}
