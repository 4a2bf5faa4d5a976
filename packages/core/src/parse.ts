import type { AnswerEntity, AnswerPair } from './answer.js';
import type { Mode } from './modes.js';

export type DiagnosticCode = string;

export interface Diagnostic {
  /** Stable machine-readable code, e.g. `missing-task1-anchor`. */
  code: DiagnosticCode;
  /** Human-readable explanation. */
  message: string;
  /** Character offset in the input where the problem was seen, when known. */
  offset?: number;
}

/** Per-anchor format compliance. */
export interface Compliance {
  task1: boolean;
  ner: boolean;
  pairs: boolean;
}

export interface ParseResult {
  summary: string | null;
  entities: AnswerEntity[];
  pairs: AnswerPair[];
  compliance: Compliance;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** The mode the prompt asked for; anchors of tasks the mode did not ask for are still read. */
  mode?: Mode;
}

/** Reads a PFA answer following DESIGN.md's reading rules. Never throws. */
export function parseAnswer(text: string, options: ParseOptions = {}): ParseResult {
  void text;
  void options;
  throw new Error('parseAnswer: not implemented yet');
}
