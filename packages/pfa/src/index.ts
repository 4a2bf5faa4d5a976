export {
  cropRect,
  DEFAULT_IMAGE_FORMAT,
  DEFAULT_JPEG_QUALITY,
  type EncodedImage,
  type EncodeImageOptions,
  encodeImage,
  type ImageCacheStats,
  type ImageFormat,
  imageCacheStats,
  PfaImageError,
  resetImageCache,
} from './image.js';
export {
  buildMessages,
  buildUserContent,
  type ChatMessage,
  type ContentPart,
  decodeVars,
  PfaVarsError,
  type PromptSample,
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
  type PromptFunctionContext,
  protectFromTemplating,
  summary,
} from './prompts.js';
export {
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_PIXELS,
  MAX_ASPECT_RATIO,
  pyRound,
  QWEN_FACTOR,
  SmartResizeError,
  type SmartResizeOptions,
  smartResize,
} from './smart-resize.js';
