import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Mode, modeTasks, parseAnswer } from '@mmre/core';
import {
  matchingStats,
  meanRouge,
  microMatching,
  microNer,
  nerStats,
  rougeScores,
  sacreCorpusBleu,
} from '@mmre/metrics';
import { SCORE } from '@mmre/scorer';
import { promptfooEval, requireDist } from '@mmre-test/promptfoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES, fixtureVars } from './__fixtures__/samples.js';
import { mmre, summary } from './assertions.js';
import { DERIVED } from './derived.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const distIndex = join(pkgDir, 'dist', 'index.js');
const distDerived = join(pkgDir, 'dist', 'derived-config.js');
const providerPath = fileURLToPath(new URL('./__fixtures__/fixed-provider.mjs', import.meta.url));
const promptsPath = fileURLToPath(new URL('./__fixtures__/prompts.mjs', import.meta.url));

interface PromptfooOutput {
  results: {
    prompts: { label: string; metrics: { namedScores: Record<string, number | null> } }[];
    results: {
      promptIdx: number;
      vars: Record<string, string>;
      namedScores: Record<string, number>;
      success: boolean;
      failureReason?: number;
      gradingResult?: { componentResults?: unknown[] };
    }[];
  };
}

describe('a real promptfoo eval (CLI) with the assertions and derived metrics', () => {
  let dir = '';
  let out: PromptfooOutput;

  beforeAll(async () => {
    requireDist(distIndex, '@mmre/assertions');
    requireDist(distDerived, '@mmre/assertions');
    dir = mkdtempSync(join(tmpdir(), 'mmre-assertions-e2e-'));
    // the config folder resolves `package:@mmre/assertions:…` like an install would
    mkdirSync(join(dir, 'node_modules', '@mmre'), { recursive: true });
    symlinkSync(pkgDir, join(dir, 'node_modules', '@mmre', 'assertions'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{"name":"e2e","private":true,"type":"module"}\n');
    const modes: Mode[] = ['joint', 'summary', 'mner'];
    const config = {
      description: 'mmre assertions e2e',
      prompts: modes.map((m) => ({ id: `file://${promptsPath}:${m}`, label: m })),
      providers: [{ id: `file://${providerPath}`, label: 'fixed' }],
      defaultTest: { assert: [{ type: 'javascript', value: 'package:@mmre/assertions:mmre' }] },
      tests: FIXTURE_SAMPLES.map((s) => ({ vars: fixtureVars(s) })),
    };
    // JSON is YAML: a plain YAML config, plus the shipped derived-metrics config
    const run = await promptfooEval({
      dir,
      config,
      configs: ['promptfooconfig.yaml', 'node_modules/@mmre/assertions/dist/derived-config.js'],
      args: ['--no-write', '-j', '2'],
      timeoutMs: 90_000,
    });
    out = run.output as PromptfooOutput;
  }, 120_000);

  afterAll(() => {
    if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every row without error, and the derived-metrics config adds no prompt', () => {
    expect(out.results.prompts.map((p) => p.label)).toEqual(['joint', 'summary', 'mner']);
    expect(out.results.results).toHaveLength(FIXTURE_SAMPLES.length * 3);
    // no row errored (failureReason 2 = ERROR); every row ran the one assertion
    for (const r of out.results.results) {
      expect(r.failureReason).not.toBe(2);
      expect(r.gradingResult?.componentResults).toHaveLength(1);
    }
    // the only failing rows are the two answers without their asked anchors (format fails)
    const failing = out.results.results
      .filter((r) => !r.success)
      .map((r) => `${out.results.prompts[r.promptIdx]?.label}:${r.vars.id}`)
      .sort();
    expect(failing).toEqual(['joint:s5', 'mner:s5']);
  });

  for (const mode of ['joint', 'summary', 'mner'] as Mode[]) {
    it(`mode ${mode}: promptfoo's derived metrics equal @mmre/metrics on the same data`, () => {
      const promptIdx = out.results.prompts.findIndex((p) => p.label === mode);
      expect(promptIdx).toBeGreaterThanOrEqual(0);
      const metrics = out.results.prompts[promptIdx]?.metrics.namedScores ?? {};
      const rows = out.results.results.filter((r) => r.promptIdx === promptIdx);
      const tasks = modeTasks(mode);
      const preds: string[] = [];
      const refs: string[] = [];
      const nerRows = [];
      const matchRows = [];
      for (const s of FIXTURE_SAMPLES) {
        const parsed = parseAnswer(s.outputs[mode], { mode });
        const row = rows.find((r) => r.vars.id === s.id);
        expect(row).toBeDefined();
        const named = row?.namedScores ?? {};
        if (tasks.task1) {
          preds.push(parsed.summary ?? '');
          refs.push(s.gold.summary as string);
          expect(named[SCORE.summaryRougeL]).toBe(
            rougeScores(parsed.summary ?? '', s.gold.summary as string).rougeL.fmeasure,
          );
        }
        if (tasks.task2) {
          const ns = nerStats(s.gold.entities, parsed.entities);
          const ms = matchingStats(s.gold.pairs, parsed.pairs);
          nerRows.push(ns);
          matchRows.push(ms);
          expect(named[SCORE.nerTp]).toBe(ns.tp);
          expect(named[SCORE.matchingCorrect]).toBe(ms.correct);
        }
        // a task the mode did not ask for has no named scores at all
        for (const k of Object.keys(named)) {
          if (!tasks.task1) expect(/^(summary|bleu)\./.test(k)).toBe(false);
          if (!tasks.task2) expect(/^(ner|matching)\./.test(k)).toBe(false);
        }
      }
      for (const k of Object.keys(metrics)) {
        if (!tasks.task1) expect(/^(summary|bleu)\./.test(k)).toBe(false);
        if (!tasks.task2) expect(/^(ner|matching)\./.test(k)).toBe(false);
      }
      // a derived metric of a task the mode did not ask for is NaN, which promptfoo writes as null
      if (!tasks.task1) expect(metrics[DERIVED.bleu]).toBeNull();
      if (!tasks.task2) expect(metrics[DERIVED.nerF1]).toBeNull();
      if (tasks.task1) {
        const direct = sacreCorpusBleu(preds, refs).score;
        expect(metrics[DERIVED.bleu]).toBe(direct);
        expect(direct).toBeGreaterThan(0);
        const rouge = meanRouge(preds.map((p, i) => rougeScores(p, refs[i] as string)));
        expect(Math.abs((metrics[DERIVED.rouge1] as number) - rouge.rouge1.fmeasure)).toBeLessThan(1e-12);
        expect(Math.abs((metrics[DERIVED.rougeL] as number) - rouge.rougeL.fmeasure)).toBeLessThan(1e-12);
        expect(metrics[SCORE.summaryN]).toBe(FIXTURE_SAMPLES.length);
      }
      if (tasks.task2) {
        const micro = microNer(nerRows);
        expect(metrics[DERIVED.nerF1]).toBe(micro.f1);
        expect(metrics[SCORE.nerTp]).toBe(micro.tp);
        const acc = microMatching(matchRows);
        expect(metrics[DERIVED.accuracy]).toBe(acc.accuracy);
        expect(metrics[DERIVED.pairPrecision]).toBe(acc.precision);
        expect(acc.accuracy).not.toBeNull();
      }
    });
  }
});

describe('a real promptfoo eval with the extension: the row is scored once, by its assertions', () => {
  let dir = '';
  let out: PromptfooOutput;

  beforeAll(async () => {
    requireDist(distIndex, '@mmre/assertions');
    dir = mkdtempSync(join(tmpdir(), 'mmre-assertions-ext-'));
    const modes: Mode[] = ['joint', 'summary', 'mner'];
    // single-task assertions with their own config, and the extension writing the row's named scores
    const config = {
      description: 'mmre extension e2e',
      prompts: modes.map((m) => ({ id: `file://${promptsPath}:${m}`, label: m })),
      providers: [{ id: `file://${providerPath}`, label: 'fixed' }],
      defaultTest: {
        assert: [
          { type: 'javascript', value: `file://${distIndex}:summary`, config: { stemmer: true, namedScores: false } },
          { type: 'javascript', value: `file://${distIndex}:ner`, config: { namedScores: false } },
        ],
      },
      extensions: [`file://${distIndex}:extension`],
      tests: FIXTURE_SAMPLES.map((s) => ({ vars: fixtureVars(s) })),
    };
    const run = await promptfooEval({ dir, config, args: ['--no-write', '-j', '2'], timeoutMs: 90_000 });
    out = run.output as PromptfooOutput;
  }, 120_000);

  afterAll(() => {
    if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it("each row's named scores are its assertions' (the summary ones with the stemmer), and none is stored twice", () => {
    expect(out.results.results).toHaveLength(FIXTURE_SAMPLES.length * 3);
    let stemmerMattered = 0;
    for (const r of out.results.results) {
      const mode = out.results.prompts[r.promptIdx]?.label as Mode;
      const s = FIXTURE_SAMPLES.find((f) => f.id === r.vars.id);
      if (!s) throw new Error(`no fixture ${r.vars.id}`);
      const vars = { ...fixtureVars(s), mode };
      const stemmed = summary(s.outputs[mode], { vars, config: { stemmer: true } }).namedScores ?? {};
      const unstemmed = summary(s.outputs[mode], { vars }).namedScores ?? {};
      const expected = { ...mmre(s.outputs[mode], { vars }).namedScores, ...stemmed };
      expect(r.namedScores).toEqual(expected);
      if (JSON.stringify(stemmed) !== JSON.stringify(unstemmed)) stemmerMattered++;
      // namedScores: false kept them out of the grading results; the carrier is not stored either
      expect(JSON.stringify(r.gradingResult)).not.toMatch(/summary\.|ner\.|rowScores/);
    }
    // the joint and summary rows of the inflected sample: the test can tell the stemmer's scores apart
    expect(stemmerMattered).toBeGreaterThanOrEqual(2);
  });
});
