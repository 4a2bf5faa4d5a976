// The shipped configs' test generator (configs/lib/tests.mjs) under `promptfoo eval` (issue 12): a
// misspelt split and a bad environment of the PFA prompts are ONE message before any test runs, exit 1,
// no stack trace — not a stack trace, and not the same error on each of the 66 rows.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promptfooEval } from '@mmre-test/promptfoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = ['dataset', 'pfa', 'provider-offline'].every((p) =>
  existsSync(join(repo, 'packages', p, 'dist', 'index.js')),
);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mmre-configs-env-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function compare(name: string, env: Record<string, string>) {
  const r = await promptfooEval({
    dir: join(tmp, name),
    configs: [join(repo, 'configs', 'mmre-compare.yaml'), join(repo, 'configs', 'providers', 'baseline.yaml')],
    env: {
      MMRE_SPLIT: '',
      MMRE_LIMIT: '',
      MMRE_DATASET: '',
      MMRE_IMAGES: '',
      MMRE_MIN_PIXELS: '',
      MMRE_MAX_PIXELS: '',
      ...env,
    },
    okCodes: 'any',
  });
  return { code: r.code, output: `${r.stdout}${r.stderr}`, wrote: r.output !== null };
}

describe.skipIf(!built)('configs/lib/tests.mjs under promptfoo eval', () => {
  it('MMRE_SPLIT=tset and MMRE_MAX_PIXELS=lots are one message each, exit 1, nothing run', async () => {
    const [split, pixels] = await Promise.all([
      compare('split', { MMRE_SPLIT: 'tset' }),
      compare('pixels', { MMRE_MAX_PIXELS: 'lots' }),
    ]);
    expect(split.output).toMatch(
      /mmre test generator: dataset .*mmre-sample has no split "tset"; its splits are train \(10\), test \(22\)/,
    );
    expect(pixels.output).toMatch(/mmre: environment variable MMRE_MAX_PIXELS="lots" must be a positive integer/);
    for (const run of [split, pixels]) {
      expect(run.code).toBe(1);
      expect(run.output).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
      expect(run.output).not.toMatch(/Provider call failed|Running \d+ test cases/);
      expect(run.wrote).toBe(false);
    }
  }, 120_000);
});
