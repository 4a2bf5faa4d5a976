/**
 * A problem with a dataset or with the options given to read it (no dataset folder, a manifest that is
 * missing or invalid, a split the dataset does not have, nothing left to run, bad generator options or
 * environment variables),
 * worded for the user: the message names the file, the field and the fix. It is not a bug, so the
 * promptfoo test generator prints its message alone, never a stack trace.
 */
export class DatasetError extends Error {
  override name = 'DatasetError';
}
