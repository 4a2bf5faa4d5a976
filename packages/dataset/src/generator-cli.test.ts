// The test generator under the promptfoo command line (issue 12): when there is nothing to run — a
// misspelt split, an empty dataset, bad options, a missing or invalid manifest — promptfoo prints ONE
// message that names the problem (and the splits), with no stack trace, runs no test and exits 1;
// a BOM in dataset.json is accepted. Runs the built generator (dist/), like promptfoo does.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSample } from '@mmre/core/testing';
import { promptfooEval } from '@mmre-test/promptfoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'index.js');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mmre-gen-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const MANIFEST = { name: 'x', version: '1', license: 'MIT', labels: ['person', 'organization', 'location', 'other'] };

async function dataset(name: string, manifest: string | null, samples: string) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  if (manifest !== null) await writeFile(join(dir, 'dataset.json'), manifest);
  await writeFile(join(dir, 'samples.jsonl'), samples);
  return dir;
}

/** `promptfoo eval` of a config whose tests come from the generator; the process's output and exit code. */
async function evalWith(name: string, dir: string, env: Record<string, string> = {}) {
  const config = join(root, `${name}.yaml`);
  await writeFile(
    config,
    [
      "prompts: ['{{text}}']",
      'providers: [echo]',
      'tests:',
      `  - path: file://${dist}:generateTests`,
      `    config: { dataset: ${JSON.stringify(dir)} }`,
    ].join('\n'),
  );
  const r = await promptfooEval({
    dir: join(root, `run-${name}`),
    configs: [config],
    out: `${name}.json`,
    env: { MMRE_SPLIT: '', MMRE_LIMIT: '', MMRE_DATASET: '', ...env },
    okCodes: 'any',
  });
  return { code: r.code, output: `${r.stdout}${r.stderr}`, wrote: r.output !== null };
}

describe.skipIf(!existsSync(dist))('the generator under `promptfoo eval`', () => {
  it('nothing to run: one message naming the problem, no stack trace, no test, exit 1; a BOM manifest runs', async () => {
    const good = `${JSON.stringify(syntheticSample('s1', 'test', 1))}\n${JSON.stringify(syntheticSample('s2', 'train', 1))}\n`;
    const splits = JSON.stringify({ ...MANIFEST, splits: { train: 1, test: 1 } });
    const ok = await dataset('ok', splits, good);
    const empty = await dataset('empty', JSON.stringify({ ...MANIFEST, splits: {} }), '');
    const missing = await dataset('missing', null, good);
    const invalid = await dataset('invalid', '{"name": "x", "splits": "test"}', good);
    const bom = await dataset('bom', `\uFEFF${splits}`, good);
    const probes = await Promise.all([
      evalWith('tset', ok, { MMRE_SPLIT: 'tset' }),
      evalWith('empty', empty),
      evalWith('limit', ok, { MMRE_LIMIT: 'abc' }),
      evalWith('missing', missing),
      evalWith('invalid', invalid),
      evalWith('bom', bom, { MMRE_SPLIT: 'test' }),
    ]);
    const [tset, emptyRun, limit, missingRun, invalidRun, bomRun] = probes;
    const expected: [typeof tset, RegExp][] = [
      [tset, /mmre test generator: dataset .*ok has no split "tset"; its splits are train \(1\), test \(1\)/],
      [emptyRun, /mmre test generator: no test to run: the dataset of .*empty has no usable sample/],
      [limit, /mmre test generator: invalid options: MMRE_LIMIT="abc": must be a whole number/],
      [missingRun, /missing[\\/]dataset\.json: not found; is .* a dataset folder\?/],
      [invalidRun, /invalid[\\/]dataset\.json: invalid manifest: version: .*splits: /],
    ];
    for (const [run, message] of expected) {
      expect(run?.output).toMatch(message);
      expect(run?.code).toBe(1);
      expect(run?.output).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m); // no stack frame
      expect(run?.output).not.toMatch(/throw new|Error: mmre/);
      expect(run?.wrote).toBe(false); // no test ran, nothing was written
    }
    expect(bomRun?.code).toBe(0);
    expect(bomRun?.wrote).toBe(true);
  }, 180_000);
});
