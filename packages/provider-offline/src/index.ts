// No default export here: promptfoo's `package:` loader looks the name up on the default export when
// there is one. For `file://` use dist/baseline.js or dist/replay.js (their default is the class).
export {
  type BaselineConfig,
  BaselineConfigSchema,
  BaselineProvider,
  loadBaselineModel,
} from './baseline.js';
export { type CallContext, ProviderConfigError, type ProviderOptions, type ProviderResponse } from './common.js';
export {
  type BaselineModel,
  buildModel,
  extractEntities,
  FALLBACK_SUMMARY,
  GAZETTEER_MIN_PRECISION,
  matchSegments,
  predict,
  retrieveSummary,
} from './model.js';
export {
  loadPredictions,
  PredictionLineSchema,
  type Predictions,
  type ReplayConfig,
  ReplayConfigSchema,
  ReplayProvider,
  readPredictions,
} from './replay.js';
