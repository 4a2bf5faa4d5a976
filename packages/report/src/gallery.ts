// The sample gallery's data: the one place where the HTML report reads per-sample data of the Report.
// Everything the client-side gallery shows comes from `galleryItems`; if the report's data model
// changes, only that function has to follow.
import type { Mode } from '@mmre/core';
import { MODES } from '@mmre/core';
import { entityKey, pairKey } from '@mmre/metrics';
import type { ModeSample, Report, SampleReport } from './build.js';

/** Hit/miss marking of predictions against gold as multisets (same keys as the metrics). */
export function markMultiset<T>(
  gold: readonly T[],
  pred: readonly T[],
  key: (x: T) => string,
): { pred: { item: T; hit: boolean }[]; missed: T[] } {
  const left = new Map<string, number>();
  for (const g of gold) left.set(key(g), (left.get(key(g)) ?? 0) + 1);
  const out = pred.map((item) => {
    const k = key(item);
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      return { item, hit: true };
    }
    return { item, hit: false };
  });
  const missed: T[] = [];
  const remaining = new Map(left);
  for (const g of gold) {
    const k = key(g);
    const n = remaining.get(k) ?? 0;
    if (n > 0) {
      missed.push(g);
      remaining.set(k, n - 1);
    }
  }
  return { pred: out, missed };
}

/** The two strings of a chip: an entity `[text, label]` or a pair `[segment, entity]`. */
export type GalleryChip = [string, string];

/** A predicted chip: its two strings and `1` when it matches a gold item (hit), `0` when not (miss). */
export type GalleryMarkedChip = [string, string, 0 | 1];

/** Predictions marked against the gold as multisets, with the keys of the metrics (`entityKey`, `pairKey`). */
export interface GalleryMarks {
  /** Every prediction in answer order, marked hit or miss; the hits are the metric's tp / correct. */
  pred: GalleryMarkedChip[];
  /** The gold items no prediction matched (false negatives). */
  missed: GalleryChip[];
}

/**
 * What one mode answered for one sample, and how it scored. Scores are in points (fraction × 100),
 * rounded to 6 decimals (the cards show 2).
 */
export interface GalleryMode {
  /** Task 1 (summary), when it was scored: the mode asks for it and the sample has a gold summary. */
  t1: {
    /** The summary the PFA parser read (null: none). */
    summary: string | null;
    rouge1: number;
    rouge2: number;
    rougeL: number;
  } | null;
  /** Task 2 (NER + image–entity matching), when the mode asks for it. */
  t2: {
    entities: GalleryMarks;
    pairs: GalleryMarks;
    /** Per-sample NER F1. */
    nerF1: number;
    /** Per-sample image–entity accuracy (null: the sample has no gold pair). */
    accuracy: number | null;
  } | null;
  /** The call's error (it is scored as an empty answer); absent when the call succeeded. */
  error?: string;
  /** Parser diagnostic codes when an asked anchor is not compliant (may be empty); absent when compliant. */
  format?: string[];
}

/** The gallery's order of modes: the single-task modes first, then joint (the row each is compared with). */
export const GALLERY_MODES: readonly Mode[] = [...MODES].sort((a, b) => Number(a === 'joint') - Number(b === 'joint'));

/** The per-sample values the gallery sorts and filters on, per model and mode: ROUGE-L, NER F1, accuracy. */
export const GALLERY_SCORES = ['rougeL', 'nerF1', 'accuracy'] as const;

/**
 * One sample as the gallery shows it: everything a card needs and nothing else, so the embedded JSON
 * stays small (strings, small tuples, numbers in points). Models are in `report.systems` order.
 */
export interface GalleryItem {
  id: string;
  split: string | null;
  /** The sample's text (the post the entities come from). */
  text: string;
  /**
   * Path of the main image, as in the test vars. Used to make the thumbnail or the relative link;
   * never written into the HTML itself.
   */
  image: string;
  /** Number of gold segments; those with a box are in `boxes`. */
  segments: number;
  /** Gold segment boxes `[segment id, xmin, ymin, xmax, ymax]` in the main image's own pixel frame. */
  boxes: [string, number, number, number, number][];
  gold: {
    summary: string | null;
    /** `[text, label]` */
    entities: GalleryChip[];
    /** `[segment, entity]` */
    pairs: GalleryChip[];
  };
  /** Per model: one entry per mode it answered for this sample; null when the model has no row for it. */
  answers: (Partial<Record<Mode, GalleryMode>> | null)[];
  /**
   * Per model, its joint − single deltas `[ROUGE-L, NER F1, accuracy]` flattened (model m at 3m), in
   * points; null when n/a (a side missing or undefined).
   */
  deltas: (number | null)[];
  /**
   * Per model, mode (GALLERY_MODES) and GALLERY_SCORES, the per-sample value in points, flattened
   * (model m, mode i, score k at (3m + i)·3 + k); null when the mode has no scored answer for it. The
   * gallery computes differences between models from these.
   */
  scores: (number | null)[];
}

