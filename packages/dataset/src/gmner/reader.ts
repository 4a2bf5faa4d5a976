import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Sample } from '@mmre/core';
import type { DatasetDiagnostic } from '../diagnostics.js';
import { readTextFile } from '../text.js';
import { type BuiltSegments, buildSegments, type Size } from './boxes.js';
import { type ConllTweet, extractEntities, parseConll } from './conll.js';
import { orderedMap } from './pool.js';
import { readSummaries } from './summaries.js';
import { parseVoc, type VocObject } from './voc.js';

export interface ReadGmnerOptions {
  /** Splits to read (file names in `txt/` without `.txt`); default: all, train, dev, test first. */
  splits?: string[];
  /** JSONL file of `{id, summary}` (or an already read map) joined into `gold.summary`. */
  summaries?: string | Map<string, string>;
  /** XML files read ahead in parallel (default 16). */
  concurrency?: number;
}

/** One tweet read from GMNER, before any image is looked at. */
export interface GmnerRecord {
  /**
   * The sample in its no-images form: `image.path` = `images/<IMGID>.jpg` (width and height from the
   * XML `<size>` when there is one), segments with boxes in the XML frame and no segment path.
   */
  sample: Sample;
  /** Number of CoNLL tokens. */
  tokens: number;
  /** The tweet's XML file, or null when it has none (no grounded entity). */
  xmlFile: string | null;
  /** `<size>` of the XML. */
  xmlSize: Size | null;
  /** The XML objects as read (XML frame, unclamped); empty without XML. */
  objects: VocObject[];
  /** Entity texts of the tweet, in order (the ladder's candidates). */
  entityTexts: string[];
  /** Segments, pairs, ladder rungs and skipped boxes of the no-images form. */
  built: BuiltSegments;
  /** Problems with this tweet (malformed XML, skipped boxes, ladder fallbacks). */
  diagnostics: DatasetDiagnostic[];
}

export interface GmnerReading {
  root: string;
  splits: string[];
  /** Number of tweets that `records` will yield. */
  total: number;
  /** Problems found before reading the XML files: CoNLL syntax, duplicate ids, orphan XML files, summaries. */
  diagnostics: DatasetDiagnostic[];
  /** Summaries joined by id (empty when none were given). */
  summaries: Map<string, string>;
  records: AsyncIterable<GmnerRecord>;
}

const SPLIT_ORDER = ['train', 'dev', 'test'];

