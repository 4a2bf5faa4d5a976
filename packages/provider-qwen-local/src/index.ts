import { QwenLocalProvider } from './provider.js';

export type { LocalBackend, QwenLocalConfig, QwenLocalConfigInput } from './config.js';
export {
  DEFAULT_BASE_URLS,
  DEFAULT_MODELS,
  LOCAL_BACKENDS,
  LOCAL_CONFIG_KEYS,
  QwenLocalConfigSchema,
} from './config.js';
export type { GrammarOptions } from './grammar.js';
export { escapeRegex, pfaGbnf, pfaRegex } from './grammar.js';
export type { OllamaMessage } from './ollama.js';
export { toOllamaMessages } from './ollama.js';
export type {
  CallContext,
  ConstraintField,
  ProviderInternals,
  ProviderOptions,
  ResolutionRecord,
} from './provider.js';
export { QwenLocalProvider, readOllamaChat } from './provider.js';
export type { ReadyOptions, ReadyResult } from './readiness.js';
export { checkLocalServer } from './readiness.js';
export default QwenLocalProvider;
