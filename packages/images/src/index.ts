// The public face of @mmre/images: what the PFA prompts, the providers and a provider of your own use
// (the encoder, the reference reader, Qwen's smart_resize and the default settings). Digests, crops,
// the reference writer and settings helpers stay internal; test helpers are at `@mmre/images/testing`.
export type { EncodedImage } from './encode.js';
export { ImageEncoder, type ImageEncoderOptions, type ImageEncoderStats, sharedImageEncoder } from './encoder.js';
export { ImageFileError } from './errors.js';
export { type ImageRef, ImageRefError, isImageRef, parseImageRef } from './ref.js';
export { DEFAULT_IMAGE_FORMAT, DEFAULT_JPEG_QUALITY, type ImageSettings } from './settings.js';
export {
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_PIXELS,
  QWEN_FACTOR,
  type SmartResizeOptions,
  smartResize,
} from './smart-resize.js';
