import type { Command } from 'commander';

/** Registers `mmre dataset`. */
export function registerDatasetCommand(program: Command): void {
  void program;
}
