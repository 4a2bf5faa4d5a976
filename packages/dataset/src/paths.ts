import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';

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

/** A record's path checked against the dataset root, symbolic links resolved. */
export type GuardedPath =
  | { ok: true; absolute: string; missing: boolean }
  | { ok: false; code: 'unsafe-path' | 'path-escapes'; reason: string };

function realOrNull(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw err;
  }
}

/**
 * Realpath containment for one dataset root: a record's path must name a file inside the root after
 * every symbolic link is resolved, so a link (`images/x.jpg -> /etc/passwd`, or a linked folder) cannot
 * lead a read out of the dataset. The string rules of `resolveInside` come first (a refused path is
 * never looked at). A file that does not exist passes with `missing: true` (nothing can be read through
 * it; `validate` reports it). Costs one `lstat` per file and one `realpath` per folder (cached).
 * Returns the path under the root as written (`absolute`), not the link's target.
 */
export class PathGuard {
  private readonly root: string;
  private realRoot: string | null | undefined;
  private readonly dirs = new Map<string, string | null>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  private inside(real: string): boolean {
    const base = this.realRoot as string;
    return real !== base && real.startsWith(base.endsWith(sep) ? base : `${base}${sep}`);
  }

  private escapes(real: string): GuardedPath {
    return {
      ok: false,
      code: 'path-escapes',
      reason: `leads through a symbolic link to ${real}, outside the dataset folder ${this.realRoot}; copy the file into the dataset folder instead of linking it`,
    };
  }

  check(rel: string): GuardedPath {
    const r = resolveInside(this.root, rel);
    if (!r.ok) return { ok: false, code: 'unsafe-path', reason: r.reason };
    // a root that does not exist yet (a dataset being written) is looked up again next time
    if (!this.realRoot) this.realRoot = realOrNull(this.root);
    if (this.realRoot === null) return { ok: true, absolute: r.absolute, missing: true };
    const dir = dirname(r.absolute);
    let realDir = this.dirs.get(dir);
    if (realDir === undefined) {
      realDir = dir === this.root ? this.realRoot : realOrNull(dir);
      if (this.dirs.size > 4096) this.dirs.clear();
      this.dirs.set(dir, realDir);
    }
    if (realDir === null) return { ok: true, absolute: r.absolute, missing: true };
    if (realDir !== this.realRoot && !this.inside(realDir)) return this.escapes(realDir);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(r.absolute);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, absolute: r.absolute, missing: true };
      throw err;
    }
    if (st.isSymbolicLink()) {
      const real = realOrNull(r.absolute);
      if (real === null) {
        // a dangling link: nothing to read now, but it points somewhere; refuse it when that is outside
        const target = resolve(realDir, readlinkSync(r.absolute));
        if (!this.inside(target)) return this.escapes(target);
        return { ok: true, absolute: r.absolute, missing: true };
      }
      if (!this.inside(real)) return this.escapes(real);
    }
    return { ok: true, absolute: r.absolute, missing: false };
  }
}