/** A fraction as points, rounded to 6 decimals (keeps the JSON short; the cards show 2). */
const pts = (x: number): number => Math.round(x * 1e8) / 1e6;
const entityChip = (e: { text: string; label: string }): GalleryChip => [e.text, e.label];
const pairChip = (p: { segment: string; entity: string }): GalleryChip => [p.segment, p.entity];

function marks<T>(gold: readonly T[], pred: readonly T[], key: (x: T) => string, chip: (x: T) => GalleryChip) {
  const m = markMultiset(gold, pred, key);
  return {
    pred: m.pred.map((p): GalleryMarkedChip => [...chip(p.item), p.hit ? 1 : 0]),
    missed: m.missed.map(chip),
  };
}

function galleryMode(ms: ModeSample, gold: SampleReport['gold']): GalleryMode {
  const accuracy = ms.matching?.accuracy;
  const gm: GalleryMode = {
    t1: ms.rouge
      ? {
          summary: ms.summary,
          rouge1: pts(ms.rouge.rouge1),
          rouge2: pts(ms.rouge.rouge2),
          rougeL: pts(ms.rouge.rougeL),
        }
      : null,
    t2: ms.ner
      ? {
          entities: marks(gold.entities, ms.entities, entityKey, entityChip),
          pairs: marks(gold.pairs, ms.pairs, pairKey, pairChip),
          nerF1: pts(ms.ner.f1),
          accuracy: accuracy === null || accuracy === undefined ? null : pts(accuracy),
        }
      : null,
  };
  if (ms.error !== null && ms.error !== '') gm.error = ms.error;
  if (!ms.compliant) gm.format = [...ms.diagnostics];
  return gm;
}

/** The per-sample value of one score of one mode's answer, in points (null: not scored). */
function scoreOf(ms: ModeSample | undefined, k: (typeof GALLERY_SCORES)[number]): number | null {
  if (!ms) return null;
  if (k === 'rougeL') return ms.rouge ? pts(ms.rouge.rougeL) : null;
  if (k === 'nerF1') return ms.ner ? pts(ms.ner.f1) : null;
  const a = ms.matching?.accuracy;
  return a === null || a === undefined ? null : pts(a);
}

/**
 * The gallery's view of the report: one item per sample, in report order. This is the only
 * function of the HTML report that reads `report.samples` (SampleReport / ModeSample fields).
 */
export function galleryItems(report: Report): GalleryItem[] {
  const keys = report.systems.map((s) => s.key);
  return report.samples.map((s) => {
    const answers = keys.map((key) => {
      const one = s.systems[key];
      if (!one) return null;
      const modes: Partial<Record<Mode, GalleryMode>> = {};
      for (const mode of GALLERY_MODES) {
        const ms = one.modes[mode];
        if (ms) modes[mode] = galleryMode(ms, s.gold);
      }
      return modes;
    });
    const deltas = keys.flatMap((key) => {
      const d = s.systems[key]?.deltas;
      return [d?.rougeL ?? null, d?.nerF1 ?? null, d?.accuracy ?? null];
    });
    const scores = keys.flatMap((key) =>
      GALLERY_MODES.flatMap((mode) => GALLERY_SCORES.map((k) => scoreOf(s.systems[key]?.modes[mode], k))),
    );
    return {
      id: s.id,
      split: s.split,
      text: s.text,
      image: s.image,
      segments: s.segments.length,
      boxes: s.segments.flatMap((g): GalleryItem['boxes'] =>
        g.box ? [[g.id, g.box.xmin, g.box.ymin, g.box.xmax, g.box.ymax]] : [],
      ),
      gold: {
        summary: s.gold.summary ?? null,
        entities: s.gold.entities.map(entityChip),
        pairs: s.gold.pairs.map(pairChip),
      },
      answers,
      deltas,
      scores,
    };
  });
}

/** JSON safe inside a `<script>` element: `<` (so no `</script>` or `<!--`), U+2028 and U+2029 escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
