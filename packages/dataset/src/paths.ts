import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';

export type PathCheck = { ok: true; absolute: string } | { ok: false; reason: string };

/** A plain relative path: no `.`/`..` segment, no empty segment, no backslash, drive or NUL. */
const SIMPLE = /^(?!\.{1,2}(?:\/|$))(?!.*\/\.{1,2}(?:\/|$))[^/\\:\0]+(?:\/[^/\\:\0]+)*$/;

const bases = new Map<string, string>();
function baseOf(root: string): string {
  let b = bases.get(root);
  if (b === undefined) {
    b = resolve(root);
    if (bases.size > 64) bases.clear();
    bases.set(root, b);
  }
  return b;
}

/**
 * Resolves a path written in a dataset record against the dataset root, refusing absolute paths
 * (POSIX or Windows, including `C:` and UNC forms) and paths that leave the root through `..`.
 * Only the string is examined: a refused path is never opened.
 */
export function resolveInside(root: string, rel: string): PathCheck {
  const base = baseOf(root);
  // Fast path for the common case (`images/123.jpg`): nothing to normalise, cannot escape.
  if (SIMPLE.test(rel)) return { ok: true, absolute: base === sep ? `${sep}${rel}` : `${base}${sep}${rel}` };
  if (rel.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  if (isAbsolute(rel) || win32.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel))
    return { ok: false, reason: 'is absolute; write it relative to the dataset root (e.g. images/123.jpg)' };
  const normalized = rel.replace(/\\/g, '/');
  const absolute = resolve(base, normalized);
  const back = relative(base, absolute);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back))
    return { ok: false, reason: 'escapes the dataset root with `..`; keep images inside the dataset folder' };
  return { ok: true, absolute };
}
