export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic, zodDiagnostics } from './issues.js';
export { type PathCheck, resolveInside } from './paths.js';
export { compareIds, mulberry32, seededShuffle } from './random.js';
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
  DEFAULT_MAX_PIXELS,
  normalizeEntity,
  type ValidateOptions,
  type ValidationResult,
  validate,
} from './validate.js';
