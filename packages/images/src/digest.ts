import { createHash, webcrypto } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LRUCache } from 'lru-cache';
import { ImageFileError } from './errors.js';

/** A file's bytes and their sha256 (lower-case hex). */
export interface FileContent {
  path: string;
  bytes: Buffer;
  sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Files up to this size are hashed on the calling thread; larger ones on libuv's thread pool. */
const INLINE_HASH_BYTES = 1 << 20;

/**
 * sha256 (hex). A large file is hashed on libuv's thread pool (WebCrypto), so promptfoo's main thread
 * is free meanwhile; a small one (a dataset photo: tens of KB, well under a millisecond) here, which
 * costs the main thread less than handing it over and back.
 */
async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  if (bytes.length <= INLINE_HASH_BYTES) return sha256Hex(bytes);
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/**
 * Reads a file and hashes it; the error names the file and the fix. The read is synchronous: for
 * local image files it costs the main thread far less than the four thread-pool round trips of an
 * asynchronous read (open, stat, read, close), which at the paper's size add up to seconds.
 */
export async function readFileContent(path: string): Promise<FileContent> {
  const abs = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (err) {
    throw new ImageFileError(
      `cannot read image ${abs}: ${(err as Error).message}; fix: check the image path in the test vars`,
    );
  }
  return { path: abs, bytes, sha256: await sha256HexOf(bytes) };
}

/**
 * sha256 digests of image files, each file hashed once per version: a digest is reused while the
 * file's size, mtime, ctime and inode are unchanged, so a file changed at the same path is hashed
 * again (and its references change). Bounded (default 200,000 files); concurrent calls share work.
 */
export class FileDigests {
  private readonly cache: LRUCache<string, { version: string; sha256: Promise<string> }>;

  constructor(options: { maxEntries?: number } = {}) {
    this.cache = new LRUCache({ max: options.maxEntries ?? 200_000 });
  }

  /** The sha256 of the file at `path` (absolute or relative to the working directory). */
  async of(path: string): Promise<string> {
    const abs = resolve(path);
    let version: string;
    try {
      // synchronous for the same reason as the read: one metadata lookup, every mode of every sample
      const st = statSync(abs);
      version = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
    } catch (err) {
      throw new ImageFileError(
        `cannot read image ${abs}: ${(err as Error).message}; fix: check the image path in the test vars`,
      );
    }
    const hit = this.cache.get(abs);
    if (hit && hit.version === version) return hit.sha256;
    const sha256 = readFileContent(abs).then((c) => c.sha256);
    this.cache.set(abs, { version, sha256 });
    sha256.catch(() => {
      if (this.cache.get(abs)?.sha256 === sha256) this.cache.delete(abs);
    });
    return sha256;
  }
}
