import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sample } from '@mmre/core';
import { TestVarsSchema } from '@mmre/core';
import { syntheticSample } from '@mmre/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTests, GeneratorOptionsSchema, resolveDatasetDir } from './generator.js';
import { writeDataset } from './store.js';

let dir: string;
let small: string;
let big: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-gen-'));
  small = join(dir, 'small');
  await writeDataset(
    small,
    { name: 's', version: '1', license: 'MIT' },
    Array.from({ length: 12 }, (_, i) => sample(`s${i}`, i < 4 ? 'train' : 'test', 3)),
  );
  big = join(dir, 'big');
  // 5,533 samples like the paper's dataset; none of the image files exist.
  await writeDataset(
    big,
    { name: 'b', version: '1', license: 'MIT' },
    Array.from({ length: 5533 }, (_, i) => sample(String(100000 + i), i % 10 < 7 ? 'train' : 'test', 1 + (i % 5))),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sample = (id: string, split: string, segs: number): Sample => syntheticSample(id, split, segs);

describe('generator options', () => {
  it('validates with zod, accepts strings for numbers and comma lists for ids', () => {
    expect(GeneratorOptionsSchema.parse({ dataset: 'x', limit: '5', ids: 'a, b', seed: 3 })).toEqual({
      dataset: 'x',
      limit: 5,
      ids: ['a', 'b'],
      seed: 3,
    });
    expect(GeneratorOptionsSchema.safeParse({ dataset: 'x', limit: 0 }).success).toBe(false);
    expect(GeneratorOptionsSchema.safeParse({ dataset: 'x', limt: 5 }).success).toBe(false);
  });

  it('resolves a relative dataset against configDir, then the -c config folder, then cwd', () => {
    expect(resolveDatasetDir('small', { configDir: dir, argv: [], cwd: '/' })).toBe(small);
    expect(
      resolveDatasetDir('small', { argv: ['node', 'promptfoo', 'eval', '-c', join(dir, 'x.yaml')], cwd: '/' }),
    ).toBe(small);
    expect(resolveDatasetDir('./small', { argv: [], cwd: dir })).toBe(small);
    expect(() => resolveDatasetDir('nope', { argv: [], cwd: dir })).toThrow(/no dataset folder .*tried/);
  });
});

describe('buildTests', () => {
  it('one test per sample with encoded vars, description and metadata; env defaults', async () => {
    const { tests, issues } = await buildTests({ split: 'test' }, { MMRE_DATASET: small, MMRE_LIMIT: '3' }, []);
    expect(issues).toEqual([]);
    expect(tests.map((t) => t.description)).toEqual(['s4', 's5', 's6']);
    const t = tests[0];
    expect(t?.metadata).toEqual({ sampleId: 's4', split: 'test' });
    expect(typeof t?.vars.segments).toBe('string');
    expect(typeof t?.vars.gold).toBe('string');
    const decoded = TestVarsSchema.parse(t?.vars);
    expect(decoded.image).toBe(join(small, 'images/s4.jpg'));
    expect(decoded.segments?.map((s) => s.path)).toEqual(
      ['a', 'b', 'c'].map((l) => join(small, `images/segments/s4_${l}.jpg`)),
    );
    expect(decoded.gold?.entities).toHaveLength(4);
  });

  it('MMRE_SPLIT=all selects every split; a split the dataset does not have is one error listing its splits', async () => {
    const all = await buildTests({ dataset: small }, { MMRE_SPLIT: 'all' }, []);
    const test = await buildTests({ dataset: small, split: 'test' }, {}, []);
    const train = await buildTests({ dataset: small, split: 'train' }, {}, []);
    expect(all.tests).toHaveLength(test.tests.length + train.tests.length);
    expect(new Set(all.tests.map((t) => t.metadata.split))).toEqual(new Set(['train', 'test']));
    await expect(buildTests({ dataset: small }, { MMRE_SPLIT: 'tset' }, [])).rejects.toThrow(
      /has no split "tset"; its splits are train \(\d+\), test \(\d+\); fix: set MMRE_SPLIT .* or to all/,
    );
  });

  it('ids, seed and config over env', async () => {
    const byIds = await buildTests({ dataset: small, ids: ['s9', 's1'] }, { MMRE_SPLIT: 'train' }, []);
    expect(byIds.tests.map((t) => t.description)).toEqual(['s1']);
    expect(byIds.issues.map((i) => i.code)).toEqual(['unknown-id']); // s9 is in test, not train
    const a = await buildTests({ dataset: small, seed: 1, limit: 4 }, {}, []);
    const b = await buildTests({ dataset: small, seed: 1, limit: 4 }, {}, []);
    expect(a.tests.map((t) => t.description)).toEqual(b.tests.map((t) => t.description));
  });

  it('loads 5,533 samples quickly without touching image files (none exist)', async () => {
    expect(existsSync(join(big, 'images'))).toBe(false);
    await buildTests({ dataset: big }, {}, []); // warm-up (module loading)
    const t0 = performance.now();
    const { tests, issues } = await buildTests({ dataset: big }, {}, []);
    const ms = performance.now() - t0;
    expect(issues).toEqual([]);
    expect(tests).toHaveLength(5533);
    expect(new Set(tests.map((t) => t.description)).size).toBe(5533);
    // Generous bound for a shared 2-core machine; the bench reports the real figure.
    expect(ms).toBeLessThan(3000);
  });
});

describe('through promptfoo', () => {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'generator.js');
  it.skipIf(!existsSync(dist))('promptfoo loads the generator and runs exactly one test per sample', async () => {
    process.env.PROMPTFOO_CONFIG_DIR = join(dir, '.promptfoo');
    const { evaluate } = await import('promptfoo');
    const indexJs = join(dirname(dist), 'index.js');
    const run = await evaluate(
      {
        prompts: ['{{text}} | {{segments}}'],
        providers: ['echo'],
        tests: [
          { path: `file://${indexJs}:generateTests`, config: { dataset: small, split: 'test' } },
          // Contrast: an array var is expanded into one test per element by promptfoo.
          { vars: { text: 'array', segments: ['a', 'b', 'c'] } } as never,
        ],
        writeLatestResults: false,
      } as never,
      { maxConcurrency: 1, showProgressBar: false } as never,
    );
    const summary = (await run.toEvaluateSummary()) as {
      results: { vars: Record<string, unknown>; testCase: { description?: string } }[];
    };
    const fromDataset = summary.results.filter((r) => r.vars.text !== 'array');
    expect(fromDataset.map((r) => r.testCase.description).sort()).toEqual(
      ['s4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'].sort(),
    );
    expect(summary.results.filter((r) => r.vars.text === 'array')).toHaveLength(3);
    for (const r of fromDataset) expect(JSON.parse(r.vars.segments as string)).toHaveLength(3);
  });
});
