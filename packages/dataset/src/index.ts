export { type CopyResult, copyImage, datasetImagePath, type ProgressFn } from './adapters/common.js';
export { type ConvertJsonlOptions, type ConvertResult, convertJsonl } from './adapters/jsonl.js';
