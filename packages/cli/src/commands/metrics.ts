import type { Command } from 'commander';

/** Registers `mmre metrics`. */
export function registerMetricsCommand(program: Command): void {
  void program;
}
