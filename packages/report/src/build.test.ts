import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAnswer } from '@mmre/core';
import { rougeScores } from '@mmre/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureRow, FixtureSample } from './__fixtures__/fixtures.js';
import { makeSamples, promptfooJson, threeModeRows, writeJson } from './__fixtures__/fixtures.js';
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
    expect(loaded.warnings.join('\n')).toMatch(/x\.json: results\.results\[1\]\.vars\.gold.*not valid JSON/);
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
    const mner = report.table.find((t) => t.mode === 'mner');
    expect(mner?.metrics.nerF1).toBeCloseTo(((2 * P * R) / (P + R)) * 100, 10);
    // Macro: sample a has F1 2·0.5·(1/|gold|)/(0.5+1/|gold|), sample b has 0.
    const ra = 1 / aGoldEnts.length;
    expect(mner?.extra.nerMacroF1).toBeCloseTo(((2 * 0.5 * ra) / (0.5 + ra) / 2) * 100, 10);
    // Accuracy: sample a all pairs right, sample b none.
    const goldPairs = a.gold.pairs.length + b.gold.pairs.length;
    expect(mner?.metrics.accuracy).toBeCloseTo((a.gold.pairs.length / goldPairs) * 100, 10);
    expect(mner?.metrics.rouge1).toBeNull();
    expect(mner?.metrics.bleu).toBeNull();
    expect(report.deltas).toEqual([]);
  });

  it('gives 100 for a perfect joint answer and 0 for an empty single answer, with the CI pinned there', () => {
    const rows: FixtureRow[] = samples.slice(0, 8).flatMap((s) => [
      { sample: s, mode: 'joint' as const, output: formatAnswer(s.gold, 'joint') },
      { sample: s, mode: 'summary' as const, output: 'Task 1 Answer: zzz qqq' },
      { sample: s, mode: 'mner' as const, output: 'Task 2 Answer: NER: image-entity pair: {}' },
    ]);
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    const joint = report.table.find((t) => t.mode === 'joint');
    for (const m of ['rouge1', 'rouge2', 'rougeL', 'bleu', 'nerF1', 'accuracy'] as const)
      expect(joint?.metrics[m]).toBeCloseTo(100, 8);
    const nerDelta = report.deltas.find((d) => d.metric === 'nerF1');
    expect(nerDelta).toMatchObject({ single: 'mner', singleValue: 0, n: 8 });
    expect(nerDelta?.delta).toBeCloseTo(100, 8);
    expect(nerDelta?.low).toBeCloseTo(100, 8);
    expect(nerDelta?.high).toBeCloseTo(100, 8);
    // Only the identity and the all-swap relabelling reach |d| = 100: p ≈ 2/2^8.
    expect(nerDelta?.pValue).toBeLessThan(0.05);
    expect(report.table.find((t) => t.mode === 'summary')?.compliance.all).toBe(1);
  });

  it('has delta 0, a zero-width CI and p = 1 when joint and single answer the same', () => {
    const rows: FixtureRow[] = samples.slice(0, 10).flatMap((s) => [
      { sample: s, mode: 'joint' as const, output: formatAnswer({ ...s.gold, summary: 'the crowd' }, 'joint') },
      { sample: s, mode: 'summary' as const, output: 'Task 1 Answer: the crowd' },
    ]);
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    for (const d of report.deltas) {
      expect(d.delta).toBe(0);
      expect([d.low, d.high]).toEqual([0, 0]);
      expect(d.pValue).toBe(1);
    }
    expect(report.deltas.map((d) => d.metric)).toEqual(['rouge1', 'rouge2', 'rougeL', 'bleu']);
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
    expect(report.table.find((t) => t.mode === 'summary')?.metrics.rouge1).toBeCloseTo(expected * 100, 10);
  });

  it('deltas: joint − single of the table values, CI around the delta, deterministic per seed', () => {
    const loaded = parseResultsJson(promptfooJson(threeModeRows(samples)), 'f.json');
    const r1 = buildReport(loaded, FAST);
    const r2 = buildReport(loaded, FAST);
    const r3 = buildReport(loaded, { ...FAST, seed: 2 });
    expect(r1.deltas).toEqual(r2.deltas);
    expect(r1.deltas.map((d) => d.low)).not.toEqual(r3.deltas.map((d) => d.low));
    expect(r1.deltas).toHaveLength(6);
    const joint = r1.table.find((t) => t.mode === 'joint');
    for (const d of r1.deltas) {
      const single = r1.table.find((t) => t.mode === d.single);
      expect(d.jointValue).toBeCloseTo(joint?.metrics[d.metric] as number, 10);
      expect(d.singleValue).toBeCloseTo(single?.metrics[d.metric] as number, 10);
      expect(d.delta).toBeCloseTo((d.jointValue as number) - (d.singleValue as number), 10);
      expect(d.low as number).toBeLessThanOrEqual(d.delta as number);
      expect(d.high as number).toBeGreaterThanOrEqual(d.delta as number);
      expect(d.pValue as number).toBeGreaterThan(0);
      expect(d.pValue as number).toBeLessThanOrEqual(1);
    }
    // The fixture's joint mode keeps 80 % of gold items vs 50 %: NER gains clearly.
    expect(r1.deltas.find((d) => d.metric === 'nerF1')?.delta).toBeGreaterThan(0);
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
    expect(merged.table).toEqual(whole.table);
    expect(merged.deltas).toEqual(whole.deltas);
    expect(merged.warnings).toEqual([]);
    expect(merged.runs).toHaveLength(4);

    const partial = buildReport(await loadResults([files[0] as string, files[2] as string, files[3] as string]), FAST);
    expect(partial.pairedSamples).toBe(10);
    expect(partial.warnings.join('\n')).toMatch(/10 of 24 samples have an answer in every mode/);
    // each mode's table is over all its answered rows; the deltas over the 10 paired samples
    expect(partial.table.find((t) => t.mode === 'summary')?.metrics).toEqual(
      whole.table.find((t) => t.mode === 'summary')?.metrics,
    );
    expect(partial.deltas.every((d) => d.n <= 10)).toBe(true);
    // the file order changes nothing
    const reordered = buildReport(
      await loadResults([files[3] as string, files[0] as string, files[2] as string]),
      FAST,
    );
    expect(reordered.table).toEqual(partial.table);
    expect(reordered.deltas).toEqual(partial.deltas);
  });

  it('counts errors and cache hits: an errored call is not scored and its sample leaves the paired set', () => {
    const rows = threeModeRows(samples.slice(0, 6));
    const errRow = rows.findIndex((r) => r.mode === 'mner');
    rows[errRow] = { ...(rows[errRow] as FixtureRow), output: undefined, error: 'HTTP 500' };
    for (const r of rows) if (r.mode === 'joint') r.cached = true;
    rows.push({ ...(rows[0] as FixtureRow) });
    const report = buildReport(parseResultsJson(promptfooJson(rows), 'f.json'), FAST);
    const mner = report.table.find((t) => t.mode === 'mner');
    expect(mner?.counts).toMatchObject({ rows: 6, scored: 5, errors: 1, paired: 5, cached: 0 });
    expect(mner?.values.nerF1).not.toBeNull();
    expect(report.table.find((t) => t.mode === 'joint')?.counts).toMatchObject({ scored: 6, paired: 5, cached: 6 });
    expect(report.pairedSamples).toBe(5);
    const s = report.samples.find((x) => x.id === rows[errRow]?.sample.id);
    expect(s?.modes.mner).toMatchObject({ error: 'HTTP 500', ner: null, compliant: false });
    expect(s?.deltas.nerF1).toBeNull();
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
    expect(a.table.find((t) => t.mode === 'mner')?.counts).toMatchObject({ scored: 6, errors: 0 });
    expect(b.table).toEqual(a.table);
    expect(b.deltas).toEqual(a.deltas);
  });

  it('refuses to pair two providers in one mode unless told which, then uses the chosen one', () => {
    const rows = threeModeRows(samples.slice(0, 4));
    const other = threeModeRows(samples.slice(0, 4)).map((r) => ({
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
    expect(() => buildReport(loaded, FAST)).toThrow(/mode joint .*2 providers \(fixture, other\).*--provider/);
    const report = buildReport(loaded, { ...FAST, providers: ['other'] });
    expect(report.table[0]?.provider).toMatchObject({
      key: 'other',
      model: 'x',
      settings: { temperature: 0.7, top_p: 0.9 },
    });
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
    const joint = report.table.find((t) => t.mode === 'joint');
    expect(rowsMd[2]).toContain(Number(joint?.metrics.bleu).toFixed(2));
    expect(md).toMatch(/temperature=0, max_tokens=512, maxPixels=802816/);
    expect(md).toMatch(/\| NER F1 \| [\d.]+ \| [\d.]+ \| [+-][\d.]+ \| \[[+-][\d.]+, [+-][\d.]+\] \| [\d.]+ \| 24 \|/);
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
