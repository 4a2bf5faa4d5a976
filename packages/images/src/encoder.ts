import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Box } from '@mmre/core';
import { LRUCache } from 'lru-cache';
import { FileDigests, readFileContent } from './digest.js';
import { type EncodedImage, encodeVariants, type Variant } from './encode.js';
import { ImageFileError } from './errors.js';
import { formatImageRef, type ImageRef, isImageRef, parseImageRef } from './ref.js';
import { type ImageSettings, imageSettings, variantIdentity } from './settings.js';

export interface ImageEncoderOptions {
  /** Bound of the cache of encoded images, in data-URL characters (default MMRE_IMAGE_CACHE_MB or 64 MiB). */
  maxBytes?: number;
  /** Source images decoded at the same time (each holds its pixels until its variants are encoded; default 8). */
  maxConcurrentDecodes?: number;
}

export interface ImageEncoderStats {
  /** Images answered from the cache (including ones that joined an encoding under way). */
  hits: number;
  /** Images that had to be made. */
  misses: number;
  /** Source files read (one read, and at most one decode, serves every variant of a file asked for together). */
  decoded: number;
  /** Images made (misses minus failures): `encoded` plus `passedThrough`. */
  processed: number;
  /** Images decoded, (cropped,) resized and encoded by sharp. */
  encoded: number;
  /** Images sent as the file's own bytes (already at the size `smartResize` asks for; see `passthrough`). */
  passedThrough: number;
  /** Failures (not cached: the next call tries again). */
  failures: number;
  /** Wall milliseconds from reading a source to its variants made, summed over sources (work overlaps). */
  processMs: number;
  /** Entries and data-URL characters held now, and the bound. */
  entries: number;
  size: number;
  maxSize: number;
}

/** An encode request: what to make from which file. */
interface Job {
  path: string;
  /** The digest the file must have (from a reference), or null (inline encoding: whatever it holds now). */
  sha256: string;
  variant: Variant;
  identity: string;
}

function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

// promptfoo runs the modes of a sample one after another, so the images of the samples in flight are
// all a run needs at once (-j 16: about 16 × 4 images ≈ 10 MB); the rest serves k-shot turns and retries.
const DEFAULT_CACHE_BYTES = Number(process.env.MMRE_IMAGE_CACHE_MB ?? 64) * 1024 * 1024;

/**
 * Makes the images a model is sent: from image references (see `formatImageRef`) or from files,
 * each decoded, cropped, resized and encoded at most once while it stays in a bounded LRU cache
 * (keyed by the file's content digest and the settings, not its path). Concurrent requests for the
 * same image share one encoding; the variants of one file asked for together share one decode.
 * sharp does the pixel work on its own threads, so it overlaps with the caller's.
 */
export class ImageEncoder {
  private readonly cache: LRUCache<string, Promise<EncodedImage>>;
  private readonly digests = new FileDigests();
  private readonly decodeSlot: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly counters = {
    hits: 0,
    misses: 0,
    decoded: 0,
    processed: 0,
    encoded: 0,
    passedThrough: 0,
    failures: 0,
    processMs: 0,
  };

  constructor(options: ImageEncoderOptions = {}) {
    this.cache = new LRUCache<string, Promise<EncodedImage>>({
      maxSize: Math.max(1, options.maxBytes ?? DEFAULT_CACHE_BYTES),
      // Pending entries count 1 until they settle; then their data-URL length.
      sizeCalculation: () => 1,
    });
    this.decodeSlot = limiter(options.maxConcurrentDecodes ?? 8);
  }

  stats(): ImageEncoderStats {
    return { ...this.counters, entries: this.cache.size, size: this.cache.calculatedSize, maxSize: this.cache.maxSize };
  }

  /** The image a reference names (the file must still have the referenced content). */
  async resolveRef(ref: ImageRef | string): Promise<EncodedImage> {
    const [img] = await this.resolveRefs([ref]);
    return img as EncodedImage;
  }

  /** The images of several references, in order; variants of one file are made from one decode. */
  resolveRefs(refs: readonly (ImageRef | string)[]): Promise<EncodedImage[]> {
    const jobs = refs.map((r) => {
      const ref = typeof r === 'string' ? parseImageRef(r) : r;
      const variant = { settings: ref.settings, crop: ref.crop };
      return {
        path: ref.path,
        sha256: ref.sha256,
        variant,
        identity: variantIdentity(ref.sha256, ref.settings, ref.crop),
      };
    });
    return this.run(jobs);
  }

  /**
   * Reads, (crops,) resizes and encodes the image file at `path` as a data URL, for prompts that carry
   * images inline. The file's digest is remembered while its size, mtime and inode stay the same.
   */
  async encodeFile(path: string, options: Partial<ImageSettings> & { crop?: Box | null } = {}): Promise<EncodedImage> {
    const settings = imageSettings(options);
    const crop = options.crop ?? null;
    const sha256 = await this.digests.of(path);
    const [img] = await this.run([
      { path, sha256, variant: { settings, crop }, identity: variantIdentity(sha256, settings, crop) },
    ]);
    return img as EncodedImage;
  }

  /**
   * The reference to the image file at `path` with these settings (and crop): what a PFA prompt
   * carries instead of the image. Hashes the file (once while its size, mtime and inode are unchanged);
   * nothing is decoded.
   */
  async ref(path: string, options: Partial<ImageSettings> & { crop?: Box | null } = {}): Promise<string> {
    const abs = resolve(path);
    const sha256 = await this.digests.of(abs);
    return formatImageRef({ sha256, path: abs, settings: imageSettings(options), crop: options.crop ?? null });
  }

