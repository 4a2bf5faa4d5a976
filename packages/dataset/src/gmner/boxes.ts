import { type Box, type Pair, type Segment, segmentId } from '@mmre/core';
import type { DatasetDiagnostic } from '../diagnostics.js';
import { emptyLadder, type LadderCounts, type LadderRung, matchBoxName } from './ladder.js';
import type { VocObject } from './voc.js';

export interface Size {
  width: number;
  height: number;
}

/**
 * Scales a box from the frame `from` (the XML `<size>`) to the frame `to` (the real image),
 * rounding to whole pixels. Same size (or an unknown frame): the box unchanged.
 */
export function scaleBox(box: Box, from: Size | null, to: Size | null): Box {
  if (!from || !to || (from.width === to.width && from.height === to.height)) return { ...box };
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return {
    xmin: Math.round(box.xmin * sx),
    ymin: Math.round(box.ymin * sy),
    xmax: Math.round(box.xmax * sx),
    ymax: Math.round(box.ymax * sy),
  };
}

/**
 * Clamps a box to the image `[0, width] × [0, height]` (only to `≥ 0` when the size is unknown).
 * Returns null when nothing of at least one pixel is left (degenerate, inverted or outside the image).
 */
export function clampBox(box: Box, size: Size | null): Box | null {
  const xmin = Math.max(0, Math.min(box.xmin, size ? size.width : Number.POSITIVE_INFINITY));
  const ymin = Math.max(0, Math.min(box.ymin, size ? size.height : Number.POSITIVE_INFINITY));
  const xmax = Math.max(0, Math.min(box.xmax, size ? size.width : Number.POSITIVE_INFINITY));
  const ymax = Math.max(0, Math.min(box.ymax, size ? size.height : Number.POSITIVE_INFINITY));
  if (xmax - xmin < 1 || ymax - ymin < 1) return null;
  return { xmin, ymin, xmax, ymax };
}

/** Integer pixel rectangle for sharp's `extract`, inside the image (the box must be clamped). */
export function cropRect(box: Box, size: Size): { left: number; top: number; width: number; height: number } | null {
  const left = Math.max(0, Math.floor(box.xmin));
  const top = Math.max(0, Math.floor(box.ymin));
  const right = Math.min(size.width, Math.ceil(box.xmax));
  const bottom = Math.min(size.height, Math.ceil(box.ymax));
  if (right - left < 1 || bottom - top < 1) return null;
  return { left, top, width: right - left, height: bottom - top };
}

export interface BuiltSegments {
  segments: Segment[];
  pairs: Pair[];
  /** Rung per pair (same order as `pairs`). */
  rungs: LadderRung[];
  ladder: LadderCounts;
  skippedBoxes: number;
  diagnostics: DatasetDiagnostic[];
}

/**
 * Turns the XML objects of one tweet into lettered segments and gold pairs: each box is scaled from
 * the XML frame to the image frame, clamped to the image, and skipped (with a diagnostic) when
 * degenerate; the kept boxes are lettered a…z, aa, ab, … in XML order, and each named box gives a
 * pair whose entity comes from the ladder.
 */
export function buildSegments(
  objects: readonly VocObject[],
  entityTexts: readonly string[],
  frame: { xml: Size | null; image: Size | null },
  where: { sampleId: string; file: string },
): BuiltSegments {
  const out: BuiltSegments = {
    segments: [],
    pairs: [],
    rungs: [],
    ladder: emptyLadder(),
    skippedBoxes: 0,
    diagnostics: [],
  };
  const imageSize = frame.image ?? frame.xml;
  objects.forEach((obj, i) => {
    if (!obj.box) {
      out.skippedBoxes++;
      return;
    }
    const scaled = scaleBox(obj.box, frame.xml, frame.image);
    const box = clampBox(scaled, imageSize);
    if (!box) {
      out.skippedBoxes++;
      const b = obj.box;
      out.diagnostics.push({
        severity: 'warning',
        code: 'gmner-box-degenerate',
        message: `${where.file}: object ${i + 1} (${JSON.stringify(obj.name)}) box [${b.xmin}, ${b.ymin}, ${b.xmax}, ${b.ymax}] is empty once clamped to the ${imageSize ? `${imageSize.width}×${imageSize.height}` : ''} image; box skipped`,
        file: where.file,
        sampleId: where.sampleId,
        field: `object.${i}.bndbox`,
      });
      return;
    }
    const id = segmentId(out.segments.length);
    out.segments.push({ id, box });
    if (!obj.name.trim()) {
      out.diagnostics.push({
        severity: 'warning',
        code: 'gmner-box-unnamed',
        message: `${where.file}: object ${i + 1} (segment ${id}) has an empty <name>; segment kept without a pair`,
        file: where.file,
        sampleId: where.sampleId,
        field: `object.${i}.name`,
      });
      return;
    }
    const hit = matchBoxName(obj.name, entityTexts);
    out.ladder[hit.rung]++;
    out.rungs.push(hit.rung);
    out.pairs.push({ segment: id, entity: hit.entity });
    if (hit.rung === 'fallback')
      out.diagnostics.push({
        severity: 'info',
        code: 'gmner-ladder-fallback',
        message: `${where.file}: box name ${JSON.stringify(obj.name)} (segment ${id}) matches no entity of the tweet${entityTexts.length ? ` (${entityTexts.map((e) => JSON.stringify(e)).join(', ')})` : ''}; the pair keeps the box name`,
        file: where.file,
        sampleId: where.sampleId,
        field: `object.${i}.name`,
      });
  });
  return out;
}
