// The public face of @mmre/provider-offline: the two providers the presets name and their configs.
// The baseline's model, the predictions reader and the config schemas stay internal; promptfoo's
// provider types are those of @mmre/provider-transport.
// No default export here: promptfoo's `package:` loader looks the name up on the default export when
// there is one. For `file://` use dist/baseline.js or dist/replay.js (their default is the class).
export { type BaselineConfig, BaselineProvider } from './baseline.js';
export { type ReplayConfig, ReplayProvider } from './replay.js';
