// No default export on purpose: promptfoo's module loader takes `module.default` when there is one,
// which would hide these named exports from `package:@mmre/assertions:<name>` and `file://…:<name>`.

export { SCORE } from '@mmre/scorer';
export {
  FormatConfigSchema,
  format,
  MatchingConfigSchema,
  type MmreConfig,
  MmreConfigSchema,
  matching,
  mmre,
  NerConfigSchema,
  ner,
  SummaryConfigSchema,
  summary,
} from './assertions.js';
export { type AssertionContext, type AssertionFunction, type GradingResult, outputText } from './context.js';
export { DERIVED, type DerivedMetric, derivedMetrics, evaluateDerived } from './derived.js';
export { extension, rowNamedScores } from './extension.js';
