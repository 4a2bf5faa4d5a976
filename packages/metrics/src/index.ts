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
  multisetIntersectionSize,
  type NerEntity,
  type NerStats,
  nerStats,
  prf,
} from './ner.js';
export { caseFold, collapseWhitespace, normalizeEntityText, normalizeLabel, normalizeSegment } from './normalize.js';
export {
  type BootstrapOptions,
  type BootstrapResult,
  meanStatistic,
  type PairedStatistic,
  pairedBootstrap,
  pairedRandomization,
  quantileSorted,
  type RandomizationOptions,
  type RandomizationResult,
} from './paired.js';
export { porterStem } from './porter.js';
export { createRng, type Rng } from './rng.js';
export {
  meanRouge,
  type PRF,
  ROUGE_TYPES,
  type RougeOptions,
  type RougeScores,
  type RougeType,
  rougeScores,
  rougeTokenize,
} from './rouge.js';
