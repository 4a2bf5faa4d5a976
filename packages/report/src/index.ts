export {
  type BuildOptions,
  buildReport,
  type DeltaRow,
  METRIC_NAMES,
  METRIC_SINGLE_MODE,
  METRICS,
  type MetricId,
  type ModeSummary,
  REPORT_MODES,
  type Report,
  type SampleReport,
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
  type RunInfo,
} from './load.js';
export { renderDeltaTable, renderJson, renderMainTable, renderMarkdown } from './markdown.js';
export { type ModeSample, type ScoreOptions, scoreAnswer } from './score.js';
