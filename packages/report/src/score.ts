import type { AnswerEntity, AnswerPair, Gold, Mode } from '@mmre/core';
import { modeTasks, parseAnswer } from '@mmre/core';
import type { BleuStats } from '@mmre/metrics';
import { matchingStats, nerStats, rougeScores, sacreBleuStats } from '@mmre/metrics';

/** The per-sample sufficient statistics of one mode's answer, recomputed from the output and the gold. */
export interface ModeSample {
  /** Raw model output ('' when the call errored). */
  output: string;
  error: string | null;
  cached: boolean;
  /** What the PFA parser read. */
  summary: string | null;
  entities: AnswerEntity[];
  pairs: AnswerPair[];
  /** Format compliance of each anchor the mode asked for (absent: not asked). */
  compliance: { task1?: boolean; ner?: boolean; pairs?: boolean };
  /** Every asked anchor compliant. */
  compliant: boolean;
  /** Parser diagnostic codes. */
  diagnostics: string[];
  /** ROUGE F-measures (fractions), when the mode asked for Task 1 and the sample has a gold summary. */
  rouge: { rouge1: number; rouge2: number; rougeL: number; rougeLsum: number } | null;
  /** sacrebleu sufficient statistics of the summary (same condition as `rouge`). */
  bleu: BleuStats | null;
  /** NER counts and per-sample P/R/F1, when the mode asked for Task 2. */
  ner: { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number } | null;
  /** Image–entity matching counts, when the mode asked for Task 2. `accuracy` null without gold pairs. */
  matching: {
    correct: number;
    gold: number;
    pred: number;
    accuracy: number | null;
    precision: number;
    f1: number;
  } | null;
}

export interface ScoreOptions {
  /** Porter stemmer in ROUGE (rouge-score `use_stemmer`); default false, as @mmre/assertions. */
  stemmer?: boolean;
}

/**
 * Scores one answer of one mode against the gold. An errored call is scored as an empty answer
 * (it counts against the mode, and is counted in the report's errors).
 */
export function scoreAnswer(
  mode: Mode,
  output: string | null,
  gold: Gold,
  extra: { error?: string | null; cached?: boolean } = {},
  options: ScoreOptions = {},
): ModeSample {
  const tasks = modeTasks(mode);
  const text = output ?? '';
  const parsed = parseAnswer(text, { mode });
  const compliance: ModeSample['compliance'] = {};
  if (tasks.task1) compliance.task1 = parsed.compliance.task1;
  if (tasks.task2) {
    compliance.ner = parsed.compliance.ner;
    compliance.pairs = parsed.compliance.pairs;
  }
  const compliant = Object.values(compliance).every(Boolean);
  let rouge: ModeSample['rouge'] = null;
  let bleu: ModeSample['bleu'] = null;
  if (tasks.task1 && typeof gold.summary === 'string' && gold.summary.trim() !== '') {
    const pred = parsed.summary ?? '';
    const r = rougeScores(pred, gold.summary, { stemmer: options.stemmer ?? false });
    rouge = {
      rouge1: r.rouge1.fmeasure,
      rouge2: r.rouge2.fmeasure,
      rougeL: r.rougeL.fmeasure,
      rougeLsum: r.rougeLsum.fmeasure,
    };
    bleu = sacreBleuStats(pred, gold.summary);
  }
  let ner: ModeSample['ner'] = null;
  let matching: ModeSample['matching'] = null;
  if (tasks.task2) {
    const n = nerStats(gold.entities, parsed.entities);
    ner = { tp: n.tp, fp: n.fp, fn: n.fn, precision: n.precision, recall: n.recall, f1: n.f1 };
    const m = matchingStats(gold.pairs, parsed.pairs);
    matching = {
      correct: m.correct,
      gold: m.gold,
      pred: m.pred,
      accuracy: m.accuracy,
      precision: m.precision,
      f1: m.f1,
    };
  }
  return {
    output: text,
    error: extra.error ?? null,
    cached: extra.cached ?? false,
    summary: parsed.summary,
    entities: parsed.entities,
    pairs: parsed.pairs,
    compliance,
    compliant,
    diagnostics: parsed.diagnostics.map((d) => d.code),
    rouge,
    bleu,
    ner,
    matching,
  };
}
