// The public face of @mmre/provider-qwen-local: the provider the presets name and its config types.
// Backend defaults, the config schema, the grammar (pfaRegex/pfaGbnf are @mmre/core's), the Ollama
// mapping and the readiness check stay internal; promptfoo's types are those of @mmre/provider-transport.
import { QwenLocalProvider } from './provider.js';

export type { LocalBackend, QwenLocalConfig, QwenLocalConfigInput } from './config.js';
export { type ConstraintField, QwenLocalProvider, type ResolutionRecord } from './provider.js';
export default QwenLocalProvider;
