/** An image that could not be read, decoded, cropped or resized; the message names the file and the fix. */
export class ImageFileError extends Error {
  override name = 'ImageFileError';
}
