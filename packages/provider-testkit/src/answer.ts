import type { AnswerEntity, Mode } from '@mmre/core';
import { detectPromptMode, formatAnswer } from '@mmre/core';

export interface AnswerInput {
  /** All text parts of the request, in order. */
  texts: string[];
  /** Decoded image sizes, in order. */
  images: { width: number; height: number }[];
  /** Explicit mode, else read from the PFA anchors named in the text. */
  mode?: Mode | null;
  /**
   * Lengthen the summary to at least this many characters, as a model's description of a photo is (the M-MRE
   * gold summaries run to a few hundred characters): sentences naming the text's words follow the one about
   * the images. Default 0, the one sentence (about 80 characters).
   */
  summaryChars?: number;
}

/**
 * The deterministic PFA answer the loopback peers give: the mode is read from the prompt's
 * anchors (joint when none); the summary lists the decoded image sizes in order; the entities are
 * the capitalised words of the `Text:` line (label `other`, or `person` for the first); each
 * segment named by a `Segment x:` text part is paired with the entity at its index (cycling).
 */
export function deterministicAnswer(input: AnswerInput): { mode: Mode; text: string } {
  const all = input.texts.join('\n');
  const mode = input.mode ?? detectPromptMode(all) ?? 'joint';
  const segs: string[] = [];
  for (const m of all.matchAll(/Segment ([a-z]+):/g)) if (!segs.includes(m[1] as string)) segs.push(m[1] as string);
  const textLine = /Text:\s*(.*)$/m.exec(all)?.[1] ?? all;
  const words = [...textLine.matchAll(/\b[A-Z][\p{L}\d]+/gu)].map((m) => m[0]);
  const entities: AnswerEntity[] = words.slice(0, 8).map((w, i) => ({ label: i === 0 ? 'person' : 'other', text: w }));
  const pairs = entities.length
    ? segs.map((s, i) => ({ segment: s, entity: (entities[i % entities.length] as AnswerEntity).text }))
    : [];
  const sizes = input.images.map((d) => `${d.width}x${d.height}`).join(', ');
  const first = `The request carried ${input.images.length} image${input.images.length === 1 ? '' : 's'}${sizes ? ` (${sizes})` : ''} and ${segs.length} segment label${segs.length === 1 ? '' : 's'}.`;
  const summary = lengthened(first, words, input.summaryChars ?? 0);
  return { mode, text: formatAnswer({ summary, entities, pairs }, mode) };
}

/** `summary` followed by sentences about `words` (cycling) until it has at least `chars` characters. */
function lengthened(summary: string, words: readonly string[], chars: number): string {
  const parts = [summary];
  let length = summary.length;
  for (let i = 0; length < chars; i++) {
    const word = words.length ? words[i % words.length] : 'scene';
    const sentence = ` In part ${i + 1} of the picture, ${word} is seen near the centre, in daylight.`;
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join('');
}
