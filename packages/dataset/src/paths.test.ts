import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PathGuard, resolveInside } from './paths.js';

/** The plain (slow) definition the fast path must agree with. */
function reference(root: string, rel: string): string | null {
  if (rel.includes('\0') || isAbsolute(rel) || win32.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return null;
  const base = resolve(root);
  const absolute = resolve(base, rel.replace(/\\/g, '/'));
  const back = relative(base, absolute);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back)) return null;
  return absolute;
}

describe('resolveInside', () => {
  it('agrees with the plain definition on arbitrary paths built from tricky pieces', () => {
    const piece = fc.constantFrom('a', 'img', '.', '..', '...', '/', '\\', ':', 'C:', '.jpg', ' ', '\0', '//', 'a.b');
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('/data/ds', '/data/ds/', '/'),
        (parts, root) => {
          const rel = parts.join('');
          const r = resolveInside(root, rel);
          expect(r.ok ? r.absolute : null).toBe(reference(root, rel));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is fast on plain paths (22,132 of them; generous bound for a shared machine)', () => {
    const t0 = performance.now();
    for (let i = 0; i < 22_132; i++) resolveInside('datasets/x', `images/segments/${i}_a.jpg`);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('PathGuard (realpath containment)', () => {
  it('follows links inside the root, refuses links out of it (dangling ones too), and works when the root is itself a link', async () => {
    const base = await mkdtemp(join(tmpdir(), 'mmre-guard-'));
    try {
      const root = join(base, 'ds');
      await mkdir(join(root, 'images'), { recursive: true });
      await writeFile(join(root, 'images', 'a.jpg'), 'a');
      await writeFile(join(base, 'outside.jpg'), 'o');
      await symlink(join(root, 'images', 'a.jpg'), join(root, 'images', 'in.jpg'));
      await symlink(join(base, 'outside.jpg'), join(root, 'images', 'out.jpg'));
      await symlink(join(base, 'gone.jpg'), join(root, 'images', 'dangling-out.jpg'));
      await symlink(join(base), join(root, 'up'));
      await symlink(root, join(base, 'ds-link'));
      for (const r of [root, join(base, 'ds-link')]) {
        const g = new PathGuard(r);
        expect(g.check('images/a.jpg')).toEqual({ ok: true, absolute: join(r, 'images', 'a.jpg'), missing: false });
        expect(g.check('images/in.jpg')).toMatchObject({ ok: true, missing: false });
        expect(g.check('images/none.jpg')).toMatchObject({ ok: true, missing: true });
        expect(g.check('images/a.jpg/x')).toMatchObject({ ok: true, missing: true }); // a file as a folder
        expect(g.check('images/out.jpg')).toMatchObject({ ok: false, code: 'path-escapes' });
        expect(g.check('images/dangling-out.jpg')).toMatchObject({ ok: false, code: 'path-escapes' });
        expect(g.check('up/outside.jpg')).toMatchObject({ ok: false, code: 'path-escapes' });
        expect(g.check('../outside.jpg')).toMatchObject({ ok: false, code: 'unsafe-path' });
      }
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
