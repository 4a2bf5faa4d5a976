import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMode, MODES } from '@mmre/core';
import type { Command } from 'commander';
import { ratio, wholeNumber } from '../args.js';

// Everything heavy (@mmre/dataset, sharp, cli-progress) is imported inside the actions, so
// `mmre --help` and the other commands stay fast.

type DatasetModule = typeof import('@mmre/dataset');
type DatasetDiagnostic = import('@mmre/dataset').DatasetDiagnostic;

const FORMATS = ['mmre-llava', 'gmner', 'jsonl'] as const;
const EXPORT_FORMATS = ['llava'] as const;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
const io: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function fail(message: string): never {
  throw new Error(message);
}

/** Prints diagnostics (up to `max`, all with --verbose) and a summary by code; returns the error count. */
function reportDiagnostics(
  ds: DatasetModule,
  diagnostics: readonly DatasetDiagnostic[],
  verbose: boolean,
  max = 20,
): number {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const shown = verbose ? diagnostics : diagnostics.slice(0, max);
  for (const d of shown) io.err(`${ds.formatDiagnostic(d)}\n`);
  if (shown.length < diagnostics.length)
    io.err(`… ${diagnostics.length - shown.length} more (use --verbose to list all)\n`);
  if (diagnostics.length > 0) {
    const byCode = new Map<string, { severity: string; n: number }>();
    for (const d of diagnostics) {
      const key = `${d.severity} ${d.code}`;
      const cur = byCode.get(key) ?? { severity: d.severity, n: 0 };
      cur.n++;
      byCode.set(key, cur);
    }
    io.err(`${errors} error(s), ${warnings} warning(s), ${diagnostics.length - errors - warnings} info:\n`);
    const order = { error: 0, warning: 1, info: 2 } as Record<string, number>;
    for (const [key, v] of [...byCode.entries()].sort(
      (a, b) => (order[a[1].severity] ?? 3) - (order[b[1].severity] ?? 3) || b[1].n - a[1].n,
    ))
      io.err(`  ${String(v.n).padStart(6)}  ${key}\n`);
  }
  return errors;
}

async function withProgress<T>(
  ds: DatasetModule,
  label: string,
  run: (onProgress: (done: number, total?: number) => void) => Promise<T>,
): Promise<T> {
  const progress = await ds.createProgress({ label });
  try {
    return await run((done, total) => progress.update(done, total));
  } finally {
    progress.stop();
  }
}

interface ConvertOpts {
  from: string;
  out: string;
  input?: string;
  root?: string;
  images?: string | false;
  summaries?: string;
  minSegments?: number;
  maxSegments?: number;
  split?: string;
  name?: string;
  license?: string;
  datasetVersion?: string;
  json?: boolean;
  verbose?: boolean;
}

async function convertAction(opts: ConvertOpts): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(opts.from))
    fail(`--from must be one of ${FORMATS.join(', ')}, got "${opts.from}"`);
  const ds = await import('@mmre/dataset');
  const meta = {
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.license ? { license: opts.license } : {}),
    ...(opts.datasetVersion ? { version: opts.datasetVersion } : {}),
  };
  let report: { written: number; splits: Record<string, number>; diagnostics: DatasetDiagnostic[] } & Record<
    string,
    unknown
  >;
  if (opts.from === 'gmner') {
    if (!opts.root) fail('--from gmner needs --root DIR (the folder with txt/ and xml/)');
    if (opts.images === undefined)
      io.err('note: no --images given, converting without images (boxes only); pass --images DIR to crop segments\n');
    const r = await withProgress(ds, 'samples', (onProgress) =>
      ds.convertGmner({
        root: opts.root as string,
        out: opts.out,
        images: typeof opts.images === 'string' ? opts.images : null,
        ...(opts.summaries ? { summaries: opts.summaries } : {}),
        ...(opts.minSegments !== undefined ? { minSegments: opts.minSegments } : {}),
        ...(opts.maxSegments !== undefined ? { maxSegments: opts.maxSegments } : {}),
        onProgress,
      }),
    );
    report = r as unknown as typeof report;
  } else {
    if (!opts.input) fail(`--from ${opts.from} needs --input FILE`);
    if (opts.from === 'mmre-llava') {
      if (opts.images === undefined)
        fail('--from mmre-llava needs --images DIR (the folder the image paths are relative to), or --no-images');
      report = (await withProgress(ds, 'records', (onProgress) =>
        ds.convertLlava({
          input: opts.input as string,
          images: opts.images === false ? null : (opts.images as string),
          out: opts.out,
          ...(opts.split ? { split: opts.split } : {}),
          ...meta,
          onProgress,
        }),
      )) as unknown as typeof report;
    } else {
      report = (await withProgress(ds, 'records', (onProgress) =>
        ds.convertJsonl({
          input: opts.input as string,
          out: opts.out,
          ...(opts.images === false ? { images: null } : opts.images ? { images: opts.images } : {}),
          ...meta,
          onProgress,
        }),
      )) as unknown as typeof report;
    }
  }
  const errors = reportDiagnostics(ds, report.diagnostics, Boolean(opts.verbose));
  if (opts.json) {
    const { diagnostics, ...rest } = report;
    io.out(`${JSON.stringify({ ...rest, diagnostics: diagnostics.length }, null, 2)}\n`);
  } else {
    const splits = Object.entries(report.splits)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    io.out(`wrote ${report.written} samples to ${opts.out} (${splits || 'no samples'})\n`);
    if (opts.from === 'gmner') {
      const r = report as unknown as import('@mmre/dataset').GmnerConvertReport;
      io.out(
        `read ${r.samples}, filtered ${r.filtered}, segments ${r.segments}, crops ${r.crops}, skipped boxes ${r.skippedBoxes}\n` +
          `box→entity ladder: exact ${r.ladder.exact}, compact ${r.ladder.compact}, levenshtein ${r.ladder.levenshtein}, fallback ${r.ladder.fallback}\n`,
      );
    }
  }
  if (errors > 0) process.exitCode = 1;
}

