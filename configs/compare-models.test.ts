// Several models in one promptfoo eval, compared by `mmre report` (project issue 13): a real
// `promptfoo eval` of configs/mmre-compare.yaml with three offline providers of different behaviour —
// the baseline preset, a replay of the gold answers (`gold`) and a replay of perturbed gold answers
// (`perturbed`) — then `mmre report --json`. The test computes by hand, from the dataset's gold, what
// the two replays must score (counts of true/false positives, correct pairs, ROUGE of an exact or a
// disjoint summary) and checks the report's per-model tables, MRE deltas and model-against-model
// deltas against those numbers; the baseline is the third model (all three pairs compared).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Gold, Mode } from '@mmre/core';
import { formatAnswer, MODES } from '@mmre/core';
import { METRICS } from '@mmre/report';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROMPTFOO = join(repoRoot, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');
const MMRE = join(repoRoot, 'packages', 'cli', 'bin', 'mmre.js');
const LIMIT = 8;
const built = ['assertions', 'pfa', 'provider-offline', 'report', 'cli'].every((p) =>
  existsSync(join(repoRoot, 'packages', p, 'dist', 'index.js')),
);
if (!built) console.warn('the model-comparison test needs the built packages (pnpm build); skipping');

interface Sample {
  id: string;
  split: string;
  gold: Gold;
}
const samples = readFileSync(join(repoRoot, 'datasets', 'mmre-sample', 'samples.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Sample)
  .filter((s) => s.split === 'test');

const WRONG = { label: 'other' as const, text: 'Zzyzx Qqqv' };
/** The perturbation: even samples lose their summary (a word not in any gold) and their pairs; every sample drops its last entity and adds a wrong one. */
function perturbed(s: Sample, k: number): Gold {
  return {
    summary: k % 2 === 0 ? 'qqqv' : s.gold.summary,
    entities: [...s.gold.entities.slice(0, -1), WRONG],
    pairs: k % 2 === 0 ? [] : s.gold.pairs,
  };
}

let dir: string;
// biome-ignore lint/suspicious/noExplicitAny: the report's JSON
let report: any;
let ids: string[] = [];

beforeAll(async () => {
  if (!built) return;
  dir = await mkdtemp(join(tmpdir(), 'mmre-compare-models-'));
  const lines = (f: (s: Sample, k: number) => Gold) =>
    samples
      .flatMap((s, k) =>
        MODES.map((mode: Mode) => JSON.stringify({ id: s.id, mode, output: formatAnswer(f(s, k), mode) })),
      )
      .join('\n');
  await writeFile(
    join(dir, 'gold.jsonl'),
    lines((s) => s.gold),
  );
  await writeFile(join(dir, 'perturbed.jsonl'), lines(perturbed));
  await writeFile(
    join(dir, 'replays.yaml'),
    [
      'prompts: []',
      'providers:',
      ...['gold', 'perturbed'].flatMap((name) => [
        '  - id: package:@mmre/provider-offline:ReplayProvider',
        `    label: ${name}`,
        '    config:',
        `      path: ${JSON.stringify(join(dir, `${name}.jsonl`))}`,
      ]),
      '',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
    PROMPTFOO_CACHE_PATH: join(dir, 'cache'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    MMRE_LIMIT: String(LIMIT),
  };
  const out = join(dir, 'sweep.json');
  const args = ['eval', '-c', 'configs/mmre-compare.yaml', '-c', 'configs/providers/baseline.yaml'];
  await run(
    process.execPath,
    [PROMPTFOO, ...args, '-c', join(dir, 'replays.yaml'), '-o', out, '--no-progress-bar', '--no-table'],
    { cwd: repoRoot, env, maxBuffer: 1 << 26 },
  ).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`promptfoo eval failed:\n${e.stdout}\n${e.stderr}`);
  });
  const rows = JSON.parse(await readFile(out, 'utf8')).results.results as { vars: { id: string } }[];
  ids = [...new Set(rows.map((r) => r.vars.id))];
  const r = await run(process.execPath, [MMRE, 'report', out, '--json', '--bootstrap', '500'], { cwd: repoRoot, env });
  report = JSON.parse(r.stdout);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the perturbed replay must score on the evaluated samples, counted by hand. */
function expectedPerturbed() {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  let goldPairs = 0;
  let rouge = 0;
  let summaries = 0;
  for (const id of ids) {
    const k = samples.findIndex((s) => s.id === id);
    const s = samples[k] as Sample;
    const n = s.gold.entities.length;
    // the last gold entity dropped (one miss, also when it occurs twice: multisets), one wrong entity added
    tp += n === 0 ? 0 : n - 1;
    fn += n === 0 ? 0 : 1;
    fp += 1;
    goldPairs += s.gold.pairs.length;
    if (k % 2 === 1) correct += s.gold.pairs.length;
    if (s.gold.summary) {
      summaries++;
      if (k % 2 === 1) rouge += 1; // the gold summary itself: F = 1; 'qqqv' shares no word with any gold: F = 0
    }
  }
  const P = tp / (tp + fp);
  const R = tp / (tp + fn);
  return {
    nerF1: ((2 * P * R) / (P + R)) * 100,
    accuracy: (correct / goldPairs) * 100,
    rouge1: (rouge / summaries) * 100,
  };
}

describe.skipIf(!built)('mmre report on one eval of three models', () => {
  it('has a block per model, with the paper table of each', () => {
    expect(ids).toHaveLength(LIMIT);
    expect(report.systems.map((s: { key: string }) => s.key)).toEqual(['baseline', 'gold', 'perturbed']);
    const table = (key: string) =>
      Object.fromEntries(
        report.systems
          .find((s: { key: string }) => s.key === key)
          .table.map((t: { mode: string; metrics: Record<string, number | null> }) => [t.mode, t.metrics]),
      );
    // the gold replay is perfect where a metric is defined
    const gold = table('gold');
    for (const m of ['rouge1', 'rouge2', 'rougeL', 'bleu']) {
      expect(gold.summary[m]).toBeCloseTo(100, 9);
      expect(gold.joint[m]).toBeCloseTo(100, 9);
    }
    for (const m of ['nerF1', 'accuracy']) {
      expect(gold.mner[m]).toBeCloseTo(100, 9);
      expect(gold.joint[m]).toBeCloseTo(100, 9);
    }
    // the perturbed replay, as counted by hand
    const want = expectedPerturbed();
    const bad = table('perturbed');
    for (const mode of ['mner', 'joint']) {
      expect(bad[mode].nerF1).toBeCloseTo(want.nerF1, 9);
      expect(bad[mode].accuracy).toBeCloseTo(want.accuracy, 9);
    }
    for (const mode of ['summary', 'joint']) expect(bad[mode].rouge1).toBeCloseTo(want.rouge1, 9);
    expect(bad.summary.nerF1).toBeNull();
    expect(bad.mner.rouge1).toBeNull();
  });

  it('gives each model its MRE deltas, with Holm-adjusted p-values beside the raw ones', () => {
    for (const s of report.systems) {
      expect(s.pairedSamples).toBe(LIMIT);
      // every column of the paper's table, in its order
      expect(s.deltas.map((d: { metric: string }) => d.metric)).toEqual([...METRICS]);
      for (const d of s.deltas) expect(d.pHolm).toBeGreaterThanOrEqual(d.pValue);
    }
    // a replay answers the same in every mode: joint − single is 0, p = 1
    for (const key of ['gold', 'perturbed'])
      for (const d of report.systems.find((s: { key: string }) => s.key === key).deltas) {
        expect(d.delta).toBeCloseTo(0, 9);
        expect(d.pValue).toBe(1);
      }
  });

  it('compares every pair of models per mode and metric; gold − perturbed equals the hand count', () => {
    const pairs = [...new Set(report.comparisons.map((c: { a: string; b: string }) => `${c.a}|${c.b}`))];
    expect(pairs).toEqual(['baseline|gold', 'baseline|perturbed', 'gold|perturbed']);
    expect(report.coverage).toEqual([]);
    const want = expectedPerturbed();
    const get = (mode: string, metric: string) =>
      report.comparisons.find(
        (c: { a: string; b: string; mode: string; metric: string }) =>
          c.a === 'gold' && c.b === 'perturbed' && c.mode === mode && c.metric === metric,
      );
    for (const mode of ['mner', 'joint']) {
      const ner = get(mode, 'nerF1');
      expect(ner.n).toBe(LIMIT);
      expect(ner.delta).toBeCloseTo(100 - want.nerF1, 9);
      expect(ner.low).toBeLessThanOrEqual(ner.delta);
      expect(ner.high).toBeGreaterThanOrEqual(ner.delta);
      expect(ner.pValue).toBeLessThan(0.05); // every sample loses an entity and gains a wrong one
      expect(ner.pHolm).toBeGreaterThanOrEqual(ner.pValue);
      expect(get(mode, 'accuracy').delta).toBeCloseTo(100 - want.accuracy, 9);
    }
    expect(get('summary', 'rouge1').delta).toBeCloseTo(100 - want.rouge1, 9);
    // Holm within one (pair, mode) table: the family is that table's metrics
    const table = report.comparisons.filter(
      (c: { a: string; b: string; mode: string }) => c.a === 'gold' && c.b === 'perturbed' && c.mode === 'joint',
    );
    const ps = table.map((c: { pValue: number }) => c.pValue).sort((x: number, y: number) => x - y);
    const smallest = table.find((c: { pValue: number }) => c.pValue === ps[0]);
    expect(smallest.pHolm).toBeCloseTo(Math.min(1, ps[0] * table.length), 12);
  });
});
