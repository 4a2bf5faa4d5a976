import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';

export type PathCheck = { ok: true; absolute: string } | { ok: false; reason: string };

/**
 * Resolves a path written in a dataset record against the dataset root, refusing absolute paths
 * (POSIX or Windows, including `C:` and UNC forms) and paths that leave the root through `..`.
 * Only the string is examined: a refused path is never opened.
 */
export function resolveInside(root: string, rel: string): PathCheck {
  if (rel.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  if (isAbsolute(rel) || win32.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel))
    return { ok: false, reason: 'is absolute; write it relative to the dataset root (e.g. images/123.jpg)' };
  const normalized = rel.replace(/\\/g, '/');
  const base = resolve(root);
  const absolute = resolve(base, normalized);
  const back = relative(base, absolute);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back))
    return { ok: false, reason: 'escapes the dataset root with `..`; keep images inside the dataset folder' };
  return { ok: true, absolute };
}
