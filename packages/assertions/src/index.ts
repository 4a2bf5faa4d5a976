// The public face of @mmre/assertions: the promptfoo assertions and extension the configs name, the
// derived metrics, and their types. Config schemas and row helpers stay internal; the named scores
// are `SCORE` of @mmre/scorer.
// No default export on purpose: promptfoo's module loader takes `module.default` when there is one,
// which would hide these named exports from `package:@mmre/assertions:<name>` and `file://…:<name>`.

export { format, type MmreConfig, matching, mmre, ner, summary } from './assertions.js';
export type { AssertionContext, AssertionFunction, GradingResult } from './context.js';
export { DERIVED, type DerivedMetric, derivedMetrics, evaluateDerived } from './derived.js';
export { extension, metadataWithoutResponseCopy } from './extension.js';
