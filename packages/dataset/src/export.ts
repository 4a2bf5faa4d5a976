import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { formatAnswer, isMode, MODES, type Mode, modeTasks, pfaInstruction, type Sample } from '@mmre/core';
import type { DatasetDiagnostic } from './diagnostics.js';
import { DatasetError } from './errors.js';
import { RecordChecker } from './records.js';
import { readSamples, SAMPLES_FILE } from './store.js';

export interface ExportLlavaOptions {
  /** Which PFA prompt and answer to write: `joint` (M-MRE), `summary` (Single TS) or `mner` (Single MNER). */
  mode: Mode;
  /** Output JSON file. */
  out: string;
  /** Only this split (e.g. `train`). Default: every split. */
  split?: string;
}

export interface ExportResult {
  out: string;
  records: number;
  skipped: number;
  diagnostics: DatasetDiagnostic[];
}

export interface LlavaTurn {
  from: 'human' | 'gpt';
  value: string;
}
export interface LlavaExportRecord {
  id: string;
  image: string[];
  conversations: [LlavaTurn, LlavaTurn];
}

/**
 * The human turn for a sample: one `<image>` token per image (the main image, then each segment
 * named by its letter: `Segment a: <image>`), followed by the PFA instruction of the mode.
 */
export function llavaHumanTurn(sample: Sample, mode: Mode): string {
  const images = ['<image>', ...sample.segments.map((s) => `Segment ${s.id}: <image>`)];
  return `${images.join('\n')}\n${pfaInstruction(mode, { text: sample.text, segmentIds: sample.segments.map((s) => s.id) })}`;
}

/** One sample as a LLaVA multi-image record (paths relative to the dataset root = `--image_folder`). */
export function toLlavaRecord(sample: Sample, mode: Mode): LlavaExportRecord {
  return {
    id: sample.id,
    image: [sample.image.path, ...sample.segments.map((s) => s.path as string)],
    conversations: [
      { from: 'human', value: llavaHumanTurn(sample, mode) },
      {
        from: 'gpt',
        value: formatAnswer(
          { summary: sample.gold.summary ?? null, entities: sample.gold.entities, pairs: sample.gold.pairs },
          mode,
        ),
      },
    ],
  };
}

/**
 * Writes fine-tuning data in the LLaVA multi-image JSON the Qwen2-VL-Finetune framework reads
 * (`--data_path FILE --image_folder DATASET_DIR`): a JSON array, one record per line. Records that
 * `validate` rejects (`RecordChecker`: repeated ids, bad segments, pairs or boxes, paths that are
 * absolute or leave the dataset, symbolic links included) are skipped with their diagnostics, and so
 * are samples the mode cannot use: a segment without an image file, or (modes `summary`/`joint`) no
 * gold summary.
 */
export async function exportLlava(dir: string, options: ExportLlavaOptions): Promise<ExportResult> {
  if (!isMode(options.mode))
    throw new Error(`exportLlava: mode ${JSON.stringify(options.mode)} is not one of ${MODES.join(', ')}`);
  const file = join(dir, SAMPLES_FILE);
  const diagnostics: DatasetDiagnostic[] = [];
  const checker = new RecordChecker(dir, file);
  const tasks = modeTasks(options.mode);
  // the records are read before the output is opened: a missing dataset leaves nothing behind
  const entries = readSamples(dir);
  const first = await entries.next();
  try {
    await mkdir(dirname(options.out), { recursive: true });
  } catch (err) {
    await entries.return(undefined);
    throw new DatasetError(
      `${options.out}: cannot create its folder (${(err as Error).message}); fix: choose another --out`,
    );
  }
  const partial = `${options.out}.partial`;
  const stream = createWriteStream(partial, { encoding: 'utf8' });
  let failed: Error | undefined;
  stream.on('error', (err) => {
    failed = err;
  });
  const write = async (chunk: string) => {
    if (failed) throw failed;
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    if (failed) throw failed;
  };
  async function* all() {
    if (!first.done) yield first.value;
    yield* entries;
  }
  let records = 0;
  let skipped = 0;
  try {
    await write('[');
    for await (const entry of all()) {
      diagnostics.push(...entry.issues);
      const s = entry.sample;
      if (!s) {
        skipped++;
        continue;
      }
      const rec = checker.record(s, entry.line);
      if (options.split !== undefined && s.split !== options.split) continue;
      const checked = rec.ok ? checker.files(s, entry.line) : null;
      if (!rec.ok || !checked?.ok) {
        // what `validate` rejects is not exported: a repeated id, bad segments or pairs, an inverted box,
        // a path that is absolute or leaves the dataset (`..`, symbolic links)
        diagnostics.push(
          ...(rec.ok
            ? checked?.ok === false
              ? checked.diagnostics
              : []
            : rec.diagnostics.filter((d) => d.severity === 'error')),
        );
        skipped++;
        continue;
      }
      const where = { file, line: entry.line, sampleId: s.id };
      const missing = s.segments.findIndex((seg) => seg.path === undefined);
      if (missing !== -1) {
        diagnostics.push({
          ...where,
          severity: 'error',
          code: 'segment-without-image',
          field: `segments.${missing}.path`,
          message: `${file}:${entry.line}: sample ${JSON.stringify(s.id)}: segment ${s.segments[missing]?.id} has no image file, and the LLaVA format needs one per segment; skipped; fix: convert with --images so segments are cropped`,
        });
        skipped++;
        continue;
      }
      if (tasks.task1 && !s.gold.summary?.trim()) {
        diagnostics.push({
          ...where,
          severity: 'warning',
          code: 'no-summary',
          field: 'gold.summary',
          message: `${file}:${entry.line}: sample ${JSON.stringify(s.id)}: no gold summary, which mode ${options.mode} needs; skipped; fix: add summaries (e.g. --summaries FILE for GMNER)`,
        });
        skipped++;
        continue;
      }
      await write(`${records === 0 ? '\n' : ',\n'}${JSON.stringify(toLlavaRecord(s, options.mode))}`);
      records++;
    }
    await write(records === 0 ? ']\n' : '\n]\n');
    stream.end();
    await finished(stream);
  } catch (err) {
    stream.destroy();
    await entries.return(undefined);
    await rm(partial, { force: true });
    throw failed === err ? new DatasetError(`${options.out}: cannot be written (${(err as Error).message})`) : err;
  }
  await rename(partial, options.out);
  return { out: options.out, records, skipped, diagnostics };
}
