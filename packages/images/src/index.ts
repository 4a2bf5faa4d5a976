export { type FileContent, FileDigests, readFileContent, sha256Hex } from './digest.js';
export { cropRect, type EncodedImage } from './encode.js';
export { ImageEncoder, type ImageEncoderOptions, type ImageEncoderStats, sharedImageEncoder } from './encoder.js';
export { ImageFileError } from './errors.js';
export { formatImageRef, IMAGE_REF_SCHEME, type ImageRef, ImageRefError, isImageRef, parseImageRef } from './ref.js';
export {
  DEFAULT_IMAGE_FORMAT,
  DEFAULT_IMAGE_SETTINGS,
  DEFAULT_JPEG_QUALITY,
  type ImageFormat,
  type ImageSettings,
  imageSettings,
  variantIdentity,
} from './settings.js';
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
