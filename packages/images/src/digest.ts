import { createHash, webcrypto } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
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

/** sha256 (hex) computed on libuv's thread pool (WebCrypto), so the main thread — promptfoo's — is free meanwhile. */
async function sha256HexOffThread(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** Reads a file and hashes it; the error names the file and the fix. */
export async function readFileContent(path: string): Promise<FileContent> {
  const abs = resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (err) {
    throw new ImageFileError(
      `cannot read image ${abs}: ${(err as Error).message}; fix: check the image path in the test vars`,
    );
  }
  return { path: abs, bytes, sha256: await sha256HexOffThread(bytes) };
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
      const st = await stat(abs);
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
