import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PathGuard } from '../paths.js';

/** Progress callback: `total` is known for array inputs, undefined for streams. */
export type ProgressFn = (done: number, total?: number) => void;

/**
 * Where an image named `rel` (relative to the source folder) goes in a dataset: under `images/`,
 * keeping its relative path (a path already starting with `images/` is kept as is).
 */
export function datasetImagePath(rel: string): string {
  const clean = rel.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return clean.startsWith('images/') ? clean : `images/${clean}`;
}

export type CopyResult = { ok: true; path: string } | { ok: false; code: string; reason: string };

/**
 * Copies `rel` from `sourceDir` into `outDir` at `datasetImagePath(rel)`. Absolute or escaping paths,
 * and paths that leave either folder through a symbolic link (realpath containment, `PathGuard`), are
 * refused without being opened; a missing source is reported, never thrown. Pass one pair of guards
 * for a whole conversion (they cache the folders they resolved).
 */
export async function copyImage(
  sourceDir: string,
  rel: string,
  outDir: string,
  guards: { source: PathGuard; out: PathGuard } = { source: new PathGuard(sourceDir), out: new PathGuard(outDir) },
): Promise<CopyResult> {
  const src = guards.source.check(rel);
  if (!src.ok) return { ok: false, code: 'unsafe-path', reason: `${JSON.stringify(rel)} ${src.reason} (refused)` };
  const path = datasetImagePath(rel);
  const dest = guards.out.check(path);
  if (!dest.ok) return { ok: false, code: 'unsafe-path', reason: `${JSON.stringify(rel)} ${dest.reason} (refused)` };
  if (resolve(src.absolute) === resolve(dest.absolute)) return { ok: true, path };
  try {
    await mkdir(dirname(dest.absolute), { recursive: true });
    await copyFile(src.absolute, dest.absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      code: code === 'ENOENT' ? 'missing-image' : 'copy-failed',
      reason:
        code === 'ENOENT'
          ? `${src.absolute} does not exist; fix: pass the folder that holds the images with --images`
          : `${src.absolute} could not be copied (${(err as Error).message})`,
    };
  }
  return { ok: true, path };
}

/** The guards of one conversion's copies (`copyImage`): the source folder and the dataset being written. */
export function copyGuards(sourceDir: string, outDir: string): { source: PathGuard; out: PathGuard } {
  return { source: new PathGuard(sourceDir), out: new PathGuard(outDir) };
}

/** Runs `fn` over an async source with at most `concurrency` in flight, yielding results in order. */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  for await (const item of source) {
    pending.push(fn(item));
    if (pending.length >= concurrency) yield await (pending.shift() as Promise<R>);
  }
  while (pending.length > 0) yield await (pending.shift() as Promise<R>);
}
