import type { Command } from 'commander';
import { Option } from 'commander';
import { fraction, integer, positiveInteger } from '../args.js';

export interface ReportCommandOptions {
  markdown?: boolean;
  json?: boolean;
  html?: string;
  htmlImages: 'embed' | 'relative' | 'none';
  bootstrap: number;
  seed: number;
  alpha: number;
  stemmer: boolean;
  provider: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Runs `mmre report` (exported for tests). Returns the text written to stdout. */
export async function runReport(files: string[], opts: ReportCommandOptions): Promise<string> {
  // Heavy modules (metrics, sharp) load only when the command runs.
  const report = await import('@mmre/report');
  const { resolve } = await import('node:path');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const loaded = await report.loadResults(files);
  const built = report.buildReport(loaded, {
    bootstrap: opts.bootstrap,
    seed: opts.seed,
    alpha: opts.alpha,
    stemmer: opts.stemmer,
    providers: opts.provider,
  });
  for (const w of built.warnings) process.stderr.write(`warning: ${w}\n`);
  const out = opts.json ? report.renderJson(built) : report.renderMarkdown(built);
  if (opts.html) {
    const outFile = resolve(opts.html);
    const html = await report.renderHtml(built, { outFile, images: opts.htmlImages });
    await mkdir(resolve(outFile, '..'), { recursive: true });
    await writeFile(outFile, html);
  }
  return out;
}

/** Registers `mmre report`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'Compare single-task and joint modes, and models, from promptfoo results (one compare run, runs per mode or ' +
        "per model, or shards): the paper's table per model, joint − single deltas and model-against-model " +
        'differences with paired bootstrap CIs, randomization p-values and Holm-adjusted p-values',
    )
    .argument('<results...>', 'promptfoo output files (`promptfoo eval -o results.json`)')
    .addOption(new Option('--markdown', 'print markdown (default)').conflicts('json'))
    .addOption(new Option('--json', 'print the same numbers as JSON'))
    .option('--html <file>', 'also write a self-contained HTML report')
    .addOption(
      new Option('--html-images <mode>', 'main images in the HTML: embedded, relative links, or none')
        .choices(['embed', 'relative', 'none'])
        .default('embed'),
    )
    .option(
      '--bootstrap <n>',
      'bootstrap resamples and randomization relabellings',
      positiveInteger('--bootstrap'),
      10_000,
    )
    .option('--seed <n>', 'seed of the resampling streams', integer, 1)
    .option('--alpha <a>', '1 − confidence level of the intervals', fraction, 0.05)
    .option(
      '--stemmer',
      'ROUGE with the Porter stemmer (rouge-score use_stemmer=True; default off, as the assertions)',
      false,
    )
    .option(
      '--provider <label>',
      'report only this provider (label or id; repeat for several): narrows the report to some of the models',
      collect,
      [],
    )
    .action(async (files: string[], opts: ReportCommandOptions) => {
      process.stdout.write(await runReport(files, opts));
      if (opts.html) {
        const { resolve } = await import('node:path');
        process.stderr.write(`HTML report written to ${resolve(opts.html)}\n`);
      }
    });
}
