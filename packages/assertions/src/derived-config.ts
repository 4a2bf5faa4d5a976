import { derivedMetrics } from './derived.js';

/**
 * A promptfoo config holding only `derivedMetrics`, to combine with a YAML config (YAML cannot hold
 * the metric functions, and promptfoo's mathjs expressions cannot name the dotted named scores):
 *
 *   promptfoo eval -c promptfooconfig.yaml -c node_modules/@mmre/assertions/dist/derived-config.js
 *
 * promptfoo concatenates the `prompts`, `providers` and `derivedMetrics` of all `-c` configs. The
 * empty `prompts` and `providers` matter: without `prompts` promptfoo would add its default
 * `{{prompt}}` prompt to the combined config.
 */
const config = { prompts: [] as string[], providers: [] as string[], derivedMetrics: [...derivedMetrics] };
export default config;
