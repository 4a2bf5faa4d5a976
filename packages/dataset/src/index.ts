export { type CopyResult, copyImage, datasetImagePath, type ProgressFn } from './adapters/common.js';
export { type ConvertJsonlOptions, type ConvertResult, convertJsonl } from './adapters/jsonl.js';
export {
  type ConvertLlavaOptions,
  convertLlava,
  elementLines,
  type LlavaRecord,
  LlavaRecordSchema,
  textFromPrompt,
} from './adapters/llava.js';
export type { DatasetDiagnostic } from './diagnostics.js';
export {
  type ExportLlavaOptions,
  type ExportResult,
  exportLlava,
  type LlavaExportRecord,
  type LlavaTurn,
  llavaHumanTurn,
  toLlavaRecord,
} from './export.js';
export {
  ALL_SPLITS,
  buildTests,
  type GenerateResult,
  type GeneratorOptions,
  GeneratorOptionsSchema,
  generateTests,
  type MmreTestCase,
  resolveDatasetDir,
  sampleToTest,
} from './generator.js';
export * from './gmner/index.js';
export { formatDiagnostic, zodDiagnostics } from './issues.js';
export { type PathCheck, resolveInside } from './paths.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
export { compareIds, seededShuffle } from './random.js';
export {
  assignSplits,
  type SplitOptions,
  SplitOptionsSchema,
  type SplitResult,
  split,
  splitCounts,
} from './split.js';
export {
  type CorpusStats,
  datasetStats,
  formatStats,
  type GmnerStatsReport,
  gmnerStats,
  StatsAccumulator,
  type StatsReport,
  type Summary4,
} from './stats.js';
export {
  type LoadedDataset,
  type LoadOptions,
  loadDataset,
  MANIFEST_FILE,
  type ManifestInput,
  orderSplits,
  readManifest,
  readSampleFile,
  readSamples,
  SAMPLES_FILE,
  type SampleLine,
  type WriteResult,
  writeDataset,
  writeManifest,
} from './store.js';
export {
  checkSample,
  MAX_IMAGE_PIXELS,
  normalizeEntity,
  type ValidateOptions,
  type ValidationResult,
  validate,
} from './validate.js';
