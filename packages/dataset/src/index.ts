// The public face of @mmre/dataset: what the CLI, the configs, the providers, the PFA and the README use
// (convert, validate, split, export, stats, the test generator, reading and writing datasets, reading
// GMNER) and the option and result types of those functions. Helpers behind them stay internal.
export type { ProgressFn } from './adapters/common.js';
export { type ConvertJsonlOptions, type ConvertResult, convertJsonl } from './adapters/jsonl.js';
export { type ConvertLlavaOptions, convertLlava } from './adapters/llava.js';
export type { DatasetDiagnostic } from './diagnostics.js';
export { DatasetError } from './errors.js';
export { type ExportLlavaOptions, type ExportResult, exportLlava } from './export.js';
export {
  buildTests,
  type GenerateResult,
  type GeneratorOptions,
  generateTests,
  type MmreTestCase,
  sampleToTest,
} from './generator.js';
export { convertGmner, type GmnerConvertOptions, type GmnerConvertReport } from './gmner/convert.js';
export { type GmnerReading, type ReadGmnerOptions, readGmner } from './gmner/reader.js';
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
} from './stats.js';
export {
  type LoadedDataset,
  type LoadOptions,
  loadDataset,
  type ManifestInput,
  readManifest,
  readSamples,
  type SampleLine,
  type WriteResult,
  writeDataset,
} from './store.js';
export { type ValidateOptions, type ValidationResult, validate } from './validate.js';
