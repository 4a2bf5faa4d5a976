import type { Command } from 'commander';

/** Registers `mmre report`. */
export function registerReportCommand(program: Command): void {
  void program;
}
