// The public face of @mmre/core: the Sample record and its schemas, labels, modes, the PFA answer
// format (formatter, parser, grammar), the promptfoo test vars, promptfoo's provider types, the PRNG,
// the redactor and the small shared helpers. Pieces behind them (single anchors, sub-schemas, parser
// tables) stay internal.
export {
  ANCHOR_TASK1,
  ANCHOR_TASK2,
  type AnswerEntity,
  type AnswerPair,
  formatAnswer,
  type PfaAnswer,
  pyQuote,
} from './answer.js';
export { endPromptfooEval, isPromptfooEval } from './cli.js';
export { type FormatGrammarOptions, type FormatNode, pfaFormat, pfaGbnf, pfaRegex } from './format-grammar.js';
export { stableJson } from './json.js';
export { canonicalLabel, LABEL_ALIASES, LABELS, type Label } from './labels.js';
export { isMode, MODE_NAMES, MODES, type Mode, type ModeTasks, modeTasks, TABLE_MODES } from './modes.js';
export {
  type Compliance,
  type Diagnostic,
  type DiagnosticCode,
  type ParseOptions,
  type ParseResult,
  parseAnswer,
} from './parse.js';
export { DEFAULT_PFA_TEMPLATES, type PfaInstructionInput, type PfaTemplates, pfaInstruction } from './prompt.js';
export { PFA_REPLAY_FIX, pfaPromptText, pfaPromptTextMode } from './prompt-function.js';
export type {
  CallContext,
  ProviderOptions,
  ProviderResponse,
  ReadinessAware,
  ReadinessReport,
  TokenUsage,
} from './promptfoo.js';
export { stubAbsentSourceMapSupport } from './promptfoo-logger.js';
export { createRng, mulberry32, type Rng } from './random.js';
export {
  base64Cores,
  makeRedactor,
  REDACTED,
  type Redactor,
  type RedactorOptions,
  redactThenClip,
  urlWithoutCredentials,
} from './redact.js';
export {
  type Box,
  type DatasetManifest,
  DatasetManifestSchema,
  type Entity,
  type Gold,
  GoldSchema,
  hasGoldSummary,
  type ImageRef,
  type Pair,
  type Sample,
  SampleSchema,
  type Segment,
  SegmentSchema,
  segmentId,
  segmentIndex,
} from './schema.js';
export {
  type DecodedTestVars,
  describeVarsIssues,
  detectPromptMode,
  encodeTestVars,
  type MmreTestVars,
  modeOf,
  segmentIdsOfVars,
  type TestSegment,
  TestVarsSchema,
} from './vars.js';
export { versionAtLeast } from './version.js';
