import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES, fixtureVars, MODE_PROMPTS } from './__fixtures__/samples.js';
import { DERIVED, SCORE } from './names.js';

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '..', '..');
const distIndex = join(pkgDir, 'dist', 'index.js');
const distDerived = join(pkgDir, 'dist', 'derived-config.js');
const providerPath = fileURLToPath(new URL('./__fixtures__/fixed-provider.mjs', import.meta.url));
const promptfooMain = join(repoRoot, 'node_modules', 'promptfoo', 'dist', 'src', 'main.js');

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

const haveDist = existsSync(distIndex) && existsSync(distDerived);

describe.skipIf(!haveDist)('a real promptfoo eval (CLI) with the assertions and derived metrics', () => {
  let dir = '';
  let out: PromptfooOutput;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmre-assertions-e2e-'));
    // the config folder resolves `package:@mmre/assertions:…` like an install would
    mkdirSync(join(dir, 'node_modules', '@mmre'), { recursive: true });
    symlinkSync(pkgDir, join(dir, 'node_modules', '@mmre', 'assertions'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{"name":"e2e","private":true,"type":"module"}\n');
    const modes: Mode[] = ['joint', 'summary', 'mner'];
    const config = {
      description: 'mmre assertions e2e',
      prompts: modes.map((m) => ({ raw: MODE_PROMPTS[m], label: m })),
      providers: [{ id: `file://${providerPath}`, label: 'fixed' }],
      defaultTest: {
        assert: [
          { type: 'javascript', value: 'package:@mmre/assertions:summary' },
          { type: 'javascript', value: `file://${distIndex}:ner` },
          { type: 'javascript', value: 'package:@mmre/assertions:matching' },
          { type: 'javascript', value: `file://${distIndex}:format` },
        ],
      },
      tests: FIXTURE_SAMPLES.map((s) => ({ vars: fixtureVars(s) })),
    };
    // JSON is YAML: a plain YAML config, plus the shipped derived-metrics config
    writeFileSync(join(dir, 'promptfooconfig.yaml'), JSON.stringify(config, null, 2));
    const env = {
      ...process.env,
      PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
      PROMPTFOO_CACHE_PATH: join(dir, '.cache'),
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      NO_COLOR: '1',
    };
    const args = [
      promptfooMain,
      'eval',
      '-c',
      'promptfooconfig.yaml',
      '-c',
      'node_modules/@mmre/assertions/dist/derived-config.js',
      '--no-cache',
      '--no-write',
      '--no-table',
      '--no-progress-bar',
      '-j',
      '2',
      '-o',
      'out.json',
    ];
    try {
      await run(process.execPath, args, { cwd: dir, env, timeout: 90_000 });
    } catch (err) {
      // promptfoo exits 100 when some test failed; that is fine here, the output file is what counts
      const e = err as { code?: number; stderr?: string; stdout?: string };
      if (e.code !== 100) throw new Error(`promptfoo eval failed (${e.code}): ${e.stderr}\n${e.stdout}`);
    }
    out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as PromptfooOutput;
  }, 120_000);

  afterAll(() => {
    if (dir && !process.env.KEEP_E2E) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every row without error, and the derived-metrics config adds no prompt', () => {
    expect(out.results.prompts.map((p) => p.label)).toEqual(['joint', 'summary', 'mner']);
    expect(out.results.results).toHaveLength(FIXTURE_SAMPLES.length * 3);
    // no row errored (failureReason 2 = ERROR); every row ran the four assertions
    for (const r of out.results.results) {
      expect(r.failureReason).not.toBe(2);
      expect(r.gradingResult?.componentResults).toHaveLength(4);
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
          expect(SCORE.matchingAccuracy in named).toBe(ms.accuracy !== null);
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
      if (!tasks.task1) expect(metrics[DERIVED.corpusBleu]).toBeNull();
      if (!tasks.task2) expect(metrics[DERIVED.nerMicroF1]).toBeNull();
      if (tasks.task1) {
        const direct = sacreCorpusBleu(preds, refs).score;
        expect(Math.abs((metrics[DERIVED.corpusBleu] as number) - direct)).toBeLessThan(1e-9);
        expect(direct).toBeGreaterThan(0);
        const rouge = meanRouge(preds.map((p, i) => rougeScores(p, refs[i] as string)));
        expect(Math.abs((metrics[DERIVED.meanRouge1] as number) - rouge.rouge1.fmeasure)).toBeLessThan(1e-12);
        expect(Math.abs((metrics[DERIVED.meanRougeL] as number) - rouge.rougeL.fmeasure)).toBeLessThan(1e-12);
        expect(metrics[SCORE.summaryN]).toBe(FIXTURE_SAMPLES.length);
      }
      if (tasks.task2) {
        const micro = microNer(nerRows);
        expect(metrics[DERIVED.nerMicroF1]).toBe(micro.f1);
        expect(metrics[SCORE.nerTp]).toBe(micro.tp);
        const acc = microMatching(matchRows);
        expect(metrics[DERIVED.matchingMicroAccuracy]).toBe(acc.accuracy);
        expect(metrics[DERIVED.matchingMicroPrecision]).toBe(acc.precision);
        expect(acc.accuracy).not.toBeNull();
      }
    });
  }
});
