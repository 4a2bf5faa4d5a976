import { Command } from 'commander';
import { registerDatasetCommand } from './commands/dataset.js';
import { registerMetricsCommand } from './commands/metrics.js';
import { registerParseCommand } from './commands/parse.js';
import { registerReportCommand } from './commands/report.js';
import { VERSION } from './version.js';

/** Builds the `mmre` program. Each subcommand lives in its own file under `commands/`. */
export function buildProgram(): Command {
  const program = new Command('mmre')
    .description('M-MRE evaluation toolkit: parse PFA answers, manage datasets, score metrics, report comparisons')
    .version(VERSION)
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  registerParseCommand(program);
  registerDatasetCommand(program);
  registerMetricsCommand(program);
  registerReportCommand(program);
  return program;
}