interface ValidateOpts {
  images?: boolean;
  headerOnly?: boolean;
  maxPixels?: number;
  json?: boolean;
  verbose?: boolean;
}

async function validateAction(dir: string, opts: ValidateOpts): Promise<void> {
  const ds = await import('@mmre/dataset');
  const r = await ds.validate(dir, {
    checkImages: opts.images !== false,
    decode: opts.headerOnly ? 'header' : 'full',
    ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}),
  });
  if (opts.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
  else {
    reportDiagnostics(ds, r.diagnostics, Boolean(opts.verbose));
    if ((r.byCode['missing-image'] ?? 0) > 0 && !existsSync(join(dir, 'images')))
      io.err(
        `hint: ${dir}/images does not exist; if the dataset was converted without images, validate with --no-images\n`,
      );
    io.out(
      `${dir}: ${r.samples} valid sample(s) of ${r.lines} line(s); ${r.errors} error(s), ${r.warnings} warning(s)${r.ok ? ' — OK' : ''}\n${IMAGE_CHECKS[r.images]}\n`,
    );
  }
  if (!r.ok) process.exitCode = 1;
}

/** What `validate` did and did not check of the images, in words (printed after the summary). */
const IMAGE_CHECKS = {
  full: 'images: every file found inside the dataset, its size within the pixel limit, every pixel decoded',
  header:
    'images: headers only (--header-only): the pixels were NOT decoded, so a truncated or damaged file would pass; run without --header-only to decode them',
  none: 'images: NOT checked (--no-images): whether the files exist, their sizes and their pixels were not verified',
} as const;

interface SplitOpts {
  ratio: string;
  seed: number;
  names?: string;
}

async function splitAction(dir: string, opts: SplitOpts): Promise<void> {
  const ds = await import('@mmre/dataset');
  const r = await ds.split(dir, {
    ratio: opts.ratio,
    seed: opts.seed,
    ...(opts.names ? { names: opts.names.split(',').map((s) => s.trim()) } : {}),
  });
  io.out(
    `split ${r.count} samples (ratio ${opts.ratio}, seed ${opts.seed}): ${Object.entries(r.splits)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n`,
  );
}

interface StatsOpts {
  from?: string;
  root?: string;
  summaries?: string;
  json?: boolean;
}

async function statsAction(dir: string | undefined, opts: StatsOpts): Promise<void> {
  const ds = await import('@mmre/dataset');
  let stats: import('@mmre/dataset').StatsReport;
  if (opts.from !== undefined) {
    if (opts.from !== 'gmner')
      fail(`stats --from only reads gmner (got "${opts.from}"); for a dataset folder give its path`);
    const root = opts.root ?? dir;
    if (!root) fail('stats --from gmner needs --root DIR');
    stats = await ds.gmnerStats(root, opts.summaries ? { summaries: opts.summaries } : {});
  } else {
    if (!dir) fail('stats needs a dataset folder, or --from gmner --root DIR');
    const r = await ds.datasetStats(dir);
    if (r.invalidLines > 0)
      io.err(`warning: ${r.invalidLines} invalid line(s) skipped (run \`mmre dataset validate ${dir}\`)\n`);
    stats = r;
  }
  io.out(
    opts.json
      ? `${JSON.stringify({ splits: stats.splits, total: stats.total }, null, 2)}\n`
      : `${ds.formatStats(stats)}\n`,
  );
}

interface ExportOpts {
  to: string;
  mode: string;
  out: string;
  split?: string;
  verbose?: boolean;
}

