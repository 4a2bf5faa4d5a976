import { describe, expect, it } from 'vitest';
import * as metrics from './index.js';

describe('public face', () => {
  it('exports the metrics, their statistics, tokenizers and paired statistics, not the internals', () => {
    expect(Object.keys(metrics).sort()).toEqual([
      'NLTK_SMOOTHINGS',
      'additiveStatistic',
      'corpusBleuAdditive',
      'entityKey',
      'holmAdjust',
      'macroNer',
      'matchingFromCounts',
      'matchingStats',
      'meanRouge',
      'meanStatistic',
      'microF1Additive',
      'microMatching',
      'microNer',
      'nerStats',
      'nltkBleuFromStats',
      'nltkBleuStats',
      'nltkCorpusBleu',
      'nltkSentenceBleu',
      'normalizeEntityText',
      'pairKey',
      'pairedBootstrap',
      'pairedBootstrapAll',
      'pairedRandomization',
      'pairedRandomizationAll',
      'porterStem',
      'prf',
      'pySplit',
      'rougeScores',
      'rougeScoresBoth',
      'rougeTokenize',
      'sacreBleuFromStats',
      'sacreBleuStats',
      'sacreCorpusBleu',
      'sacreSentenceBleu',
      'sumBleuStats',
      'sumNltkBleuStats',
      'tokenize13a',
    ]);
  });
});
