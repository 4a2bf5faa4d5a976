import { type Sample, segmentId } from '@mmre/core';
import type { DatasetDiagnostic } from './diagnostics.js';
import { type GuardedPath, PathGuard } from './paths.js';

// The record checks of a dataset, in one place: `validate`, `loadDataset` (so the test generator, the
// baseline and the k-shot examples) and `exportLlava` all run them, so whatever `mmre dataset validate`
// rejects no other path reads.

/** Lower-case, NFKC, collapsed whitespace: how entity texts are compared (DESIGN.md). */
export function normalizeEntity(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Checks one sample record's internal consistency (no I/O): segments lettered a, b, c, … in order, no
 * repeated segment, boxes with an area (not inverted), pairs naming a segment the record has (errors);
 * pair entities that are not among the gold entities (warning).
 */
export function checkSample(sample: Sample, where: { file?: string; line?: number } = {}): DatasetDiagnostic[] {
  const out: DatasetDiagnostic[] = [];
  const loc = `${where.file ?? ''}${where.line !== undefined ? `:${where.line}` : ''}`;
  const add = (severity: DatasetDiagnostic['severity'], code: string, field: string, message: string) => {
    const d: DatasetDiagnostic = {
      severity,
      code,
      message: `${loc ? `${loc}: ` : ''}sample ${JSON.stringify(sample.id)}: ${message}`,
      sampleId: sample.id,
      field,
    };
    if (where.file !== undefined) d.file = where.file;
    if (where.line !== undefined) d.line = where.line;
    out.push(d);
  };
  const ids = new Set<string>();
  sample.segments.forEach((seg, i) => {
    const expected = segmentId(i);
    if (seg.id !== expected)
      add(
        'error',
        'segment-order',
        `segments.${i}.id`,
        `segment ${i + 1} has id ${JSON.stringify(seg.id)}, expected ${JSON.stringify(expected)}; fix: letter segments a, b, c, … in order with no gaps`,
      );
    if (ids.has(seg.id))
      add('error', 'duplicate-segment', `segments.${i}.id`, `segment id ${JSON.stringify(seg.id)} appears twice`);
    ids.add(seg.id);
    if (seg.box && (seg.box.xmax <= seg.box.xmin || seg.box.ymax <= seg.box.ymin))
      add(
        'error',
        'degenerate-box',
        `segments.${i}.box`,
        `box ${JSON.stringify(seg.box)} has no area; fix: xmax > xmin and ymax > ymin`,
      );
  });
  const entities = new Set(sample.gold.entities.map((e) => normalizeEntity(e.text)));
  sample.gold.pairs.forEach((p, i) => {
    if (!ids.has(p.segment))
      add(
        'error',
        'unknown-segment',
        `gold.pairs.${i}.segment`,
        `pair names segment ${JSON.stringify(p.segment)}, which is not among the segments (${[...ids].join(', ') || 'none'}); fix: add the segment or drop the pair`,
      );
    if (!entities.has(normalizeEntity(p.entity)))
      add(
        'warning',
        'pair-entity-not-in-entities',
        `gold.pairs.${i}.entity`,
        `pair entity ${JSON.stringify(p.entity)} is not among the gold entities; check the spelling or add the entity`,
      );
  });
  return out;
}

/** The image files of a record that passed the path checks (absolute; `null`: a segment without a file). */
export interface RecordFiles {
  image: string;
  segments: (string | null)[];
  /** Files named by the record that do not exist (`field`, path as written, absolute path). */
  missing: { field: string; rel: string; absolute: string }[];
}

/**
 * The record checks of one dataset file, with the state they need (the first line of each id, the
 * resolved folders of the path guard). One instance per pass over a file.
 */
export class RecordChecker {
  private readonly firstLine = new Map<string, number>();
  private readonly guard: PathGuard;

  constructor(
    readonly root: string,
    readonly file: string,
  ) {
    this.guard = new PathGuard(root);
  }

  /**
   * Checks without I/O: the id is not a repeat (the first record with an id is kept, later ones are
   * errors), then `checkSample`. `ok` is false when there is an error: the record must be skipped.
   */
  record(sample: Sample, line: number): { ok: boolean; diagnostics: DatasetDiagnostic[] } {
    const diagnostics: DatasetDiagnostic[] = [];
    const prev = this.firstLine.get(sample.id);
    if (prev !== undefined)
      diagnostics.push({
        severity: 'error',
        code: 'duplicate-id',
        message: `${this.file}:${line}: id ${JSON.stringify(sample.id)} was already used on line ${prev}; fix: give every sample a unique id`,
        file: this.file,
        line,
        sampleId: sample.id,
        field: 'id',
      });
    else this.firstLine.set(sample.id, line);
    diagnostics.push(...checkSample(sample, { file: this.file, line }));
    return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
  }

  /**
   * The path checks: every path is relative, stays inside the root, and after symbolic links are
   * resolved still names a file inside the root (`PathGuard`). Refused paths are never opened.
   */
  files(
    sample: Sample,
    line: number,
  ): { ok: true; files: RecordFiles } | { ok: false; diagnostics: DatasetDiagnostic[] } {
    const diagnostics: DatasetDiagnostic[] = [];
    const missing: RecordFiles['missing'] = [];
    const one = (rel: string, field: string): string | null => {
      let g: GuardedPath;
      try {
        g = this.guard.check(rel);
      } catch (err) {
        g = { ok: false, code: 'unsafe-path', reason: `cannot be checked (${(err as Error).message})` };
      }
      if (!g.ok) {
        diagnostics.push({
          severity: 'error',
          code: g.code,
          message: `${this.file}:${line}: sample ${JSON.stringify(sample.id)}: ${field} ${JSON.stringify(rel)} ${g.reason} (refused, not opened)`,
          file: this.file,
          line,
          sampleId: sample.id,
          field,
        });
        return null;
      }
      if (g.missing) missing.push({ field, rel, absolute: g.absolute });
      return g.absolute;
    };
    const image = one(sample.image.path, 'image.path');
    const segments = sample.segments.map((seg, i) =>
      seg.path === undefined ? null : one(seg.path, `segments.${i}.path`),
    );
    if (diagnostics.length > 0 || image === null) return { ok: false, diagnostics };
    return { ok: true, files: { image, segments, missing } };
  }
}
