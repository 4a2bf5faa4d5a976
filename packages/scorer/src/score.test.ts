import { formatAnswer, type Gold, MODES } from '@mmre/core';
import {
  matchingStats,
  meanRouge,
  microMatching,
  microNer,
  nerStats,
  pairedBootstrap,
  rougeScores,
  sacreCorpusBleu,
  sacreSentenceBleu,
} from '@mmre/metrics';
import { describe, expect, it } from 'vitest';
import {
  CORPUS_METRICS,
  corpusStatistic,
  corpusValue,
  corpusValues,
  namedScores,
  SCORE,
  sumNamedScores,
} from './named-scores.js';
import { scoredTasks, scoreSample } from './score.js';

const gold: Gold = {
  summary: 'A player in a blue jersey holds the ball on a wooden court.',
  entities: [
    { label: 'person', text: 'Maya Torres' },
    { label: 'organization', text: 'Riverside Hawks' },
    { label: 'organization', text: 'Riverside Hawks' },
  ],
  pairs: [
    { segment: 'a', entity: 'Maya Torres' },
    { segment: 'b', entity: 'Riverside Hawks' },
  ],
};
const answer = formatAnswer(
  {
    summary: 'A player in blue holds a ball on a court.',
    entities: [
      { label: 'person', text: 'maya  TORRES' },
      { label: 'organization', text: 'Riverside Hawks' },
      { label: 'location', text: 'Riverside' },
    ],
    pairs: [
      { segment: 'a', entity: 'Maya Torres' },
      { segment: 'b', entity: 'Lakeport' },
    ],
  },
  'joint',
);

describe('scoredTasks: one rule for "asked and the gold has it"', () => {
  it('scores Task 1 only when asked and the gold summary is not blank; Task 2 whenever asked', () => {
    expect(scoredTasks('joint', gold)).toEqual({ summary: true, ner: true, matching: true });
    expect(scoredTasks('summary', gold)).toEqual({ summary: true, ner: false, matching: false });
    expect(scoredTasks('mner', gold)).toEqual({ summary: false, ner: true, matching: true });
    for (const summary of [undefined, '', '   \n']) {
      const g = { ...gold, summary } as Gold;
      expect(scoredTasks('joint', g).summary).toBe(false);
      expect(scoreSample('joint', answer, g).summary).toBeNull();
      expect(namedScores(scoreSample('summary', answer, g))[SCORE.summaryN]).toBeUndefined();
    }
  });
});

describe('scoreSample', () => {
  it('scores each asked task with the metrics of @mmre/metrics, from one parse', () => {
    const s = scoreSample('joint', answer, gold);
    const pred = 'A player in blue holds a ball on a court.';
    expect(s.summary?.rouge).toEqual(rougeScores(pred, gold.summary as string));
    expect(s.summary?.sentenceBleu).toBe(sacreSentenceBleu(pred, gold.summary as string).score);
    expect(s.summary?.missing).toBe(false);
    expect(s.ner).toEqual(nerStats(gold.entities, s.answer.entities));
    expect(s.ner).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(s.matching).toEqual(matchingStats(gold.pairs, s.answer.pairs));
    expect(s.matching?.accuracy).toBe(0.5);
    expect(s.format).toMatchObject({ task1: true, ner: true, pairs: true, ok: true });
  });

  it('ignores answers to tasks the mode did not ask for, and scores a missing summary as empty', () => {
    const summaryOnly = scoreSample('summary', answer, gold);
    expect([summaryOnly.ner, summaryOnly.matching]).toEqual([null, null]);
    expect(summaryOnly.format.ner).toBeUndefined();
    const noT1 = scoreSample('joint', formatAnswer({ summary: null, entities: [], pairs: [] }, 'mner'), gold);
    expect(noT1.summary?.missing).toBe(true);
    expect(noT1.summary?.rouge.rouge1.fmeasure).toBe(0);
    expect(noT1.format).toMatchObject({ task1: false, ok: false });
    const noPairs = scoreSample('mner', answer, { ...gold, pairs: [] });
    expect(noPairs.matching?.accuracy).toBeNull();
    expect(noPairs.matching?.pred).toBe(2);
  });

  it('stemmer option reaches ROUGE', () => {
    const a = scoreSample(
      'summary',
      formatAnswer({ summary: 'players holding balls', entities: [], pairs: [] }, 'summary'),
      {
        ...gold,
        summary: 'player holds ball',
      },
    );
    const b = scoreSample(
      'summary',
      formatAnswer({ summary: 'players holding balls', entities: [], pairs: [] }, 'summary'),
      { ...gold, summary: 'player holds ball' },
      { stemmer: true },
    );
    expect(a.summary?.rouge.rouge1.fmeasure).toBe(0);
    expect(b.summary?.rouge.rouge1.fmeasure).toBeGreaterThan(0.5);
  });
});

