export {
  buildMessages,
  buildUserContent,
  type ChatMessage,
  type ContentPart,
  decodeVars,
  type ImageOptions,
  PfaVarsError,
  type PromptSample,
  ShotPools,
  selectShots,
} from './messages.js';
export {
  envPfaOptions,
  type PfaOptions,
  PfaOptionsError,
  PfaOptionsSchema,
  parsePfaOptions,
  type ShotsOptions,
} from './options.js';
export {
  createPfaPrompt,
  joint,
  mner,
  type PfaPromptFunction,
  type PfaPromptResult,
  type PfaRowConfig,
  type PromptFunctionContext,
  protectFromTemplating,
  summary,
} from './prompts.js';
