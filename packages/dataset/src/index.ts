// The public face of @mmre/dataset: what the CLI, the configs, the providers and the README use
// (convert, validate, split, export, stats, the test generator, reading and writing datasets) and the
// option and result types of those functions. Helpers behind them stay internal.
export type { CopyResult, ProgressFn } from './adapters/common.js';
export { type ConvertJsonlOptions, type ConvertResult, convertJsonl } from './adapters/jsonl.js';
export { type ConvertLlavaOptions, convertLlava, type LlavaRecord } from './adapters/llava.js';
export type { DatasetDiagnostic } from './diagnostics.js';
export { DatasetError } from './errors.js';
export {
  type ExportLlavaOptions,
  type ExportResult,
  exportLlava,
  type LlavaExportRecord,
  type LlavaTurn,
} from './export.js';
export {
  buildTests,
  type GenerateResult,
  type GeneratorOptions,
  generateTests,
  type MmreTestCase,
  sampleToTest,
} from './generator.js';
export * from './gmner/index.js';
export { formatDiagnostic } from './issues.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
export { assignSplits, type SplitOptions, type SplitResult, split } from './split.js';
export {
  type CorpusStats,
  datasetStats,
  formatStats,
  type GmnerStatsReport,
  gmnerStats,
  type StatsReport,
  type Summary4,
} from './stats.js';
export {
  type LoadedDataset,
  type LoadOptions,
  loadDataset,
  MAX_SAMPLE_LINE_BYTES,
  type ManifestInput,
  readManifest,
  readSamples,
  type SampleLine,
  type WriteResult,
  writeDataset,
} from './store.js';
export {
  type ImageCheck,
  MAX_IMAGE_PIXELS,
  type ValidateOptions,
  type ValidationResult,
  validate,
} from './validate.js';
