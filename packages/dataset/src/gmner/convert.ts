import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import type { DatasetDiagnostic } from '../diagnostics.js';
import { writeDataset } from '../store.js';
import { type BuiltSegments, buildSegments, type Size } from './boxes.js';
import { cropBoxes, imageSize, indexImages, linkOrCopy } from './images.js';
import { addLadder, emptyLadder, type LadderCounts } from './ladder.js';
import { orderedMap } from './pool.js';
import { type GmnerRecord, readGmner } from './reader.js';

export interface GmnerConvertOptions {
  /** GMNER folder holding `txt/{train,dev,test}.txt` and `xml/<IMGID>.xml`. */
  root: string;
  /** Output dataset folder. */
  out: string;
  /** Image folder (`<IMGID>.jpg`); null/undefined = no images (`--no-images`). */
  images?: string | null;
  /** JSONL file of `{id, summary}` joined into `gold.summary`. */
  summaries?: string;
  /** Keep only samples with at least this many segments. */
  minSegments?: number;
  /** Keep only samples with at most this many segments. */
  maxSegments?: number;
  /** Splits to convert (default: all). */
  splits?: string[];
  onProgress?: (done: number, total: number) => void;
  /** Samples processed at once (image work); default max(4, cores) (libuv runs 4 sharp jobs at a time). */
  concurrency?: number;
}

export interface GmnerConvertReport {
  /** Tweets read. */
  samples: number;
  /** Samples written. */
  written: number;
  /** Samples left out by the segment filters. */
  filtered: number;
  /** Segments in the written samples. */
  segments: number;
  /** Segment images written. */
  crops: number;
  /** Boxes of the written samples dropped (no box, or empty once clamped to the image). */
  skippedBoxes: number;
  /** Boxes of the written samples per ladder rung. */
  ladder: LadderCounts;
  diagnostics: DatasetDiagnostic[];
  /** Written samples per split. */
  splits: Record<string, number>;
  /** Images whose real size differed from the XML `<size>` (boxes scaled). */
  scaledImages: number;
}

/** File-name-safe form of an IMGID. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

interface Converted {
  sample: Sample | null;
  built: BuiltSegments;
  crops: number;
  scaled: boolean;
  diagnostics: DatasetDiagnostic[];
}

/**
 * Converts GMNER (CoNLL text + VOC XML, optionally the image folder) into a dataset folder
 * (`dataset.json`, `samples.jsonl`, and with images `images/` and `images/segments/`), following
 * DESIGN.md's GMNER reading rules. Streams: only `concurrency` samples are in flight at a time.
 */
