import type { Command } from 'commander';

/** Registers `mmre parse`. */
export function registerParseCommand(program: Command): void {
  void program;
}
