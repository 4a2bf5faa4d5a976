// The public face of @mmre/pfa: the prompt functions the configs name, `createPfaPrompt` for options of
// your own, `buildMessages`, the options read from the environment, and their types. Vars decoding,
// the k-shot pools and the option schema stay internal.
export { buildMessages, type ChatMessage, type ContentPart } from './messages.js';
export { envPfaOptions, type PfaOptions, PfaOptionsError } from './options.js';
export {
  createPfaPrompt,
  joint,
  mner,
  type PfaPromptFunction,
  type PfaPromptResult,
  type PfaRowConfig,
  type PromptFunctionContext,
  summary,
} from './prompts.js';
