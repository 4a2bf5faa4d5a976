// The public face of @mmre/metrics: the metrics, their sufficient statistics and result types, the
// tokenizers they are defined on, and the paired statistics. Scorer classes, buffers and the Python
// arithmetic helpers are internal.
export {
  NLTK_SMOOTHINGS,
  type NltkBleuOptions,
  type NltkBleuResult,
  type NltkBleuStats,
  type NltkSmoothing,
  nltkBleuFromStats,
  nltkBleuStats,
  nltkCorpusBleu,
  nltkSentenceBleu,
  sumNltkBleuStats,
} from './bleu-nltk.js';
export {
  type BleuStats,
  type SacreBleuOptions,
  type SacreBleuResult,
  sacreBleuFromStats,
  sacreBleuStats,
  sacreCorpusBleu,
  sacreSentenceBleu,
  sumBleuStats,
  tokenize13a,
} from './bleu-sacre.js';
export { holmAdjust } from './holm.js';
export {
  type MatchingStats,
  type MatchPair,
  matchingFromCounts,
  matchingStats,
  microMatching,
  pairKey,
} from './matching.js';
export {
  entityKey,
  type MacroNer,
  macroNer,
  microNer,
  type NerEntity,
  type NerStats,
  nerStats,
  prf,
} from './ner.js';
export { normalizeEntityText } from './normalize.js';
export {
  type AdditiveStatistic,
  additiveStatistic,
  type BootstrapOptions,
  type BootstrapResult,
  corpusBleuAdditive,
  meanStatistic,
  microF1Additive,
  type PairedStatistic,
  pairedBootstrap,
  pairedBootstrapAll,
  pairedRandomization,
  pairedRandomizationAll,
  type RandomizationOptions,
  type RandomizationResult,
} from './paired.js';
export { porterStem } from './porter.js';
export { pySplit } from './pysplit.js';
export {
  meanRouge,
  type PRF,
  type RougeOptions,
  type RougeScores,
  type RougeScoresBoth,
  type RougeType,
  rougeScores,
  rougeScoresBoth,
  rougeTokenize,
} from './rouge.js';
