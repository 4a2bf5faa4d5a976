import { z } from 'zod';
import { ANCHOR_TASK1, ANCHOR_TASK2 } from './answer.js';
import type { Mode } from './modes.js';
import { isMode } from './modes.js';
import { BoxSchema, GoldSchema, SegmentIdSchema } from './schema.js';

/**
 * The vars of one promptfoo test, as the dataset test generator writes them and the PFA prompts,
 * assertions, offline providers and report read them.
 *
 * `segments` and `gold` are JSON strings, not arrays/objects: promptfoo expands array vars into
 * one test per element, which would break a sample apart.
 */
export interface MmreTestVars {
  /** Sample id. */
  id: string;
  split: string;
  text: string;
  /** Absolute path of the main image. */
  image: string;
  /** JSON string of `TestSegment[]`. */
  segments: string;
  /** JSON string of the Gold record. */
  gold: string;
}

export const TestSegmentSchema = z
  .object({
    id: SegmentIdSchema,
    /** Absolute path of the segment image, or null when the dataset has only boxes. */
    path: z.string().min(1).nullable(),
    box: BoxSchema.nullable(),
  })
  .strict();
export type TestSegment = z.infer<typeof TestSegmentSchema>;

const jsonString = <T extends z.ZodType>(schema: T, field: string) =>
  z.union([z.string(), z.unknown()]).transform((value, ctx): z.infer<T> => {
    let parsed: unknown = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `vars.${field} is not valid JSON` });
        return z.NEVER;
      }
    }
    const r = schema.safeParse(parsed);
    if (!r.success) {
      for (const issue of r.error.issues)
        ctx.addIssue({ code: 'custom', message: `vars.${field}.${issue.path.join('.')}: ${issue.message}` });
      return z.NEVER;
    }
    return r.data;
  });

/** Validates and decodes test vars (accepts `segments`/`gold` as JSON strings or already-decoded values). */
export const TestVarsSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  split: z.string().optional(),
  text: z.string(),
  image: z.string().min(1),
  segments: jsonString(z.array(TestSegmentSchema), 'segments').optional(),
  gold: jsonString(GoldSchema, 'gold').optional(),
  /**
   * The mode of the row: set by the @mmre/pfa prompt functions on promptfoo's per-row vars; set it on
   * the test for prompts that are not PFA prompts.
   */
  mode: z.string().optional(),
});
export type DecodedTestVars = z.infer<typeof TestVarsSchema>;

/**
 * What is wrong with test vars, from the zod error of `TestVarsSchema`: `vars.<field>: <message>` per
 * issue (an issue of the vars object itself: its message alone), joined by `; `. The one wording of
 * bad vars for the prompts, the assertions, the offline providers and the report; the caller names
 * the sample and the fix.
 */
export function describeVarsIssues(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
  return error.issues
    .map((i) => (i.path.length ? `vars.${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Encodes the vars of a test (see MmreTestVars). */
export function encodeTestVars(input: {
  id: string;
  split: string;
  text: string;
  image: string;
  segments: TestSegment[];
  gold: z.input<typeof GoldSchema>;
}): MmreTestVars {
  return {
    id: input.id,
    split: input.split,
    text: input.text,
    image: input.image,
    segments: JSON.stringify(input.segments),
    gold: JSON.stringify(input.gold),
  };
}

/**
 * The mode a rendered prompt asks for, read from the answer anchors it tells the model to write:
 * a PFA prompt names `Task 1 Answer:` iff it asks for Task 1, `Task 2 Answer:` iff it asks for Task 2.
 * Works on plain text and on the JSON chat messages the PFA prompt functions render.
 * Returns null when neither anchor is named.
 */
export function detectPromptMode(renderedPrompt: string | undefined | null): Mode | null {
  if (!renderedPrompt) return null;
  const lower = renderedPrompt.toLowerCase();
  const t1 = lower.includes(ANCHOR_TASK1.toLowerCase());
  const t2 = lower.includes(ANCHOR_TASK2.toLowerCase());
  if (t1 && t2) return 'joint';
  if (t1) return 'summary';
  if (t2) return 'mner';
  return null;
}

/**
 * The mode of a row, from data: the first of `candidates` that is a mode name (e.g. a provider's or
 * assertion's `config.mode`, then `vars.mode`, which the @mmre/pfa prompt functions set on every
 * row). Null when none is. The prompt text is never searched.
 */
export function modeOf(...candidates: unknown[]): Mode | null {
  for (const c of candidates) if (isMode(c)) return c;
  return null;
}

/**
 * The segment letters of a test, from `vars.segments` (a JSON string or an array of `{id}`), in
 * order; null when the vars carry no readable segment list.
 */
export function segmentIdsOfVars(vars: unknown): string[] | null {
  const raw = (vars as { segments?: unknown } | null | undefined)?.segments;
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list)) return null;
  const ids: string[] = [];
  for (const s of list) {
    const id = (s as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return null;
    ids.push(id);
  }
  return ids;
}
