export {
  CORPUS_METRICS,
  type CorpusMetric,
  type CorpusMetricId,
  corpusMetric,
  corpusStatistic,
  corpusValue,
  corpusValues,
  type NamedScoreSums,
  namedScores,
  SCORE,
  sumNamedScores,
} from './named-scores.js';
export {
  type FormatScore,
  type SampleScore,
  type ScoredTasks,
  type ScoreOptions,
  type SummaryScore,
  scoredTasks,
  scoreSample,
} from './score.js';
