export { type BuiltSegments, buildSegments, clampBox, cropRect, type Size, scaleBox } from './boxes.js';
export { type ConllTweet, extractEntities, gmnerLabel, parseConll } from './conll.js';
export { convertGmner, type GmnerConvertOptions, type GmnerConvertReport } from './convert.js';
export { cropBoxes, imageSize, indexImages } from './images.js';
export {
  collapseWhitespace,
  compactKey,
  emptyLadder,
  foldKey,
  type LadderCounts,
  type LadderHit,
  type LadderRung,
  levenshtein,
  matchBoxName,
} from './ladder.js';
export { orderedMap } from './pool.js';
export {
  type GmnerReading,
  type GmnerRecord,
  gmnerImagePath,
  type ReadGmnerOptions,
  readGmner,
  toRecord,
} from './reader.js';
export { readSummaries } from './summaries.js';
export { parseVoc, type VocAnnotation, type VocObject } from './voc.js';