describe('named scores and corpus values', () => {
  const golds: Gold[] = [
    gold,
    { summary: 'Two cats on a red sofa.', entities: [{ label: 'other', text: 'Cats' }], pairs: [] },
    { summary: '', entities: [], pairs: [{ segment: 'a', entity: 'X' }] },
    { summary: 'A busy street at night, 10,000 lights.', entities: [{ label: 'location', text: 'Paris' }], pairs: [] },
  ];
  const answers = [
    answer,
    formatAnswer({ summary: 'A cat on a sofa.', entities: [{ label: 'other', text: 'cats' }], pairs: [] }, 'joint'),
    'Task 2 Answer: NER: :person;Nobody',
    formatAnswer(
      { summary: 'A street, 10,000 lights at night.', entities: [], pairs: [{ segment: 'a', entity: 'Paris' }] },
      'joint',
    ),
  ];
  const scores = answers.map((a, i) => scoreSample('joint', a, golds[i] as Gold));
  const rows = scores.map(namedScores);
  const sums = sumNamedScores(rows);

  it('corpus values from summed named scores equal the corpus metrics of @mmre/metrics', () => {
    const v = corpusValues(sums);
    const withSummary = scores.filter((s) => s.summary);
    expect(withSummary).toHaveLength(3);
    const preds = withSummary.map((s) => s.answer.summary ?? '');
    const refs = [0, 1, 3].map((i) => golds[i]?.summary as string);
    expect(v.bleu).toBe(sacreCorpusBleu(preds, refs).score);
    const rouge = meanRouge(withSummary.map((s) => s.summary?.rouge as never));
    expect(v.rouge1).toBeCloseTo(rouge.rouge1.fmeasure, 15);
    expect(v.rougeLsum).toBeCloseTo(rouge.rougeLsum.fmeasure, 15);
    const ner = microNer(scores.map((s) => s.ner as never));
    expect([v.nerF1, v.nerPrecision, v.nerRecall]).toEqual([ner.f1, ner.precision, ner.recall]);
    expect(v.nerMacroF1).toBeCloseTo(scores.reduce((t, s) => t + (s.ner?.f1 ?? 0), 0) / 4, 15);
    const m = microMatching(scores.map((s) => s.matching as never));
    expect([v.accuracy, v.pairPrecision, v.pairF1]).toEqual([m.accuracy, m.precision, m.f1]);
    expect(v.formatOk).toBe(scores.filter((s) => s.format.ok).length / 4);
    expect(v.formatTask1).toBe(3 / 4);
  });

  it('a metric no row carried is null, never 0; an anchor the mode did not ask for is null', () => {
    const mnerOnly = sumNamedScores(answers.map((a, i) => namedScores(scoreSample('mner', a, golds[i] as Gold))));
    const v = corpusValues(mnerOnly);
    for (const id of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu', 'formatTask1'] as const)
      expect(v[id]).toBeNull();
    expect(v.formatNer).not.toBeNull();
    expect(
      corpusValue('accuracy', sumNamedScores([namedScores(scoreSample('mner', answer, { ...gold, pairs: [] }))])),
    ).toBeNull();
    expect(corpusValues({})).toEqual(Object.fromEntries(CORPUS_METRICS.map((m) => [m.id, null])));
  });

  it('the bootstrap statistic of a metric is its corpus value of the summed rows', () => {
    for (const m of CORPUS_METRICS) {
      const carrying = rows.filter((r) => (r[m.count] ?? 0) > 0);
      const full = pairedBootstrap(carrying, carrying, corpusStatistic(m), { iterations: 20, seed: 3 });
      const value = corpusValue(m, sumNamedScores(carrying));
      expect(full.delta).toBe(value === null ? null : 0);
    }
  });

  it('emits the same named scores for the same answer in any mode where the task is scored', () => {
    for (const mode of MODES) {
      const r = namedScores(scoreSample(mode, answer, gold));
      expect(r[SCORE.formatN]).toBe(1);
      expect(r[SCORE.summaryN] === 1).toBe(mode !== 'mner');
      expect(r[SCORE.nerN] === 1).toBe(mode !== 'summary');
    }
  });
});
