// The public face of @mmre/report: what `mmre report`, the configs' tests and the README use (load
// promptfoo results, build the report, render it as markdown, JSON or HTML) with the option and result
// types of those functions. Formatters, tables and HTML parts stay internal.
export { type BuildOptions, buildReport, METRICS, type MetricId, type Report } from './build.js';
export { type HtmlOptions, renderHtml } from './html.js';
export { type LoadedResults, loadResults, parseResultsJson, type ResultRow, ResultsFileError } from './load.js';
export { renderJson, renderMarkdown } from './markdown.js';
