// No default export on purpose: promptfoo's module loader takes `module.default` when there is one,
// which would hide these named exports from `package:@mmre/assertions:<name>` and `file://…:<name>`.
export {
  type AssertionContext,
  type AssertionFunction,
  type GradingResult,
  outputText,
  parseCacheInfo,
} from './context.js';
export {
  corpusBleuFromSums,
  type DerivedMetric,
  derivedMetrics,
  evaluateDerived,
  type NamedScoreSums,
} from './derived.js';
export { type FormatConfig, FormatConfigSchema, format } from './format.js';
export { type MatchingConfig, MatchingConfigSchema, matching } from './matching.js';
export { DERIVED, SCORE } from './names.js';
export { type NerConfig, NerConfigSchema, ner } from './ner.js';
export { type SummaryConfig, SummaryConfigSchema, summary } from './summary.js';