  /**
   * A copy of chat messages with every image reference in an `image_url` part replaced by its data
   * URL (OpenAI content-part shape: `{type: 'image_url', image_url: {url} | url}`). Other parts and
   * messages are shared, not copied. Throws ImageFileError / ImageRefError naming the image.
   */
  async resolveMessages<M extends { content?: unknown }>(messages: readonly M[]): Promise<M[]> {
    const urls: string[] = [];
    for (const m of messages)
      if (Array.isArray(m.content))
        for (const p of m.content) {
          const url = imagePartUrl(p);
          if (isImageRef(url)) urls.push(url);
        }
    if (urls.length === 0) return [...messages];
    const images = await this.resolveRefs(urls);
    let k = 0;
    return messages.map((m) => {
      if (!Array.isArray(m.content) || !m.content.some((p) => isImageRef(imagePartUrl(p)))) return m;
      const content = m.content.map((p) => {
        const url = imagePartUrl(p);
        if (!isImageRef(url)) return p;
        const dataUrl = (images[k++] as EncodedImage).dataUrl;
        const part = p as { image_url: unknown };
        return {
          ...part,
          image_url: typeof part.image_url === 'string' ? dataUrl : { ...(part.image_url as object), url: dataUrl },
        };
      });
      return { ...m, content };
    });
  }

  private async run(jobs: readonly Job[]): Promise<EncodedImage[]> {
    const out: Promise<EncodedImage>[] = new Array(jobs.length);
    // Jobs not cached, grouped by source file (and digest): each group is one decode.
    const groups = new Map<
      string,
      { path: string; sha256: string; jobs: Job[]; settle: ((r: PromiseSettledResult<EncodedImage>) => void)[] }
    >();
    jobs.forEach((job, i) => {
      const cached = this.cache.get(job.identity);
      if (cached) {
        this.counters.hits++;
        out[i] = cached;
        return;
      }
      this.counters.misses++;
      const key = `${job.sha256}\u0000${job.path}`;
      let g = groups.get(key);
      if (!g) {
        g = { path: job.path, sha256: job.sha256, jobs: [], settle: [] };
        groups.set(key, g);
      }
      const pending = new Promise<EncodedImage>((resolveOne, rejectOne) => {
        (g as NonNullable<typeof g>).settle.push((r) =>
          r.status === 'fulfilled' ? resolveOne(r.value) : rejectOne(r.reason),
        );
      });
      const entry = pending.then(
        (img) => {
          this.counters.processed++;
          if (img.passthrough) this.counters.passedThrough++;
          else this.counters.encoded++;
          // Re-insert with its real size (a new settled promise: lru-cache does not re-measure a value set again).
          if (this.cache.peek(job.identity) === entry)
            this.cache.set(job.identity, Promise.resolve(img), { size: img.dataUrl.length });
          return img;
        },
        (err: unknown) => {
          this.counters.failures++;
          if (this.cache.peek(job.identity) === entry) this.cache.delete(job.identity);
          throw err;
        },
      );
      // Later jobs of this call (and concurrent calls) for the same image share this one.
      this.cache.set(job.identity, entry);
      out[i] = entry;
      g.jobs.push(job);
    });
    for (const g of groups.values()) void this.decodeGroup(g);
    return Promise.all(out);
  }

  private async decodeGroup(g: {
    path: string;
    sha256: string;
    jobs: Job[];
    settle: ((r: PromiseSettledResult<EncodedImage>) => void)[];
  }): Promise<void> {
    const results = await this.decodeSlot(async () => {
      const started = performance.now();
      try {
        const file = await readFileContent(g.path);
        if (file.sha256 !== g.sha256)
          throw new ImageFileError(
            `image ${file.path} changed after the prompt was rendered (sha256 ${file.sha256.slice(0, 12)}…, the prompt names ${g.sha256.slice(0, 12)}…); fix: run the eval again so the prompt refers to the file as it is now`,
          );
        this.counters.decoded++;
        return await encodeVariants(
          file.path,
          file.bytes,
          g.jobs.map((j) => j.variant),
        );
      } catch (err) {
        return g.jobs.map((): PromiseSettledResult<EncodedImage> => ({ status: 'rejected', reason: err }));
      } finally {
        this.counters.processMs += performance.now() - started;
      }
    });
    results.forEach((r, i) => {
      g.settle[i]?.(r);
    });
  }
}

function imagePartUrl(part: unknown): unknown {
  if (!part || typeof part !== 'object' || (part as { type?: unknown }).type !== 'image_url') return undefined;
  const u = (part as { image_url?: unknown }).image_url;
  return typeof u === 'string' ? u : (u as { url?: unknown } | undefined)?.url;
}

// The one module-level variable of this package, on purpose: promptfoo loads the prompt functions and
// each provider as separate modules of one process, and the only way they share one bounded cache (an
// image made once per run, DESIGN.md "Scale") is a process-wide encoder. It holds no scoring state and
// cannot change a result: every entry is keyed by the file's content digest and the settings.
let shared: ImageEncoder | undefined;

/**
 * The encoder every prompt function and provider of this process shares, so an image is made once
 * per run whichever mode, provider or k-shot turn asks for it. With MMRE_IMAGE_STATS=<file> its
 * counters are written to that file (JSON) when the process exits.
 */
export function sharedImageEncoder(): ImageEncoder {
  if (!shared) {
    const encoder = new ImageEncoder();
    shared = encoder;
    const statsFile = process.env.MMRE_IMAGE_STATS;
    if (statsFile)
      process.once('exit', () => {
        try {
          writeFileSync(statsFile, `${JSON.stringify({ pid: process.pid, ...encoder.stats() })}\n`);
        } catch {
          // best effort: a stats file must never fail a run
        }
      });
  }
  return shared;
}