function orderSplitNames(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const ia = SPLIT_ORDER.indexOf(a);
    const ib = SPLIT_ORDER.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Main image path of a GMNER sample when no image folder is given. */
export function gmnerImagePath(id: string): string {
  return `images/${id}.jpg`;
}

/**
 * Opens a GMNER folder (`txt/<split>.txt` CoNLL files and `xml/<IMGID>.xml` VOC files) following
 * DESIGN.md's GMNER reading rules. The CoNLL files are parsed up front (they are small); the XML
 * files are read lazily, a few ahead, while `records` is iterated. Images are not read.
 */
export async function readGmner(root: string, options: ReadGmnerOptions = {}): Promise<GmnerReading> {
  const txtDir = join(root, 'txt');
  const xmlDir = join(root, 'xml');
  let txtFiles: string[];
  try {
    txtFiles = (await readdir(txtDir)).filter((f) => f.endsWith('.txt'));
  } catch (err) {
    throw new Error(
      `GMNER root ${root}: cannot list ${txtDir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix: point --root at the folder holding txt/{train,dev,test}.txt and xml/`,
    );
  }
  const available = orderSplitNames(txtFiles.map((f) => basename(f, '.txt')));
  if (available.length === 0)
    throw new Error(
      `GMNER root ${root}: no .txt file in ${txtDir}; fix: point --root at the folder holding txt/ and xml/`,
    );
  const selected = options.splits?.length ? options.splits : available;
  const missing = selected.filter((s) => !available.includes(s));
  if (missing.length)
    throw new Error(
      `GMNER root ${root}: no split ${missing.map((m) => `txt/${m}.txt`).join(', ')}; available: ${available.join(', ')}`,
    );

  let xmlNames: string[] = [];
  const diagnostics: DatasetDiagnostic[] = [];
  try {
    xmlNames = (await readdir(xmlDir)).filter((f) => f.toLowerCase().endsWith('.xml'));
  } catch {
    diagnostics.push({
      severity: 'warning',
      code: 'gmner-no-xml-dir',
      message: `${xmlDir} is missing: no tweet gets segments; fix: put the VOC files in ${xmlDir}`,
      file: xmlDir,
    });
  }
  const xmlById = new Map(xmlNames.map((f) => [f.slice(0, -4), f]));

  // All split files are parsed (cheap) so that orphan XML files are judged against every tweet.
  const allIds = new Set<string>();
  const tweets: ConllTweet[] = [];
  for (const split of available) {
    const file = join(txtDir, `${split}.txt`);
    const { text, diagnostic } = await readTextFile(file);
    const parsed = parseConll(text, file, split);
    const keep = selected.includes(split);
    if (keep && diagnostic) diagnostics.push(diagnostic);
    if (keep) diagnostics.push(...parsed.diagnostics);
    for (const t of parsed.tweets) {
      if (allIds.has(t.id)) {
        if (keep)
          diagnostics.push({
            severity: 'error',
            code: 'duplicate-id',
            message: `${t.file}:${t.line}: IMGID ${t.id} was already seen; this tweet is skipped; fix: give each tweet its own IMGID`,
            file: t.file,
            line: t.line,
            sampleId: t.id,
          });
        continue;
      }
      allIds.add(t.id);
      if (keep) tweets.push(t);
    }
  }
  const orphans = [...xmlById.keys()].filter((id) => !allIds.has(id)).sort();
  for (const id of orphans)
    diagnostics.push({
      severity: 'warning',
      code: 'gmner-xml-orphan',
      message: `${join(xmlDir, xmlById.get(id) as string)}: no tweet has IMGID ${id}; file ignored`,
      file: join(xmlDir, xmlById.get(id) as string),
      sampleId: id,
    });
  const withoutXml = tweets.filter((t) => !xmlById.has(t.id));
  if (withoutXml.length)
    diagnostics.push({
      severity: 'info',
      code: 'gmner-no-xml',
      message: `${withoutXml.length} of ${tweets.length} tweets have no XML file (no grounded entity; no segments), e.g. ${withoutXml
        .slice(0, 3)
        .map((t) => t.id)
        .join(', ')}`,
    });

  let summaries = new Map<string, string>();
  if (typeof options.summaries === 'string') {
    const r = await readSummaries(options.summaries);
    summaries = r.summaries;
    diagnostics.push(...r.diagnostics);
    const unknown = [...summaries.keys()].filter((id) => !allIds.has(id));
    if (unknown.length)
      diagnostics.push({
        severity: 'warning',
        code: 'summary-unknown-id',
        message: `${options.summaries}: ${unknown.length} summaries name no GMNER tweet: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
        file: options.summaries,
      });
  } else if (options.summaries) summaries = options.summaries;

  const records = orderedMap(tweets, options.concurrency ?? 16, async (t) => {
    const xmlName = xmlById.get(t.id);
    const xmlFile = xmlName ? join(xmlDir, xmlName) : null;
    let xmlText: string | null = null;
    const recDiagnostics: DatasetDiagnostic[] = [];
    if (xmlFile) {
      try {
        const read = await readTextFile(xmlFile);
        xmlText = read.text;
        if (read.diagnostic) recDiagnostics.push({ ...read.diagnostic, sampleId: t.id });
      } catch (err) {
        recDiagnostics.push({
          severity: 'error',
          code: 'gmner-xml',
          message: `${xmlFile}: cannot read (${(err as Error).message}); the tweet is kept without segments`,
          file: xmlFile,
          sampleId: t.id,
        });
      }
    }
    return toRecord(t, xmlFile, xmlText, summaries.get(t.id), recDiagnostics);
  });

  return { root, splits: selected, total: tweets.length, diagnostics, summaries, records };
}

/** Builds the record of one tweet from its CoNLL tokens and its XML text (pure). */
export function toRecord(
  t: ConllTweet,
  xmlFile: string | null,
  xmlText: string | null,
  summary: string | undefined,
  diagnostics: DatasetDiagnostic[] = [],
): GmnerRecord {
  const entities = extractEntities(t.tokens, t.tags);
  const entityTexts = entities.map((e) => e.text);
  let objects: VocObject[] = [];
  let xmlSize: Size | null = null;
  if (xmlFile && xmlText !== null) {
    const v = parseVoc(xmlText, xmlFile, t.id);
    diagnostics.push(...v.diagnostics);
    if (v.annotation) {
      objects = v.annotation.objects;
      xmlSize = v.annotation.size;
    }
  }
  const built = buildSegments(
    objects,
    entityTexts,
    { xml: xmlSize, image: null },
    { sampleId: t.id, file: xmlFile ?? t.file },
  );
  diagnostics.push(...built.diagnostics);
  const sample: Sample = {
    id: t.id,
    split: t.split,
    text: t.tokens.join(' '),
    image: {
      path: gmnerImagePath(t.id),
      ...(xmlSize && Number.isInteger(xmlSize.width) && Number.isInteger(xmlSize.height)
        ? { width: xmlSize.width, height: xmlSize.height }
        : {}),
    },
    segments: built.segments,
    gold: { ...(summary !== undefined ? { summary } : {}), entities, pairs: built.pairs },
  };
  return { sample, tokens: t.tokens.length, xmlFile, xmlSize, objects, entityTexts, built, diagnostics };
}
