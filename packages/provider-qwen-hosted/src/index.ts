// The public face of @mmre/provider-qwen-hosted: the provider the presets name and its config types.
// Service URLs, model lists and the config schema stay internal; promptfoo's types are those of
// @mmre/provider-transport.
import { QwenHostedProvider } from './provider.js';

export type { HostedBackend, QwenHostedConfig, QwenHostedConfigInput } from './config.js';
export { QwenHostedProvider } from './provider.js';
export default QwenHostedProvider;
