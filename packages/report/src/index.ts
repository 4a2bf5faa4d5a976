export {
  type BuildOptions,
  buildReport,
  type ComparisonRow,
  type CoverageNote,
  type DeltaRow,
  METRIC_NAMES,
  METRIC_SINGLE_MODE,
  METRICS,
  type MetricId,
  type ModeSample,
  type ModeSummary,
  type PairResult,
  REPORT_MODES,
  type Report,
  type SampleReport,
  type SampleSystem,
  type SystemReport,
} from './build.js';
export { fmtCi, fmtDelta, fmtP, fmtPoints, fmtRate } from './format.js';
export { deltaChartSvg, type HtmlOptions, markMultiset, renderHtml } from './html.js';
export { type ImageMode, type PreparedImage, prepareImage } from './images.js';
export {
  type LoadedResults,
  loadResults,
  mergeResults,
  type ProviderSettings,
  parseResultsJson,
  pickSettings,
  type ResultRow,
  ResultsFileError,
  type RunInfo,
} from './load.js';
export {
  renderComparisonTable,
  renderDeltaTable,
  renderJson,
  renderMainTable,
  renderMarkdown,
} from './markdown.js';
