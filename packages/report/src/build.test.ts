import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAnswer } from '@mmre/core';
import { rougeScores } from '@mmre/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureRow, FixtureSample } from './__fixtures__/fixtures.js';
import { makeSamples, promptfooJson, threeModeRows, writeJson } from './__fixtures__/fixtures.js';
import type { Report, SampleReport, SystemReport } from './build.js';
import { buildReport } from './build.js';
import { loadResults, mergeResults, parseResultsJson } from './load.js';
import { renderJson, renderMarkdown } from './markdown.js';

let dir: string;
let samples: FixtureSample[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-report-'));
  samples = await makeSamples(dir, 24);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FAST = { bootstrap: 400, seed: 1 };

/** The report's one model. */
const one = (r: Report): SystemReport => {
  expect(r.systems).toHaveLength(1);
  return r.systems[0] as SystemReport;
};
/** A sample's answers of the report's one model. */
const only = (s: SampleReport | undefined) => (s ? Object.values(s.systems)[0] : undefined);

describe('loadResults', () => {
  it('reads rows, modes and provider settings without secrets', async () => {
    const file = await writeJson(join(dir, 'all.json'), promptfooJson(threeModeRows(samples)));
    const loaded = await loadResults([file]);
    expect(loaded.rows).toHaveLength(72);
    expect(new Set(loaded.rows.map((r) => r.mode))).toEqual(new Set(['joint', 'summary', 'mner']));
    const p = loaded.runs[0]?.providers[0];
    expect(p?.settings).toEqual({ temperature: 0, max_tokens: 512, maxPixels: 802816 });
    expect(JSON.stringify(loaded)).not.toContain('sk-secret');
    expect(p?.model).toBe('fixture-model');
    expect(loaded.runs[0]?.promptfooVersion).toBe('0.123.1');
  });

  it('skips bad rows with a warning naming file, row and field, and keeps the rest', () => {
    const json = promptfooJson(threeModeRows(samples.slice(0, 2))) as {
      results: { results: { vars: Record<string, unknown>; prompt: { raw: string } }[] };
    };
    const rows = json.results.results;
    (rows[1] as { vars: Record<string, unknown> }).vars = { ...rows[1]?.vars, gold: '{not json' };
    // the mode is data (the PFA prompts record it): a row without it is skipped, the prompt text is never searched
    (rows[2] as { prompt: unknown }).prompt = { raw: 'Task 1 Answer: Task 2 Answer:', label: 'mine', config: {} };
    const loaded = parseResultsJson(json, 'x.json');
    expect(loaded.rows).toHaveLength(4);
    expect(loaded.warnings.join('\n')).toMatch(/x\.json: results\.results\[1\]: vars\.gold: .*not valid JSON/);
    expect(loaded.warnings.join('\n')).toMatch(/results\.results\[2\]: the row does not say its mode/);
  });

  it('takes the mode from the prompt config, else vars.mode, else a prompt label that names a mode', () => {
    const json = promptfooJson(threeModeRows(samples.slice(0, 2))) as {
      results: { results: { prompt: { raw: string; label: string; config: object }; vars: Record<string, unknown> }[] };
    };
    json.results.results.forEach((r, i) => {
      const mode = (r.prompt.config as { mmre: { mode: string } }).mmre.mode;
      r.prompt.raw = '[prompt stripped]';
      r.prompt.config = {};
      if (i % 2 === 0) r.prompt.label = mode;
      else r.vars = { ...r.vars, mode };
    });
    const loaded = parseResultsJson(json, 'x.json');
    expect(loaded.warnings).toEqual([]);
    expect(loaded.rows.map((r) => r.mode)).toEqual(['joint', 'summary', 'mner', 'joint', 'summary', 'mner']);
  });

  it('rejects a file that is not promptfoo output, naming it and the fix', () => {
    expect(() => parseResultsJson({ foo: 1 }, 'bad.json')).toThrow(
      /bad\.json: not a promptfoo results file.*promptfoo eval -o/,
    );
  });
});

describe('buildReport', () => {
  it('recomputes the corpus numbers by hand-checkable definitions', () => {
    const [a, b] = samples as [FixtureSample, FixtureSample];
    // Sample a: gold person+org (+maybe location); predicted: person right, org wrong → tp 1.
    const aGoldEnts = a.gold.entities;
    const aPred = formatAnswer(
      {
        summary: a.gold.summary,
        entities: [aGoldEnts[0] as { label: string; text: string }, { label: 'organization', text: 'Wrong Org' }],
        pairs: a.gold.pairs,
      },
      'mner',
    );
    const bPred = formatAnswer({ summary: '', entities: [], pairs: [] }, 'mner');
    const rows: FixtureRow[] = [
      { sample: a, mode: 'mner', output: aPred },
      { sample: b, mode: 'mner', output: bPred },
    ];
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    const tp = 1;
    const fp = 1;
    const fn = aGoldEnts.length - 1 + b.gold.entities.length;
    const P = tp / (tp + fp);
    const R = tp / (tp + fn);
    const mner = one(report).table.find((t) => t.mode === 'mner');
    expect(mner?.metrics.nerF1).toBeCloseTo(((2 * P * R) / (P + R)) * 100, 10);
    // Macro: sample a has F1 2·0.5·(1/|gold|)/(0.5+1/|gold|), sample b has 0.
    const ra = 1 / aGoldEnts.length;
    expect(mner?.extra.nerMacroF1).toBeCloseTo(((2 * 0.5 * ra) / (0.5 + ra) / 2) * 100, 10);
    // Accuracy: sample a all pairs right, sample b none.
    const goldPairs = a.gold.pairs.length + b.gold.pairs.length;
    expect(mner?.metrics.accuracy).toBeCloseTo((a.gold.pairs.length / goldPairs) * 100, 10);
    expect(mner?.metrics.rouge1).toBeNull();
    expect(mner?.metrics.bleu).toBeNull();
    expect(one(report).deltas).toEqual([]);
  });

  it('gives 100 for a perfect joint answer and 0 for an empty single answer, with the CI pinned there', () => {
    const rows: FixtureRow[] = samples.slice(0, 8).flatMap((s) => [
      { sample: s, mode: 'joint' as const, output: formatAnswer(s.gold, 'joint') },
      { sample: s, mode: 'summary' as const, output: 'Task 1 Answer: zzz qqq' },
      { sample: s, mode: 'mner' as const, output: 'Task 2 Answer: NER: image-entity pair: {}' },
    ]);
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    const joint = one(report).table.find((t) => t.mode === 'joint');
    for (const m of ['rouge1', 'rouge2', 'rougeL', 'bleu', 'nerF1', 'accuracy'] as const)
      expect(joint?.metrics[m]).toBeCloseTo(100, 8);
    const nerDelta = one(report).deltas.find((d) => d.metric === 'nerF1');
    expect(nerDelta).toMatchObject({ single: 'mner', singleValue: 0, n: 8 });
    expect(nerDelta?.delta).toBeCloseTo(100, 8);
    expect(nerDelta?.low).toBeCloseTo(100, 8);
    expect(nerDelta?.high).toBeCloseTo(100, 8);
    // Only the identity and the all-swap relabelling reach |d| = 100: p ≈ 2/2^8.
    expect(nerDelta?.pValue).toBeLessThan(0.05);
    expect(one(report).table.find((t) => t.mode === 'summary')?.compliance.all).toBe(1);
  });

  it('has delta 0, a zero-width CI and p = 1 when joint and single answer the same', () => {
    const rows: FixtureRow[] = samples.slice(0, 10).flatMap((s) => [
      { sample: s, mode: 'joint' as const, output: formatAnswer({ ...s.gold, summary: 'the crowd' }, 'joint') },
      { sample: s, mode: 'summary' as const, output: 'Task 1 Answer: the crowd' },
    ]);
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    for (const d of one(report).deltas) {
      expect(d.delta).toBe(0);
      expect([d.low, d.high]).toEqual([0, 0]);
      expect(d.pValue).toBe(1);
    }
    expect(one(report).deltas.map((d) => d.metric)).toEqual(['rouge1', 'rouge2', 'rougeL', 'bleu']);
  });

  it('table ROUGE is the mean per-sample F ×100, recomputed from outputs (not from named scores)', () => {
    const rows = threeModeRows(samples);
    const json = promptfooJson(rows) as { results: { results: { namedScores: Record<string, number> }[] } };
    for (const r of json.results.results) r.namedScores = { rouge1: 0.999 };
    const report = buildReport(parseResultsJson(json, 'f.json'), FAST);
    const expected =
      samples.reduce((acc, s) => {
        const out = rows.find((r) => r.sample === s && r.mode === 'summary')?.output ?? '';
        const pred = out.replace(/^Task 1 Answer:\s*/, '');
        return acc + rougeScores(pred, s.gold.summary ?? '', { stemmer: false }).rouge1.fmeasure;
      }, 0) / samples.length;
    expect(one(report).table.find((t) => t.mode === 'summary')?.metrics.rouge1).toBeCloseTo(expected * 100, 10);
  });

  it('deltas: joint − single of the table values, CI around the delta, deterministic per seed', () => {
    const loaded = parseResultsJson(promptfooJson(threeModeRows(samples)), 'f.json');
    const r1 = buildReport(loaded, FAST);
    const r2 = buildReport(loaded, FAST);
    const r3 = buildReport(loaded, { ...FAST, seed: 2 });
    expect(one(r1).deltas).toEqual(one(r2).deltas);
    expect(one(r1).deltas.map((d) => d.low)).not.toEqual(one(r3).deltas.map((d) => d.low));
    expect(one(r1).deltas).toHaveLength(6);
    const joint = one(r1).table.find((t) => t.mode === 'joint');
    for (const d of one(r1).deltas) {
      const single = one(r1).table.find((t) => t.mode === d.single);
      expect(d.jointValue).toBeCloseTo(joint?.metrics[d.metric] as number, 10);
      expect(d.singleValue).toBeCloseTo(single?.metrics[d.metric] as number, 10);
      expect(d.delta).toBeCloseTo((d.jointValue as number) - (d.singleValue as number), 10);
      expect(d.low as number).toBeLessThanOrEqual(d.delta as number);
      expect(d.high as number).toBeGreaterThanOrEqual(d.delta as number);
      expect(d.pValue as number).toBeGreaterThan(0);
      expect(d.pValue as number).toBeLessThanOrEqual(1);
    }
    // The fixture's joint mode keeps 80 % of gold items vs 50 %: NER gains clearly.
    expect(one(r1).deltas.find((d) => d.metric === 'nerF1')?.delta).toBeGreaterThan(0);
  });

  it('pairs by id across separate per-mode files and shards; warns and uses the intersection when sets differ', async () => {
    const rows = threeModeRows(samples);
    const whole = buildReport(parseResultsJson(promptfooJson(rows), 'all.json'), FAST);
    const files = await Promise.all([
      writeJson(join(dir, 'joint-1.json'), promptfooJson(rows.filter((r) => r.mode === 'joint').slice(0, 10))),
      writeJson(join(dir, 'joint-2.json'), promptfooJson(rows.filter((r) => r.mode === 'joint').slice(10))),
      writeJson(join(dir, 'summary.json'), promptfooJson(rows.filter((r) => r.mode === 'summary').reverse())),
      writeJson(join(dir, 'mner.json'), promptfooJson(rows.filter((r) => r.mode === 'mner'))),
    ]);
    const merged = buildReport(await loadResults(files), FAST);
    expect(one(merged).table).toEqual(one(whole).table);
    expect(one(merged).deltas).toEqual(one(whole).deltas);
    expect(merged.warnings).toEqual([]);
    expect(merged.runs).toHaveLength(4);

    const partial = buildReport(await loadResults([files[0] as string, files[2] as string, files[3] as string]), FAST);
    expect(one(partial).pairedSamples).toBe(10);
    expect(partial.warnings.join('\n')).toMatch(/10 of 24 samples have an answer in every mode/);
    // each mode's table is over all its answered rows; the deltas over the 10 paired samples
    expect(one(partial).table.find((t) => t.mode === 'summary')?.metrics).toEqual(
      one(whole).table.find((t) => t.mode === 'summary')?.metrics,
    );
    expect(one(partial).deltas.every((d) => d.n <= 10)).toBe(true);
    // the file order changes nothing
    const reordered = buildReport(
      await loadResults([files[3] as string, files[0] as string, files[2] as string]),
      FAST,
    );
    expect(one(reordered).table).toEqual(one(partial).table);
    expect(one(reordered).deltas).toEqual(one(partial).deltas);
  });

  it('counts errors and cache hits: an errored call is not scored and its sample leaves the paired set', () => {
    const rows = threeModeRows(samples.slice(0, 6));
    const errRow = rows.findIndex((r) => r.mode === 'mner');
    rows[errRow] = { ...(rows[errRow] as FixtureRow), output: undefined, error: 'HTTP 500' };
    for (const r of rows) if (r.mode === 'joint') r.cached = true;
    rows.push({ ...(rows[0] as FixtureRow) });
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    const mner = one(report).table.find((t) => t.mode === 'mner');
    expect(mner?.counts).toMatchObject({ rows: 6, scored: 5, errors: 1, paired: 5, cached: 0 });
    expect(mner?.values.nerF1).not.toBeNull();
    expect(one(report).table.find((t) => t.mode === 'joint')?.counts).toMatchObject({
      scored: 6,
      paired: 5,
      cached: 6,
    });
    expect(one(report).pairedSamples).toBe(5);
    const s = report.samples.find((x) => x.id === rows[errRow]?.sample.id);
    expect(only(s)?.modes.mner).toMatchObject({ error: 'HTTP 500', ner: null, compliant: false });
    expect(only(s)?.deltas.nerF1).toBeNull();
    expect(report.warnings.join('\n')).toMatch(/1 repeated result row/);
    // an answer is preferred over an error for the same sample and mode, whichever file comes first
    const retry = promptfooJson([
      { ...(rows[errRow] as FixtureRow), error: undefined, output: 'Task 2 Answer: NER: image-entity pair: {}' },
    ]);
    const a = buildReport(
      mergeResults([parseResultsJson(promptfooJson(rows), 'a.json'), parseResultsJson(retry, 'b.json')]),
      FAST,
    );
    const b = buildReport(
      mergeResults([parseResultsJson(retry, 'b.json'), parseResultsJson(promptfooJson(rows), 'a.json')]),
      FAST,
    );
    expect(one(a).table.find((t) => t.mode === 'mner')?.counts).toMatchObject({ scored: 6, errors: 0 });
    expect(one(b).table).toEqual(one(a).table);
    expect(one(b).deltas).toEqual(one(a).deltas);
  });

  it('reports two providers of one eval as two models, with model-against-model deltas; --provider narrows to one', () => {
    const rows = threeModeRows(samples.slice(0, 8));
    const other = threeModeRows(samples.slice(0, 8), { summary: 0.2, mner: 0.2, joint: 0.3 }).map((r) => ({
      ...r,
      provider: { id: 'openai:chat:x', label: 'other' },
    }));
    const json = promptfooJson([...rows, ...other], {
      providers: [
        { id: 'file://provider.mjs', label: 'fixture', config: { temperature: 0 } },
        { id: 'openai:chat:x', label: 'other', config: { temperature: 0.7, top_p: 0.9 } },
      ],
    });
    const loaded = parseResultsJson(json, 'f.json');
    const both = buildReport(loaded, FAST);
    expect(both.systems.map((x) => x.key)).toEqual(['fixture', 'other']);
    // each model's table is the report of that model alone
    const alone = buildReport(loaded, { ...FAST, providers: ['other'] });
    expect(one(alone).table[0]?.provider).toMatchObject({
      key: 'other',
      model: 'x',
      settings: { temperature: 0.7, top_p: 0.9 },
    });
    expect(both.systems[1]?.table).toEqual(one(alone).table);
    expect(both.systems[1]?.deltas).toEqual(one(alone).deltas);
    // model against model: every mode, its metrics, a − b of the two tables' values on the 8 shared samples
    expect(both.comparisons.map((c) => `${c.mode}/${c.metric}`)).toEqual([
      'summary/rouge1',
      'summary/rouge2',
      'summary/rougeL',
      'summary/bleu',
      'mner/nerF1',
      'mner/accuracy',
      'joint/rouge1',
      'joint/rouge2',
      'joint/rougeL',
      'joint/bleu',
      'joint/nerF1',
      'joint/accuracy',
    ]);
    for (const c of both.comparisons) {
      expect([c.a, c.b, c.n]).toEqual(['fixture', 'other', 8]);
      const va = both.systems[0]?.table.find((t) => t.mode === c.mode)?.metrics[c.metric] as number;
      const vb = both.systems[1]?.table.find((t) => t.mode === c.mode)?.metrics[c.metric] as number;
      expect(c.aValue).toBeCloseTo(va, 10);
      expect(c.bValue).toBeCloseTo(vb, 10);
      expect(c.delta).toBeCloseTo(va - vb, 10);
      expect(c.pHolm as number).toBeGreaterThanOrEqual(c.pValue as number);
    }
    expect(both.coverage).toEqual([]);
    // the skilled model wins NER clearly
    expect(both.comparisons.find((c) => c.mode === 'joint' && c.metric === 'nerF1')?.delta).toBeGreaterThan(0);
    const md = renderMarkdown(both);
    expect(md).toContain('## Model `fixture`');
    expect(md).toContain('## Model `other`');
    expect(md).toContain('### `fixture` − `other`');
  });

  it('pairs models on the samples both answered and says which are missing', () => {
    const rows = threeModeRows(samples.slice(0, 10));
    const other = threeModeRows(samples.slice(3, 12)).map((r) => ({ ...r, provider: { id: 'y', label: 'other' } }));
    const report = buildReport(parseResultsJson(promptfooJson([...rows, ...other]), 'f.json'), FAST);
    expect(report.coverage).toContainEqual({
      a: 'fixture',
      b: 'other',
      mode: 'joint',
      both: 7,
      onlyA: 3,
      onlyB: 2,
      examplesA: samples.slice(0, 3).map((x) => x.id),
      examplesB: samples.slice(10, 12).map((x) => x.id),
    });
    expect(report.comparisons.every((c) => c.n <= 7)).toBe(true);
    expect(report.warnings.join('\n')).toMatch(
      /fixture and other answered different samples in M-MRE \(joint\): 7 by both, 3 by fixture only/,
    );
  });

  it('one checkpoint per mode (vllm-per-mode.yaml) is one model with a provider per mode', () => {
    const rows = threeModeRows(samples.slice(0, 6)).map((r) => ({
      ...r,
      provider: { id: 'package:x', label: `${r.mode}-ckpt` },
    }));
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    expect(report.systems).toHaveLength(1);
    expect(one(report)).toMatchObject({
      key: 'summary-ckpt + mner-ckpt + joint-ckpt',
      members: { summary: 'summary-ckpt', mner: 'mner-ckpt', joint: 'joint-ckpt' },
      pairedSamples: 6,
    });
    expect(one(report).table.map((t) => t.provider?.key)).toEqual(['summary-ckpt', 'mner-ckpt', 'joint-ckpt']);
    expect(one(report).deltas).toHaveLength(6);
    expect(report.comparisons).toEqual([]);
  });

  it('never merges rows of one label that disagree on the model or its settings: separate models, named, with a warning', async () => {
    const rows = threeModeRows(samples.slice(0, 12));
    const half = (model: string, temperature: number, part: FixtureRow[]) =>
      promptfooJson(part, {
        providers: [
          {
            id: 'file://provider.mjs',
            label: 'fixture',
            config: { model, temperature, baseUrl: `http://${model}:8000` },
          },
        ],
      });
    const files = await Promise.all([
      writeJson(join(dir, 'half-3b.json'), half('Qwen2.5-VL-3B', 0, rows.slice(0, 18))),
      writeJson(join(dir, 'half-72b.json'), half('Qwen2.5-VL-72B', 0, rows.slice(18))),
    ]);
    const report = buildReport(await loadResults(files), FAST);
    expect(report.systems.map((x) => x.key)).toEqual([
      'fixture [model=Qwen2.5-VL-3B]',
      'fixture [model=Qwen2.5-VL-72B]',
    ]);
    expect(report.warnings.join('\n')).toMatch(
      /provider "fixture" has rows that disagree on model: «fixture \[model=Qwen2\.5-VL-3B\]» in .*half-3b\.json; «fixture \[model=Qwen2\.5-VL-72B\]» in .*half-72b\.json/,
    );
    // the same model and settings on two machines (another base URL) is one model
    const same = await Promise.all([
      writeJson(join(dir, 'shard-a.json'), half('Qwen2.5-VL-7B', 0, rows.slice(0, 18))),
      writeJson(join(dir, 'shard-b.json'), half('Qwen2.5-VL-7B', 0, rows.slice(18))),
    ]);
    expect(buildReport(await loadResults(same), FAST).systems.map((x) => x.key)).toEqual(['fixture']);
    // a decoding setting that differs splits too, named by that setting
    const hot = await writeJson(join(dir, 'shard-hot.json'), half('Qwen2.5-VL-7B', 0.7, rows.slice(18)));
    const split = buildReport(await loadResults([same[0] as string, hot]), FAST);
    expect(split.systems.map((x) => x.key).sort()).toEqual(['fixture [temperature=0.7]', 'fixture [temperature=0]']);
  });

  it('gives the same report, byte for byte, whatever the order of the files (an older errored shard included)', async () => {
    const rows = threeModeRows(samples);
    // s0.json: an older shard of the first 10 samples whose calls all errored
    const old = rows.slice(0, 30).map((r) => ({ ...r, output: undefined, error: 'HTTP 503 loading model' }));
    // a.json: the whole rerun; c.json: a shard with one conflicting answer
    const conflict = [{ ...(rows[40] as FixtureRow), output: 'Task 1 Answer: something else' }];
    const files = await Promise.all([
      writeJson(join(dir, 'order-s0.json'), promptfooJson(old)),
      writeJson(join(dir, 'order-a.json'), promptfooJson(rows)),
      writeJson(join(dir, 'order-c.json'), promptfooJson(conflict)),
    ]);
    const [s0, a, c] = files as [string, string, string];
    const outputs = new Set<string>();
    for (const order of [
      [s0, a, c],
      [a, s0, c],
      [c, a, s0],
      [a, c, s0],
    ]) {
      const r = buildReport(await loadResults(order), FAST);
      outputs.add(renderJson(r));
      outputs.add(renderMarkdown(r));
    }
    expect(outputs.size).toBe(2);
    const r = buildReport(await loadResults([s0, a, c]), FAST);
    // the answers replace the errors; the conflicting answer is named with its files
    expect(one(r).table.every((t) => t.counts.errors === 0 && t.counts.scored === samples.length)).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/30 errored row\(s\) replaced by an answer/);
    expect(r.warnings.join('\n')).toMatch(
      /1 sample\(s\) have different answers .*order-a\.json\[40\] vs .*order-c\.json\[0\]/,
    );
  });

  it('shows a mode with no answer as "no answer", not 0.00, and says why', () => {
    const rows = threeModeRows(samples.slice(0, 5)).map((r) =>
      r.mode === 'mner' ? { ...r, output: undefined, error: 'HTTP 500' } : r,
    );
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    const mner = one(report).table.find((t) => t.mode === 'mner');
    expect(mner?.answered).toBe(false);
    expect(Object.values(mner?.metrics ?? {}).every((v) => v === null)).toBe(true);
    const md = renderMarkdown(report);
    expect(md).toMatch(
      /\| Single MNER \| no answer \| no answer \| no answer \| no answer \| no answer \| no answer \|/,
    );
    expect(md).not.toMatch(/\| Single MNER \|[^\n]*0\.00/);
    expect(report.warnings.join('\n')).toMatch(/Single MNER: none of its 5 rows has an answer/);
  });

  it('an error that says "see the warnings" carries them', () => {
    const json = promptfooJson(threeModeRows(samples.slice(0, 2))) as { results: { results: { vars: unknown }[] } };
    for (const r of json.results.results) r.vars = { id: 'x' };
    const loaded = parseResultsJson(json, 'bad.json');
    expect(() => buildReport(loaded, FAST)).toThrow(
      /no usable M-MRE result row; the rows were skipped for these reasons \(6 in all\):\n {2}bad\.json: results\.results\[0\]/,
    );
  });

  it('renders markdown with the paper table, n/a cells, deltas and settings; JSON round-trips', () => {
    const report = buildReport(parseResultsJson(promptfooJson(threeModeRows(samples)), 'f.json'), FAST);
    const md = renderMarkdown(report);
    expect(md).toMatch(/\| Mode \| ROUGE-1 \| ROUGE-2 \| ROUGE-L \| BLEU \| NER F1 \| Image–Entity Accuracy \|/);
    const rowsMd = (md.split('### Mutual')[0] as string)
      .split('\n')
      .filter((l) => /^\| (Single TS|Single MNER|M-MRE \(joint\)) \| [\dn]/.test(l));
    expect(rowsMd.map((l) => l.split(' | ')[0])).toEqual(['| Single TS', '| Single MNER', '| M-MRE (joint)']);
    expect(rowsMd[0]?.match(/n\/a/g)).toHaveLength(2);
    expect(rowsMd[1]?.match(/n\/a/g)).toHaveLength(4);
    const joint = one(report).table.find((t) => t.mode === 'joint');
    expect(rowsMd[2]).toContain(Number(joint?.metrics.bleu).toFixed(2));
    expect(md).toMatch(/temperature=0, max_tokens=512, maxPixels=802816/);
    expect(md).toMatch(
      /\| NER F1 \| [\d.]+ \| [\d.]+ \| [+-][\d.]+ \| \[[+-][\d.]+, [+-][\d.]+\] \| [\d.]+ \| [\d.]+ \| 24 \|/,
    );
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
