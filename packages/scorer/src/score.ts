import {
  type AnswerEntity,
  type AnswerPair,
  type Compliance,
  type Diagnostic,
  type Gold,
  hasGoldSummary,
  type Mode,
  modeTasks,
  parseAnswer,
} from '@mmre/core';
import {
  type BleuStats,
  type MatchingStats,
  matchingStats,
  type NerStats,
  nerStats,
  type RougeScores,
  rougeScores,
  sacreBleuFromStats,
  sacreBleuStats,
} from '@mmre/metrics';

/** Which tasks a row is scored on. */
export interface ScoredTasks {
  /** Task 1: the mode asked for it and the gold has a summary (`hasGoldSummary`). */
  summary: boolean;
  /** Task 2a: the mode asked for it (a sample without gold entities still counts its false positives). */
  ner: boolean;
  /** Task 2b: the mode asked for it (accuracy is undefined on a sample without gold pairs). */
  matching: boolean;
}

/**
 * The one rule for "the mode asked for this task and the gold has it". Everything that scores —
 * the assertions, `mmre report`, the derived corpus metrics — goes through it.
 */
export function scoredTasks(mode: Mode, gold: Pick<Gold, 'summary'>): ScoredTasks {
  const t = modeTasks(mode);
  return { summary: t.task1 && hasGoldSummary(gold), ner: t.task2, matching: t.task2 };
}

export interface SummaryScore {
  /** The answer had no Task 1 summary (scored as an empty prediction). */
  missing: boolean;
  /** rouge-score ROUGE-1/2/L/Lsum of the summary against the gold summary (fractions). */
  rouge: RougeScores;
  /** sacreBLEU sufficient statistics (13a, after rstrip). */
  bleu: BleuStats;
  /** sacreBLEU `sentence_bleu` (exp smoothing, effective order), 0–100, from the same statistics. */
  sentenceBleu: number;
}

/** Format compliance of the anchors the mode asked for (absent: not asked). */
export interface FormatScore {
  task1?: boolean;
  ner?: boolean;
  pairs?: boolean;
  /** Every asked anchor well-formed. */
  ok: boolean;
  /** The parser's diagnostic codes. */
  diagnostics: Diagnostic['code'][];
}

/** The per-sample score of one answer in one mode: what every reader (assertions, report, HTML) reads. */
export interface SampleScore {
  mode: Mode;
  /** What the PFA parser read from the answer. */
  answer: { summary: string | null; entities: AnswerEntity[]; pairs: AnswerPair[]; compliance: Compliance };
  /** Null when the row is not scored on Task 1 (see `scoredTasks`). */
  summary: SummaryScore | null;
  /** Null when the mode did not ask for Task 2. */
  ner: NerStats | null;
  /** Null when the mode did not ask for Task 2; `accuracy` null without gold pairs. */
  matching: MatchingStats | null;
  format: FormatScore;
}

export interface ScoreOptions {
  /** Porter stemmer in ROUGE (rouge-score `use_stemmer`); default false. */
  stemmer?: boolean;
}

/**
 * Scores one answer of one mode against the gold: parses it once (PFA reading rules), then ROUGE and
 * sacreBLEU statistics of the summary, NER P/R/F1 and image–entity matching, each only where
 * `scoredTasks` says so, and the format compliance of the asked anchors. Pure: the same input gives
 * the same score in any call order.
 */
export function scoreSample(mode: Mode, answer: string, gold: Gold, options: ScoreOptions = {}): SampleScore {
  const tasks = scoredTasks(mode, gold);
  const asked = modeTasks(mode);
  const parsed = parseAnswer(answer, { mode });
  let summary: SummaryScore | null = null;
  if (tasks.summary) {
    const prediction = parsed.summary ?? '';
    const reference = gold.summary as string;
    const bleu = sacreBleuStats(prediction, reference);
    summary = {
      missing: parsed.summary === null,
      rouge: rougeScores(prediction, reference, { stemmer: options.stemmer ?? false }),
      bleu,
      sentenceBleu: sacreBleuFromStats(bleu, { smoothMethod: 'exp', effectiveOrder: true }).score,
    };
  }
  const format: FormatScore = { ok: true, diagnostics: parsed.diagnostics.map((d) => d.code) };
  if (asked.task1) format.task1 = parsed.compliance.task1;
  if (asked.task2) {
    format.ner = parsed.compliance.ner;
    format.pairs = parsed.compliance.pairs;
  }
  format.ok = format.task1 !== false && format.ner !== false && format.pairs !== false;
  return {
    mode,
    answer: { summary: parsed.summary, entities: parsed.entities, pairs: parsed.pairs, compliance: parsed.compliance },
    summary,
    ner: tasks.ner ? nerStats(gold.entities, parsed.entities) : null,
    matching: tasks.matching ? matchingStats(gold.pairs, parsed.pairs) : null,
    format,
  };
}