export async function convertGmner(options: GmnerConvertOptions): Promise<GmnerConvertReport> {
  const { root, out } = options;
  const min = options.minSegments ?? 0;
  const max = options.maxSegments ?? Number.POSITIVE_INFINITY;
  if (min > max) throw new Error(`--min-segments ${min} is above --max-segments ${max}`);
  const reading = await readGmner(root, {
    ...(options.splits ? { splits: options.splits } : {}),
    ...(options.summaries ? { summaries: options.summaries } : {}),
  });
  const report: GmnerConvertReport = {
    samples: 0,
    written: 0,
    filtered: 0,
    segments: 0,
    crops: 0,
    skippedBoxes: 0,
    ladder: emptyLadder(),
    diagnostics: [...reading.diagnostics],
    splits: {},
    scaledImages: 0,
  };
  const imagesDir = options.images ?? null;
  let imageFiles: Map<string, string> | null = null;
  if (imagesDir) {
    try {
      imageFiles = await indexImages(imagesDir);
    } catch (err) {
      throw new Error(
        `--images ${imagesDir}: cannot list the folder (${(err as Error).message}); fix: give the folder holding <IMGID>.jpg, or use --no-images`,
      );
    }
    await mkdir(join(out, 'images', 'segments'), { recursive: true });
  }
  const keep = (n: number) => n >= min && n <= max;

  const work = async (rec: GmnerRecord): Promise<Converted> => {
    const base = rec.sample;
    if (!imagesDir || !imageFiles) {
      const ok = keep(rec.built.segments.length);
      return { sample: ok ? base : null, built: rec.built, crops: 0, scaled: false, diagnostics: rec.diagnostics };
    }
    // With images: the XML-frame segments from the reader are rebuilt in the real image's frame.
    const diagnostics = rec.diagnostics.filter((d) => !rec.built.diagnostics.includes(d));
    const fileName = imageFiles.get(base.id);
    const src = fileName ? join(imagesDir, fileName) : null;
    let size: Size | null = null;
    if (!src)
      diagnostics.push({
        severity: 'error',
        code: 'missing-image',
        message: `${join(imagesDir, `${base.id}.jpg`)}: no image for sample ${base.id}; the sample is written without segment images; fix: add the image or use --no-images`,
        file: join(imagesDir, `${base.id}.jpg`),
        sampleId: base.id,
      });
    else {
      try {
        size = await imageSize(src);
      } catch (err) {
        diagnostics.push({
          severity: 'error',
          code: 'undecodable-image',
          message: `${src}: cannot read the image header (${(err as Error).message}); the sample is written without segment images`,
          file: src,
          sampleId: base.id,
        });
      }
    }
    const built = buildSegments(
      rec.objects,
      rec.entityTexts,
      { xml: rec.xmlSize, image: size },
      { sampleId: base.id, file: rec.xmlFile ?? src ?? base.id },
    );
    diagnostics.push(...built.diagnostics);
    const scaled = !!(size && rec.xmlSize && (size.width !== rec.xmlSize.width || size.height !== rec.xmlSize.height));
    if (!keep(built.segments.length)) return { sample: null, built, crops: 0, scaled, diagnostics };
    const name = safeName(base.id);
    const sample: Sample = {
      ...base,
      image:
        size && src && fileName
          ? { path: `images/${name}${fileName.slice(base.id.length)}`, width: size.width, height: size.height }
          : base.image,
      segments: built.segments.map((s) => ({ ...s })),
      gold: { ...base.gold, pairs: built.pairs },
    };
    let crops = 0;
    if (size && src) {
      try {
        await linkOrCopy(src, join(out, sample.image.path));
      } catch (err) {
        diagnostics.push({
          severity: 'error',
          code: 'image-copy',
          message: `${src}: cannot copy into ${join(out, 'images')} (${(err as Error).message})`,
          file: src,
          sampleId: base.id,
        });
      }
      const jobs = sample.segments.map((s) => ({
        box: s.box as NonNullable<typeof s.box>,
        rel: `images/segments/${name}_${s.id}.jpg`,
      }));
      const results = await cropBoxes(
        src,
        size,
        jobs.map((j) => ({ box: j.box, out: join(out, j.rel) })),
      );
      results.forEach((err, i) => {
        const seg = sample.segments[i] as Sample['segments'][number];
        if (err === null) {
          seg.path = (jobs[i] as { rel: string }).rel;
          crops++;
        } else
          diagnostics.push({
            severity: 'error',
            code: 'crop-failed',
            message: `${src}: segment ${seg.id} could not be cropped (${err}); segment kept without an image`,
            file: src,
            sampleId: base.id,
            field: `segments.${i}`,
          });
      });
    }
    return { sample, built, crops, scaled, diagnostics };
  };

  const concurrency = options.concurrency ?? Math.max(4, availableParallelism());
  let done = 0;
  const withoutSummary: string[] = [];
  async function* samples(): AsyncGenerator<Sample> {
    for await (const c of orderedMap(reading.records, imagesDir ? concurrency : 1, work)) {
      report.samples++;
      report.diagnostics.push(...c.diagnostics);
      if (c.scaled) report.scaledImages++;
      done++;
      options.onProgress?.(done, reading.total);
      if (!c.sample) {
        report.filtered++;
        continue;
      }
      report.segments += c.sample.segments.length;
      report.crops += c.crops;
      report.skippedBoxes += c.built.skippedBoxes;
      addLadder(report.ladder, c.built.ladder);
      if (options.summaries && c.sample.gold.summary === undefined) withoutSummary.push(c.sample.id);
      yield c.sample;
    }
  }

  const filters = [
    options.minSegments !== undefined ? `min ${options.minSegments} segments` : '',
    options.maxSegments !== undefined ? `max ${options.maxSegments} segments` : '',
  ].filter(Boolean);
  const result = await writeDataset(
    out,
    {
      name: 'gmner',
      version: '1.0.0',
      license:
        'GMNER / Twitter10000 annotations (Yu et al., ACL 2023): use subject to the terms of Twitter and of the original dataset providers (GMNER, Twitter-2015, Twitter-2017)',
      description: `GMNER (Twitter10000) converted by @mmre/dataset${filters.length ? ` (${filters.join(', ')})` : ''}${imagesDir ? '' : ', without images'}`,
      source: 'https://github.com/NUSTM/GMNER (Twitter10000)',
    },
    samples(),
  );
  report.written = result.count;
  report.splits = result.splits;
  if (report.scaledImages)
    report.diagnostics.push({
      severity: 'info',
      code: 'gmner-scaled',
      message: `${report.scaledImages} images have another size than their XML <size>; their boxes were scaled`,
    });
  if (withoutSummary.length)
    report.diagnostics.push({
      severity: 'warning',
      code: 'summary-missing',
      message: `${options.summaries}: ${withoutSummary.length} of ${report.written} written samples have no summary, e.g. ${withoutSummary.slice(0, 5).join(', ')}`,
      file: options.summaries as string,
    });
  return report;
}
