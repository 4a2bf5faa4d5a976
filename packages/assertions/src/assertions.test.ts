import { MODES, type Mode, modeTasks, parseAnswer } from '@mmre/core';
import {
  matchingStats,
  meanRouge,
  microMatching,
  microNer,
  nerStats,
  rougeScores,
  sacreBleuStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
} from '@mmre/metrics';
import { namedScores, SCORE, scoreSample } from '@mmre/scorer';
import { describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES, fixtureVars } from './__fixtures__/samples.js';
import { DERIVED, evaluateDerived, format, type GradingResult, matching, mmre, ner, summary } from './index.js';

/** The context promptfoo gives an assertion after a PFA prompt of `mode`: the row's vars carry the mode. */
const ctx = (mode: Mode, vars: Record<string, unknown>, config?: Record<string, unknown>) => ({
  prompt: 'the rendered prompt (never searched)',
  vars: { ...vars, mode },
  ...(config ? { config } : {}),
});

function sumInto(sums: Record<string, number>, r: GradingResult) {
  for (const [k, v] of Object.entries(r.namedScores ?? {})) sums[k] = (sums[k] ?? 0) + v;
}

describe('the mmre assertion on fixed outputs', () => {
  for (const mode of MODES) {
    it(`mode ${mode}: named scores are the scorer's, equal @mmre/metrics on the parsed answer; unasked tasks emit nothing`, () => {
      const tasks = modeTasks(mode);
      const sums: Record<string, number> = {};
      const nerRows = [];
      const matchRows = [];
      const preds: string[] = [];
      const refs: string[] = [];
      for (const s of FIXTURE_SAMPLES) {
        const out = s.outputs[mode];
        const r = mmre(out, ctx(mode, fixtureVars(s)));
        sumInto(sums, r);
        expect(r.namedScores).toEqual(namedScores(scoreSample(mode, out, s.gold)));
        // the four single-task assertions together emit exactly the same names and values
        const parts: Record<string, number> = {};
        for (const f of [summary, ner, matching, format])
          Object.assign(parts, f(out, ctx(mode, fixtureVars(s))).namedScores);
        expect(parts).toEqual(r.namedScores);
        const named = r.namedScores ?? {};
        const parsed = parseAnswer(out, { mode });
        if (tasks.task1) {
          const pred = parsed.summary ?? '';
          const ref = s.gold.summary as string;
          preds.push(pred);
          refs.push(ref);
          const rouge = rougeScores(pred, ref, { stemmer: false });
          const st = sacreBleuStats(pred, ref);
          expect(named[SCORE.summaryN]).toBe(1);
          expect(named[SCORE.summaryRouge1]).toBe(rouge.rouge1.fmeasure);
          expect(named[SCORE.summaryRougeL]).toBe(rouge.rougeL.fmeasure);
          expect([named[SCORE.bleuSysLen], named[SCORE.bleuRefLen]]).toEqual([st.sysLen, st.refLen]);
          expect(SCORE.bleuCounts.map((k) => named[k])).toEqual(st.counts);
          expect(SCORE.bleuTotals.map((k) => named[k])).toEqual(st.totals);
          expect(named[SCORE.summaryMissing]).toBe(parsed.summary === null ? 1 : 0);
          const bleu = sacreSentenceBleu(pred, ref).score;
          expect(r.reason).toContain(`BLEU ${Number.isInteger(bleu) ? bleu : bleu.toFixed(2)}`);
        }
        if (tasks.task2) {
          const ns = nerStats(s.gold.entities, parsed.entities);
          const ms = matchingStats(s.gold.pairs, parsed.pairs);
          nerRows.push(ns);
          matchRows.push(ms);
          expect([named[SCORE.nerTp], named[SCORE.nerFp], named[SCORE.nerFn], named[SCORE.nerF1]]).toEqual([
            ns.tp,
            ns.fp,
            ns.fn,
            ns.f1,
          ]);
          expect([named[SCORE.matchingCorrect], named[SCORE.matchingGold], named[SCORE.matchingPred]]).toEqual([
            ms.correct,
            ms.gold,
            ms.pred,
          ]);
        }
        for (const k of Object.keys(named)) {
          if (!tasks.task1) expect(/^(summary|bleu)\./.test(k)).toBe(false);
          if (!tasks.task2) expect(/^(ner|matching)\./.test(k)).toBe(false);
        }
      }
      // corpus values from the sums, as promptfoo's derived metrics compute them
      const d = evaluateDerived(sums);
      if (tasks.task1) {
        expect(d[DERIVED.bleu]).toBe(sacreCorpusBleu(preds, refs).score);
        const rouge = meanRouge(preds.map((p, i) => rougeScores(p, refs[i] as string)));
        expect(d[DERIVED.rouge1]).toBeCloseTo(rouge.rouge1.fmeasure, 14);
      } else {
        expect(d[DERIVED.bleu]).toBeNaN();
        expect(d[DERIVED.formatTask1]).toBeNaN();
      }
      if (tasks.task2) {
        expect(d[DERIVED.nerF1]).toBe(microNer(nerRows).f1);
        expect(d[DERIVED.accuracy]).toBe(microMatching(matchRows).accuracy);
      } else {
        expect(d[DERIVED.nerF1]).toBeNaN();
        expect(d[DERIVED.accuracy]).toBeNaN();
      }
    });
  }

  it('applies thresholds from config, per task', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    const run = (config: Record<string, unknown>, f = mmre) => f(s.outputs.joint, ctx('joint', fixtureVars(s), config));
    expect(run({ minNerF1: 0.1 }).pass).toBe(true);
    const r = run({ minNerF1: 0.99 });
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/ner: below threshold: F1 .* < 0\.99/);
    expect(run({ minBleu: 99 }).pass).toBe(false);
    expect(run({ minAccuracy: 0.9 }).pass).toBe(false);
    expect(run({ minNerF1: 0.99 }, ner).pass).toBe(false);
    expect(run({ minPairPrecision: 0.99 }, matching).pass).toBe(false);
    // a single-task assertion takes only its task's options
    expect(run({ minAccuracy: 0.5 }, ner).reason).toMatch(/invalid assertion config .*minAccuracy/);
    expect(run({}, format).pass).toBe(true);
    // the row score: the mean of the asked tasks' headline scores
    const sc = scoreSample('joint', s.outputs.joint, s.gold);
    const expected =
      ((sc.summary?.rouge.rougeL.fmeasure ?? 0) + (sc.ner?.f1 ?? 0) + (sc.matching?.accuracy ?? 0) + 1) / 4;
    expect(run({}).score).toBeCloseTo(expected, 14);
  });

  it('an answer without its asked anchors fails the format check', () => {
    const s = FIXTURE_SAMPLES.find((x) => x.id === 's5');
    if (!s) throw new Error('fixture');
    const r = mmre(s.outputs.joint, ctx('joint', fixtureVars(s)));
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/format: below threshold: compliance .*malformed or missing: Task 1 Answer/);
    expect(mmre(s.outputs.joint, ctx('joint', fixtureVars(s), { minCompliance: 0.5 })).pass).toBe(true);
  });

  it('the reason names the tasks the mode asked for and leaves the others out (it is stored in every row)', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    const single = mmre(s.outputs.summary, ctx('summary', fixtureVars(s)));
    expect(single.reason).toMatch(/^summary: ROUGE-1 .*; format: well-formed$/);
    expect(single.reason).not.toMatch(/ner:|matching:|not asked/);
    const joint = mmre(s.outputs.joint, ctx('joint', fixtureVars(s)));
    expect(joint.reason).toMatch(/^summary: .*; ner: P .*; matching: .*; format: well-formed$/);
  });

  it('an empty or blank gold summary is not scored (no summary names), and says so', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    for (const blank of ['', '  ']) {
      const vars = { ...fixtureVars(s), gold: JSON.stringify({ ...s.gold, summary: blank }) };
      const r = mmre(s.outputs.joint, ctx('joint', vars));
      expect(Object.keys(r.namedScores ?? {}).some((k) => /^(summary|bleu)\./.test(k))).toBe(false);
      expect(r.reason).toContain('summary: not scored: the sample has no gold summary');
      expect(summary(s.outputs.summary, ctx('summary', vars)).namedScores).toBeUndefined();
    }
  });

  it('explains bad config, bad vars and an unknown mode; the prompt text is never searched', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    const bad = ner(s.outputs.joint, ctx('joint', fixtureVars(s), { minNerF1: 2 }));
    expect(bad.pass).toBe(false);
    expect(bad.reason).toMatch(/config\.minNerF1.*≤ 1/);
    expect(mmre(s.outputs.joint, ctx('joint', fixtureVars(s), { minF1: 0.5 })).reason).toMatch(
      /unrecognized key.*minF1|minF1/,
    );
    const badGold = mmre(s.outputs.joint, ctx('joint', { ...fixtureVars(s), gold: '{not json' }));
    expect(badGold.pass).toBe(false);
    expect(badGold.reason).toMatch(/vars\.gold/);
    expect(badGold.namedScores).toBeUndefined();
    const noMode = mmre(s.outputs.joint, { prompt: 'Task 1 Answer: … Task 2 Answer: …', vars: fixtureVars(s) });
    expect(noMode.pass).toBe(false);
    expect(noMode.reason).toMatch(/neither config\.mode nor vars\.mode/);
    // an explicit mode wins over vars.mode
    const explicit = ner(s.outputs.joint, { vars: { ...fixtureVars(s), mode: 'summary' }, config: { mode: 'joint' } });
    expect(explicit.namedScores?.[SCORE.nerN]).toBe(1);
    expect(summary(s.outputs.joint, ctx('mner', fixtureVars(s))).namedScores).toBeUndefined();
  });
});
