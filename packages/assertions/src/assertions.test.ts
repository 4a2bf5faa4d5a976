import { type Mode, modeTasks, parseAnswer } from '@mmre/core';
import {
  matchingStats,
  microMatching,
  microNer,
  nerStats,
  rougeScores,
  sacreBleuStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
} from '@mmre/metrics';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES, fixtureVars, MODE_PROMPTS } from './__fixtures__/samples.js';
import {
  corpusBleuFromSums,
  DERIVED,
  evaluateDerived,
  format,
  type GradingResult,
  matching,
  ner,
  parseCacheInfo,
  SCORE,
  summary,
} from './index.js';

const MODES: Mode[] = ['joint', 'summary', 'mner'];
const ctx = (mode: Mode, vars: Record<string, unknown>, config?: Record<string, unknown>) => ({
  prompt: MODE_PROMPTS[mode],
  vars,
  ...(config ? { config } : {}),
});
const close = (a: number | undefined, b: number) => expect(a as number).toBeCloseTo(b, 12);

function sumInto(sums: Record<string, number>, r: GradingResult) {
  for (const [k, v] of Object.entries(r.namedScores ?? {})) sums[k] = (sums[k] ?? 0) + v;
}

describe('assertions on fixed outputs', () => {
  beforeEach(() => parseCacheInfo.clear());

  for (const mode of MODES) {
    it(`mode ${mode}: named scores equal @mmre/metrics on the parsed answer; absent tasks emit nothing`, () => {
      const tasks = modeTasks(mode);
      const sums: Record<string, number> = {};
      const nerRows = [];
      const matchRows = [];
      const preds: string[] = [];
      const refs: string[] = [];
      for (const s of FIXTURE_SAMPLES) {
        const out = s.outputs[mode];
        const c = ctx(mode, fixtureVars(s));
        const parsed = parseAnswer(out, { mode });
        const rs = summary(out, c);
        const rn = ner(out, c);
        const rm = matching(out, c);
        const rf = format(out, c);
        for (const r of [rs, rn, rm, rf]) sumInto(sums, r);
        if (tasks.task1) {
          const pred = parsed.summary ?? '';
          const ref = s.gold.summary as string;
          preds.push(pred);
          refs.push(ref);
          const rouge = rougeScores(pred, ref, { stemmer: false });
          const st = sacreBleuStats(pred, ref);
          expect(rs.namedScores?.[SCORE.summaryN]).toBe(1);
          expect(rs.namedScores?.[SCORE.summaryRouge1]).toBe(rouge.rouge1.fmeasure);
          expect(rs.namedScores?.[SCORE.summaryRougeL]).toBe(rouge.rougeL.fmeasure);
          expect(rs.namedScores?.[SCORE.bleuScore]).toBe(sacreSentenceBleu(pred, ref).score);
          expect(rs.namedScores?.[SCORE.bleuSysLen]).toBe(st.sysLen);
          expect(rs.namedScores?.[SCORE.bleuRefLen]).toBe(st.refLen);
          expect(SCORE.bleuCounts.map((k) => rs.namedScores?.[k])).toEqual(st.counts);
          expect(SCORE.bleuTotals.map((k) => rs.namedScores?.[k])).toEqual(st.totals);
          expect(rs.namedScores?.[SCORE.summaryMissing]).toBe(parsed.summary === null ? 1 : 0);
          expect(rf.namedScores?.[SCORE.formatTask1]).toBe(parsed.compliance.task1 ? 1 : 0);
        } else {
          expect(rs.namedScores).toBeUndefined();
          expect(rs.pass).toBe(true);
          expect(rf.namedScores?.[SCORE.formatTask1]).toBeUndefined();
        }
        if (tasks.task2) {
          const ns = nerStats(s.gold.entities, parsed.entities);
          const ms = matchingStats(s.gold.pairs, parsed.pairs);
          nerRows.push(ns);
          matchRows.push(ms);
          expect(rn.namedScores).toEqual({
            [SCORE.nerN]: 1,
            [SCORE.nerTp]: ns.tp,
            [SCORE.nerFp]: ns.fp,
            [SCORE.nerFn]: ns.fn,
            [SCORE.nerPrecision]: ns.precision,
            [SCORE.nerRecall]: ns.recall,
            [SCORE.nerF1]: ns.f1,
          });
          expect(rn.score).toBe(ns.f1);
          expect(rm.namedScores?.[SCORE.matchingCorrect]).toBe(ms.correct);
          expect(rm.namedScores?.[SCORE.matchingGold]).toBe(ms.gold);
          expect(rm.namedScores?.[SCORE.matchingPred]).toBe(ms.pred);
          if (ms.accuracy === null) {
            expect(rm.namedScores).not.toHaveProperty(SCORE.matchingAccuracy);
            expect(rm.namedScores).not.toHaveProperty(SCORE.matchingAccuracyN);
          } else expect(rm.namedScores?.[SCORE.matchingAccuracy]).toBe(ms.accuracy);
          expect(rf.namedScores?.[SCORE.formatNer]).toBe(parsed.compliance.ner ? 1 : 0);
          expect(rf.namedScores?.[SCORE.formatPairs]).toBe(parsed.compliance.pairs ? 1 : 0);
        } else {
          expect(rn.namedScores).toBeUndefined();
          expect(rm.namedScores).toBeUndefined();
          expect(rn.pass && rm.pass).toBe(true);
          expect(rf.namedScores?.[SCORE.formatNer]).toBeUndefined();
        }
      }
      // no name of an absent task, anywhere
      for (const k of Object.keys(sums)) {
        if (!tasks.task1) expect(k.startsWith('summary.') || k.startsWith('bleu.')).toBe(false);
        if (!tasks.task2) expect(k.startsWith('ner.') || k.startsWith('matching.')).toBe(false);
      }
      // corpus values from the sums, as promptfoo's derived metrics compute them
      const d = evaluateDerived(sums);
      if (tasks.task1) {
        expect(Math.abs((d[DERIVED.corpusBleu] as number) - sacreCorpusBleu(preds, refs).score)).toBeLessThan(1e-9);
        close(
          d[DERIVED.meanRouge1],
          preds.reduce((a, p, i) => a + rougeScores(p, refs[i] as string).rouge1.fmeasure, 0) / preds.length,
        );
      } else expect(d[DERIVED.corpusBleu]).toBeNaN();
      if (tasks.task2) {
        expect(d[DERIVED.nerMicroF1]).toBe(microNer(nerRows).f1);
        expect(d[DERIVED.matchingMicroAccuracy]).toBe(microMatching(matchRows).accuracy);
      } else {
        expect(d[DERIVED.nerMicroF1]).toBeNaN();
        expect(d[DERIVED.matchingMicroAccuracy]).toBeNaN();
      }
    });
  }

  it('parses each output once for the four assertions of a row', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    const c = ctx('joint', fixtureVars(s));
    for (const f of [summary, ner, matching, format]) f(s.outputs.joint, c);
    expect(parseCacheInfo.size()).toBe(1);
  });

  it('applies thresholds from config', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    const c = (config: Record<string, unknown>) => ctx('joint', fixtureVars(s), config);
    expect(ner(s.outputs.joint, c({ minF1: 0.1 })).pass).toBe(true);
    const r = ner(s.outputs.joint, c({ minF1: 0.99 }));
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/F1 .* < 0\.99/);
    expect(summary(s.outputs.joint, c({ minBleu: 99 })).pass).toBe(false);
    expect(matching(s.outputs.joint, c({ minAccuracy: 0.9 })).pass).toBe(false);
    expect(format(s.outputs.joint, c({})).pass).toBe(true);
  });

  it('explains bad config, bad vars and an unknown mode', () => {
    const s = FIXTURE_SAMPLES[0];
    if (!s) throw new Error('fixture');
    const bad = ner(s.outputs.joint, ctx('joint', fixtureVars(s), { minF1: 2 }));
    expect(bad.pass).toBe(false);
    expect(bad.reason).toMatch(/config\.minF1.*≤ 1/);
    expect(ner(s.outputs.joint, ctx('joint', fixtureVars(s), { minF: 0.5 })).reason).toMatch(/minF/);
    const badGold = summary(s.outputs.joint, ctx('joint', { ...fixtureVars(s), gold: '{not json' }));
    expect(badGold.pass).toBe(false);
    expect(badGold.reason).toMatch(/vars\.gold/);
    expect(badGold.namedScores).toBeUndefined();
    const noMode = format(s.outputs.joint, { prompt: 'hello', vars: fixtureVars(s) });
    expect(noMode.pass).toBe(false);
    expect(noMode.reason).toMatch(/config\.mode/);
    // an explicit mode wins over the prompt
    const explicit = ner(s.outputs.joint, { prompt: 'hello', vars: fixtureVars(s), config: { mode: 'joint' } });
    expect(explicit.namedScores?.[SCORE.nerN]).toBe(1);
    expect(
      summary(s.outputs.joint, { prompt: MODE_PROMPTS.joint, vars: { ...fixtureVars(s), mode: 'mner' } }).namedScores,
    ).toBeUndefined();
  });
});

describe('corpusBleuFromSums', () => {
  it('equals sacrebleu corpus BLEU on summed stats, including zero counts and short outputs', () => {
    const cases: [string[], string[]][] = [
      [
        ['the cat sat on the mat', 'a dog', 'hello world'],
        ['the cat is on the mat', 'a dog barked', 'hello there world'],
      ],
      [['x'], ['y z']],
      [[''], ['nothing here']],
      [['one two three four five'], ['one two six four five']],
    ];
    for (const [preds, refs] of cases) {
      const stats = preds.map((p, i) => sacreBleuStats(p, refs[i] as string));
      const counts = [0, 1, 2, 3].map((n) => stats.reduce((a, s) => a + (s.counts[n] ?? 0), 0));
      const totals = [0, 1, 2, 3].map((n) => stats.reduce((a, s) => a + (s.totals[n] ?? 0), 0));
      const sys = stats.reduce((a, s) => a + s.sysLen, 0);
      const ref = stats.reduce((a, s) => a + s.refLen, 0);
      expect(Math.abs(corpusBleuFromSums(counts, totals, sys, ref) - sacreCorpusBleu(preds, refs).score)).toBeLessThan(
        1e-9,
      );
    }
  });
});
