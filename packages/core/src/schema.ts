import { z } from 'zod';
import { LABELS } from './labels.js';

/** A segment id: `a` … `z`, then `aa`, `ab`, … (lower-case letters only). */
export const SegmentIdSchema = z
  .string()
  .regex(/^[a-z]+$/, { message: 'segment id must be lower-case letters: a, b, …, z, aa, ab, …' });

export const BoxSchema = z
  .object({
    xmin: z.number().finite(),
    ymin: z.number().finite(),
    xmax: z.number().finite(),
    ymax: z.number().finite(),
  })
  .strict();
export type Box = z.infer<typeof BoxSchema>;

export const ImageRefSchema = z
  .object({
    /** Path relative to the dataset root. */
    path: z.string().min(1, { message: 'image.path must not be empty' }),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
  })
  .strict();
export type ImageRef = z.infer<typeof ImageRefSchema>;

export const SegmentSchema = z
  .object({
    id: SegmentIdSchema,
    /** Path of the cropped segment image, relative to the dataset root. */
    path: z.string().min(1).optional(),
    /** Box in the main image's pixel frame. */
    box: BoxSchema.optional(),
  })
  .strict();
export type Segment = z.infer<typeof SegmentSchema>;

export const LabelSchema = z.enum(LABELS);

export const EntitySchema = z
  .object({
    label: LabelSchema,
    text: z.string().min(1, { message: 'entity text must not be empty' }),
  })
  .strict();
export type Entity = z.infer<typeof EntitySchema>;

export const PairSchema = z
  .object({
    segment: SegmentIdSchema,
    entity: z.string().min(1, { message: 'pair entity must not be empty' }),
  })
  .strict();
export type Pair = z.infer<typeof PairSchema>;

export const GoldSchema = z
  .object({
    summary: z.string().optional(),
    entities: z.array(EntitySchema),
    pairs: z.array(PairSchema),
  })
  .strict();
export type Gold = z.infer<typeof GoldSchema>;

/**
 * The one rule for "the gold has a summary": a string with something besides whitespace. Scoring
 * (Task 1 is scored only then), validation and k-shot choice all use it, so an empty or blank
 * gold summary is treated the same way everywhere.
 */
export function hasGoldSummary(gold: Pick<Gold, 'summary'> | null | undefined): gold is Gold & { summary: string } {
  return typeof gold?.summary === 'string' && gold.summary.trim() !== '';
}

/** The one internal record shape (DESIGN.md, "Sample record"). */
export const SampleSchema = z
  .object({
    id: z.string().min(1, { message: 'id must not be empty' }),
    split: z.string().min(1, { message: 'split must not be empty (e.g. train, test)' }),
    text: z.string(),
    image: ImageRefSchema,
    segments: z.array(SegmentSchema),
    gold: GoldSchema,
  })
  .strict();
export type Sample = z.infer<typeof SampleSchema>;

/** `dataset.json` at the root of a dataset folder. */
export const DatasetManifestSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    labels: z.array(LabelSchema).default([...LABELS]),
    license: z.string().min(1),
    /** Split name → number of samples. */
    splits: z.record(z.string(), z.number().int().nonnegative()),
    source: z.string().optional(),
  })
  .strict();
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;

/** Letter id of the n-th segment (0-based): a…z, aa, ab, … (bijective base 26). */
export function segmentId(index: number): string {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`segment index must be a non-negative integer, got ${index}`);
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(97 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** Inverse of segmentId: `a` → 0, `z` → 25, `aa` → 26. Returns -1 for a non-id. */
export function segmentIndex(id: string): number {
  if (!/^[a-z]+$/.test(id)) return -1;
  let n = 0;
  for (const ch of id) n = n * 26 + (ch.charCodeAt(0) - 96);
  return n - 1;
}
