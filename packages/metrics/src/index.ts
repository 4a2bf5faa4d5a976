export { porterStem } from './porter.js';
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
