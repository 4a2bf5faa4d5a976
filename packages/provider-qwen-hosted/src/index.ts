import { QwenHostedProvider } from './provider.js';

export type { HostedBackend, QwenHostedConfig, QwenHostedConfigInput } from './config.js';
export {
  DASHSCOPE_MODELS,
  DASHSCOPE_URLS,
  DEFAULT_KEY_ENV,
  HOSTED_BACKENDS,
  HOSTED_CONFIG_KEYS,
  OPENROUTER_MODELS,
  OPENROUTER_URL,
  QwenHostedConfigSchema,
} from './config.js';
export type { CallContext, ProviderInternals, ProviderOptions } from './provider.js';
export { QwenHostedProvider } from './provider.js';
export default QwenHostedProvider;
