import type { Box } from '@mmre/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DatasetDiagnostic } from '../diagnostics.js';

/** One `<object>` of a VOC annotation, in XML order. */
export interface VocObject {
  /** `<name>`: the entity text the box shows (decoded, untrimmed). */
  name: string;
  /** `<bndbox>` in the frame of the XML `<size>`; null when missing or not numeric. */
  box: Box | null;
}

export interface VocAnnotation {
  /** `<size>` width and height; null when missing or not positive. */
  size: { width: number; height: number } | null;
  objects: VocObject[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, jpath) => jpath === 'annotation.object',
});

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as Record<string, unknown>))
    return text((v as Record<string, unknown>)['#text']);
  return undefined;
}

/**
 * Parses a Pascal VOC annotation. Returns null with an error diagnostic when the XML is malformed
 * (or is not an `<annotation>`); odd objects are kept with warnings where possible.
 */
export function parseVoc(
  xml: string,
  file: string,
  sampleId?: string,
): { annotation: VocAnnotation | null; diagnostics: DatasetDiagnostic[] } {
  const diagnostics: DatasetDiagnostic[] = [];
  const where = { file, ...(sampleId !== undefined ? { sampleId } : {}) };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line } = valid.err;
    diagnostics.push({
      severity: 'error',
      code: 'gmner-xml',
      message: `${file}:${line}: malformed XML (${msg}); the tweet is kept without segments; fix: repair or remove the file`,
      line,
      ...where,
    });
    return { annotation: null, diagnostics };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    diagnostics.push({
      severity: 'error',
      code: 'gmner-xml',
      message: `${file}: unreadable XML (${(err as Error).message}); the tweet is kept without segments`,
      ...where,
    });
    return { annotation: null, diagnostics };
  }
  const ann = doc.annotation;
  if (!ann || typeof ann !== 'object') {
    diagnostics.push({
      severity: 'error',
      code: 'gmner-xml',
      message: `${file}: no <annotation> root element; the tweet is kept without segments; fix: use a Pascal VOC annotation file`,
      ...where,
    });
    return { annotation: null, diagnostics };
  }
  const a = ann as Record<string, unknown>;
  let size: VocAnnotation['size'] = null;
  const s = a.size as Record<string, unknown> | undefined;
  const w = Number(text(s?.width));
  const h = Number(text(s?.height));
  if (s && Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0) size = { width: w, height: h };
  else
    diagnostics.push({
      severity: 'warning',
      code: 'gmner-size',
      message: `${file}: <size> is missing or not positive (width ${text(s?.width) ?? '?'}, height ${text(s?.height) ?? '?'}); boxes are used unscaled`,
      field: 'size',
      ...where,
    });
  const objects: VocObject[] = [];
  const raw = Array.isArray(a.object) ? (a.object as unknown[]) : [];
  raw.forEach((o, i) => {
    const obj = (o && typeof o === 'object' ? o : {}) as Record<string, unknown>;
    const name = text(obj.name) ?? '';
    const bb = obj.bndbox as Record<string, unknown> | undefined;
    let box: Box | null = null;
    if (bb && typeof bb === 'object') {
      const vals = (['xmin', 'ymin', 'xmax', 'ymax'] as const).map((k) => Number(text(bb[k]) ?? Number.NaN));
      if (vals.every((v) => Number.isFinite(v))) {
        const [xmin, ymin, xmax, ymax] = vals as [number, number, number, number];
        box = { xmin, ymin, xmax, ymax };
        if (!vals.every((v) => Number.isInteger(v)))
          diagnostics.push({
            severity: 'info',
            code: 'gmner-box-fraction',
            message: `${file}: object ${i + 1} (${JSON.stringify(name)}) has non-integer coordinates; kept as given`,
            field: `object.${i}.bndbox`,
            ...where,
          });
      }
    }
    if (!box)
      diagnostics.push({
        severity: 'warning',
        code: 'gmner-box-missing',
        message: `${file}: object ${i + 1} (${JSON.stringify(name)}) has no numeric <bndbox> xmin/ymin/xmax/ymax; box skipped`,
        field: `object.${i}.bndbox`,
        ...where,
      });
    objects.push({ name, box });
  });
  return { annotation: { size, objects }, diagnostics };
}
