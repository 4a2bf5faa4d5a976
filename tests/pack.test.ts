// Every package packs into a tarball that carries dist/ with types, its README, and no tests or sources,
// with workspace:^ dependencies turned into real version ranges.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll, workspacePackages } from './pack-helpers.js';

const packages = workspacePackages();
const dest = mkdtempSync(join(tmpdir(), 'mmre-pack-'));
let tarballs = new Map<string, string>();

describe('pnpm pack', () => {
  beforeAll(() => {
    tarballs = packAll(dest, packages);
  }, 120_000);
  afterAll(() => rmSync(dest, { recursive: true, force: true }));

  it.each(packages)('@mmre/%s: dist with types, README, no tests, resolved workspace deps', (name) => {
    const tgz = tarballs.get(name) as string;
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toContain('package/package.json');
    expect(files).toContain('package/README.md');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files.filter((f) => /\.test\.|__fixtures__|\/src\//.test(f))).toEqual([]);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
    expect(pkg.name).toBe(`@mmre/${name}`);
    expect(pkg.repository.directory).toBe(`packages/${name}`);
    for (const deps of [pkg.dependencies ?? {}, pkg.peerDependencies ?? {}])
      for (const [dep, range] of Object.entries(deps)) expect(`${dep}@${range}`).not.toMatch(/workspace:/);
    // Every file the exports map names is in the tarball.
    for (const target of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target))
        expect(files).toContain(`package/${file.replace(/^\.\//, '')}`);
    }
  });

  it('the CLI bin is packed and executable', () => {
    const files = execFileSync('tar', ['-tzvf', tarballs.get('cli') as string], { encoding: 'utf8' });
    expect(files).toMatch(/^-rwx.* package\/bin\/mmre\.js$/m);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8'));
    expect(pkg.bin.mmre).toBe('./bin/mmre.js');
  });
});