async function exportAction(dir: string, opts: ExportOpts): Promise<void> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.to))
    fail(`--to must be one of ${EXPORT_FORMATS.join(', ')}, got "${opts.to}"`);
  const mode = opts.mode;
  if (!isMode(mode)) fail(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  const ds = await import('@mmre/dataset');
  const r = await ds.exportLlava(dir, {
    mode,
    out: opts.out,
    ...(opts.split ? { split: opts.split } : {}),
  });
  const errors = reportDiagnostics(ds, r.diagnostics, Boolean(opts.verbose));
  io.out(
    `wrote ${r.records} ${opts.mode} record(s) to ${r.out}${r.skipped ? ` (${r.skipped} skipped)` : ''}; train with --data_path ${r.out} --image_folder ${dir}\n`,
  );
  if (errors > 0) process.exitCode = 1;
}

/** Registers `mmre dataset` and its subcommands: convert, validate, split, stats, export. */
export function registerDatasetCommand(program: Command): void {
  const dataset = program
    .command('dataset')
    .description('Convert, validate, split, describe and export M-MRE datasets');

  dataset
    .command('convert')
    .description('Convert M-MRE (LLaVA JSON), GMNER or JSONL data into a dataset folder')
    .requiredOption('--from <format>', `source format: ${FORMATS.join(', ')}`)
    .requiredOption('-o, --out <dir>', 'dataset folder to write')
    .option('-i, --input <file>', 'input file (mmre-llava: data.json; jsonl: records in the Sample shape)')
    .option('--root <dir>', 'gmner: folder with txt/{train,dev,test}.txt and xml/')
    .option('--images <dir>', 'folder of the source images (copied, or cropped for gmner)')
    .option('--no-images', 'do not read or copy images')
    .option('--summaries <file>', 'gmner: JSONL of {"id", "summary"} joined into the gold')
    .option('--min-segments <n>', 'gmner: keep samples with at least n segments', wholeNumber('--min-segments'))
    .option('--max-segments <n>', 'gmner: keep samples with at most n segments', wholeNumber('--max-segments'))
    .option('--split <name>', 'mmre-llava: split of the records (default from the file name, else test)')
    .option('--name <name>', 'dataset name for dataset.json')
    .option('--license <text>', 'license for dataset.json')
    .option('--dataset-version <v>', 'dataset version for dataset.json')
    .option('--json', 'print the conversion report as JSON')
    .option('-v, --verbose', 'list every diagnostic')
    .addHelpText(
      'after',
      `
Examples:
  mmre dataset convert --from mmre-llava --input data.json --images DIR --out OUT
  mmre dataset convert --from gmner --root gmner/ --images gmner/images --summaries sums.jsonl --max-segments 5 --out OUT
  mmre dataset convert --from jsonl --input samples.jsonl --images DIR --out OUT
The exit code is 1 when an error was reported (bad records are skipped; the rest is written).`,
    )
    .action(convertAction);

  dataset
    .command('validate <dir>')
    .description('Check a dataset folder and report every problem (exit code 1 on errors)')
    .option('--no-images', 'skip the image checks (existence, header, pixel limit, decoding)')
    .option('--header-only', 'read image headers only, do not decode the pixels (faster; a truncated file passes)')
    .option(
      '--max-pixels <n>',
      'refuse images with more pixels than this (default 67108864)',
      wholeNumber('--max-pixels'),
    )
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'list every diagnostic')
    .action(validateAction);

  dataset
    .command('split <dir>')
    .description(
      'Re-split a dataset deterministically: ids sorted, seeded shuffle (mulberry32 + Fisher–Yates), cut by ratio',
    )
    .option('--ratio <a:b[:c]>', 'ratio of the parts, e.g. 7:3 (train:test) or 8:1:1 (train:dev:test)', ratio, '7:3')
    .option('--seed <n>', 'shuffle seed', wholeNumber('--seed'), 42)
    .option('--names <list>', 'comma-separated split names, one per ratio part')
    .action(splitAction);

  dataset
    .command('stats [dir]')
    .description('Statistics of a dataset folder, or of the GMNER annotations with --from gmner')
    .option('--from <format>', 'gmner: read the GMNER annotations instead of a dataset folder')
    .option('--root <dir>', 'gmner: folder with txt/ and xml/')
    .option('--summaries <file>', 'gmner: JSONL of {"id", "summary"} for the summary statistics')
    .option('--json', 'print {"splits": {...}, "total": {...}} as JSON')
    .action(statsAction);

  dataset
    .command('export <dir>')
    .description('Write fine-tuning data in the LLaVA multi-image format read by Qwen2-VL-Finetune')
    .option('--to <format>', 'output format: llava', 'llava')
    .requiredOption('--mode <mode>', `PFA mode: ${MODES.join(', ')}`)
    .requiredOption('-o, --out <file>', 'output JSON file')
    .option('--split <name>', 'only this split (e.g. train)')
    .option('-v, --verbose', 'list every diagnostic')
    .action(exportAction);
}
