#!/usr/bin/env node
// Creates the skeleton of a workspace package: node scripts/new-package.mjs NAME "description" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node scripts/new-package.mjs NAME "description" [@mmre/dep ...]');
  process.exit(2);
}
const dir = join('packages', name);
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir} exists`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
const pkg = {
  name: `@mmre/${name}`,
  version: '0.1.0',
  description,
  type: 'module',
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://github.com/mmre-eval/mmre-eval.git', directory: `packages/${name}` },
  engines: { node: '>=22.22' },
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', '!dist/**/*.test.*', '!dist/**/__fixtures__', 'README.md', 'CHANGELOG.md'],
  publishConfig: { access: 'public' },
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:^'])),
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, rootDir: 'src' }, include: ['src'] }, null, 2)}\n`,
);
writeFileSync(
  join(dir, 'tsconfig.build.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', noEmit: false },
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/**/__fixtures__/**', 'src/**/*.bench.ts'],
    },
    null,
    2,
  )}\n`,
);
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), 'export {};\n');
console.log(`created ${dir}`);
