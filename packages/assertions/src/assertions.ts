import { MODES } from '@mmre/core';
import { namedScores, type SampleScore, scoreSample } from '@mmre/scorer';
import { z } from 'zod';
import { type AssertionContext, belowMinimums, fmt, type GradingResult, ROW_SCORES, readRow } from './context.js';

const ratio = (name: string) =>
  z
    .number({ message: `${name} must be a number between 0 and 1` })
    .min(0, { message: `${name} must be ≥ 0` })
    .max(1, { message: `${name} must be ≤ 1` })
    .optional();
const bleuMin = (name: string) =>
  z
    .number({ message: `${name} must be a number between 0 and 100 (sacrebleu scale)` })
    .min(0, { message: `${name} must be ≥ 0` })
    .max(100, { message: `${name} must be ≤ 100 (sacrebleu scale)` })
    .optional();
const modeOption = z.enum(MODES).optional();
const stemmerOption = z.boolean({ message: 'stemmer must be true or false' }).optional();

/** Options of the `mmre` assertion: the mode (else vars.mode), the ROUGE stemmer, and per-task minimums. */
export const MmreConfigSchema = z
  .object({
    mode: modeOption,
    /** Porter stemmer in ROUGE (rouge-score `use_stemmer`); default false. */
    stemmer: stemmerOption,
    minRouge1: ratio('minRouge1'),
    minRouge2: ratio('minRouge2'),
    minRougeL: ratio('minRougeL'),
    minRougeLsum: ratio('minRougeLsum'),
    /** Minimum sentence BLEU, on sacrebleu's 0–100 scale. */
    minBleu: bleuMin('minBleu'),
    minNerPrecision: ratio('minNerPrecision'),
    minNerRecall: ratio('minNerRecall'),
    minNerF1: ratio('minNerF1'),
    /** Checked only on samples with gold pairs (accuracy is undefined otherwise). */
    minAccuracy: ratio('minAccuracy'),
    minPairPrecision: ratio('minPairPrecision'),
    minPairF1: ratio('minPairF1'),
    /** Minimum fraction of the asked anchors that are well-formed (default 1: all). */
    minCompliance: ratio('minCompliance'),
    /**
     * Emit the named scores in the grading result (default true). The M-MRE extension writes them into
     * the row instead; with it, `false` keeps promptfoo from storing them three more times per row.
     */
    namedScores: z.boolean({ message: 'namedScores must be true or false' }).optional(),
  })
  .strict();
export type MmreConfig = z.infer<typeof MmreConfigSchema>;

type Task = 'summary' | 'ner' | 'matching' | 'format';

/** The outcome text of a task the row's mode did not ask for. */
const NOT_ASKED = 'not asked';

interface TaskOutcome {
  /** null: the row is not scored on this task (not asked, or no gold for it). */
  score: number | null;
  failures: string[];
  text: string;
}

function summaryOutcome(s: SampleScore, c: MmreConfig): TaskOutcome {
  if (!s.summary)
    return {
      score: null,
      failures: [],
      text: s.mode === 'mner' ? NOT_ASKED : 'not scored: the sample has no gold summary',
    };
  const { rouge, sentenceBleu, missing } = s.summary;
  const failures = belowMinimums([
    ['ROUGE-1', rouge.rouge1.fmeasure, c.minRouge1],
    ['ROUGE-2', rouge.rouge2.fmeasure, c.minRouge2],
    ['ROUGE-L', rouge.rougeL.fmeasure, c.minRougeL],
    ['ROUGE-Lsum', rouge.rougeLsum.fmeasure, c.minRougeLsum],
    ['BLEU', sentenceBleu, c.minBleu],
  ]);
  const text = `ROUGE-1 ${fmt(rouge.rouge1.fmeasure)}, ROUGE-2 ${fmt(rouge.rouge2.fmeasure)}, ROUGE-L ${fmt(rouge.rougeL.fmeasure)}, BLEU ${fmt(sentenceBleu, 2)}${missing ? ' (no Task 1 answer: scored as empty)' : ''}`;
  return { score: rouge.rougeL.fmeasure, failures, text };
}

function nerOutcome(s: SampleScore, c: MmreConfig): TaskOutcome {
  if (!s.ner) return { score: null, failures: [], text: NOT_ASKED };
  const n = s.ner;
  const failures = belowMinimums([
    ['precision', n.precision, c.minNerPrecision],
    ['recall', n.recall, c.minNerRecall],
    ['F1', n.f1, c.minNerF1],
  ]);
  return {
    score: n.f1,
    failures,
    text: `P ${fmt(n.precision)}, R ${fmt(n.recall)}, F1 ${fmt(n.f1)} (tp ${n.tp}, fp ${n.fp}, fn ${n.fn})`,
  };
}

function matchingOutcome(s: SampleScore, c: MmreConfig): TaskOutcome {
  if (!s.matching) return { score: null, failures: [], text: NOT_ASKED };
  const m = s.matching;
  // Pair precision and F1 are not checked on a sample with neither gold nor predicted pairs.
  const anyPair = m.gold > 0 || m.pred > 0;
  const failures = belowMinimums([
    ['accuracy', m.accuracy, c.minAccuracy],
    ['pair precision', anyPair ? m.precision : null, c.minPairPrecision],
    ['pair F1', anyPair ? m.f1 : null, c.minPairF1],
  ]);
  const acc = m.accuracy === null ? 'accuracy n/a (no gold pair)' : `accuracy ${fmt(m.accuracy)}`;
  return {
    // on a sample without gold pairs: 1 when nothing was predicted, else 0
    score: m.accuracy ?? (m.pred === 0 ? 1 : 0),
    failures,
    text: `${acc}, pair P ${fmt(m.precision)}, F1 ${fmt(m.f1)} (correct ${m.correct}, gold ${m.gold}, pred ${m.pred})`,
  };
}

function formatOutcome(s: SampleScore, c: MmreConfig): TaskOutcome {
  const f = s.format;
  const checks: [string, boolean | undefined][] = [
    ['Task 1 Answer', f.task1],
    ['NER', f.ner],
    ['image-entity pair', f.pairs],
  ];
  const asked = checks.filter(([, v]) => v !== undefined);
  const good = asked.filter(([, v]) => v === true).length;
  const score = asked.length === 0 ? 1 : good / asked.length;
  const min = c.minCompliance ?? 1;
  const bad = asked.filter(([, v]) => v === false).map(([label]) => label);
  const text =
    bad.length === 0
      ? 'well-formed'
      : `malformed or missing: ${bad.join(', ')}${f.diagnostics.length ? `; diagnostics: ${f.diagnostics.join(', ')}` : ''}`;
  return { score, failures: score < min ? [`compliance ${fmt(score)} < ${min}`] : [], text };
}

const OUTCOMES: Record<Task, (s: SampleScore, c: MmreConfig) => TaskOutcome> = {
  summary: summaryOutcome,
  ner: nerOutcome,
  matching: matchingOutcome,
  format: formatOutcome,
};

/** The named scores of a task: the ones under its prefixes. */
const PREFIXES: Record<Task, readonly string[]> = {
  summary: ['summary.', 'bleu.'],
  ner: ['ner.'],
  matching: ['matching.'],
  format: ['format.'],
};

function grade(name: string, tasks: readonly Task[], s: SampleScore, c: MmreConfig): GradingResult {
  const outcomes = tasks.map((t) => [t, OUTCOMES[t](s, c)] as const);
  const scored = outcomes.filter(([, o]) => o.score !== null);
  const failed = outcomes.filter(([, o]) => o.failures.length > 0);
  const all = namedScores(s);
  const named: Record<string, number> = {};
  for (const [k, v] of Object.entries(all))
    if (tasks.some((t) => PREFIXES[t].some((p) => k.startsWith(p)))) named[k] = v;
  // Tasks the mode did not ask for are left out of the reason (it is stored in every result row).
  const reason = outcomes
    .filter(([, o]) => o.text !== NOT_ASKED)
    .map(([t, o]) => `${t}: ${o.failures.length ? `below threshold: ${o.failures.join(', ')}; ` : ''}${o.text}`)
    .join('; ');
  const result: GradingResult = {
    pass: failed.length === 0,
    score: scored.length === 0 ? 1 : scored.reduce((a, [, o]) => a + (o.score as number), 0) / scored.length,
    reason: failed.length ? `${name} below threshold: ${reason}` : reason,
    // for the extension, whatever `namedScores` says (never stored: see ROW_SCORES)
    [ROW_SCORES]: { all, own: named, tasks },
  };
  if (c.namedScores !== false && Object.keys(named).length > 0) result.namedScores = named;
  return result;
}

function run(
  name: string,
  schema: z.ZodType<MmreConfig>,
  tasks: readonly Task[],
  output: unknown,
  context: AssertionContext | undefined,
): GradingResult {
  const row = readRow(name, schema, output, context);
  if ('pass' in row) return row;
  const s = scoreSample(row.mode, row.text, row.vars.gold, { stemmer: row.config.stemmer ?? false });
  return grade(name, tasks, s, row.config);
}

/**
 * The M-MRE assertion: scores the row once with `scoreSample` of @mmre/scorer (the mode from
 * `config.mode`, else `vars.mode`) and emits every named score of the tasks the row is scored on
 * (`namedScores`), which promptfoo sums per prompt for the derived corpus metrics. Score = the mean of
 * the scored tasks' headline scores (ROUGE-L F, NER F1, image–entity accuracy, format compliance);
 * passes when every configured minimum is met and the asked anchors are well-formed
 * (`minCompliance`, default 1).
 */
export function mmre(output: unknown, context?: AssertionContext): GradingResult {
  return run('mmre', MmreConfigSchema, ['summary', 'ner', 'matching', 'format'], output, context);
}

/** The single-task assertions take the `mmre` options of their task (same names, same meaning). */
export const SummaryConfigSchema = MmreConfigSchema.pick({
  mode: true,
  stemmer: true,
  minRouge1: true,
  minRouge2: true,
  minRougeL: true,
  minRougeLsum: true,
  minBleu: true,
  namedScores: true,
});
export const NerConfigSchema = MmreConfigSchema.pick({
  mode: true,
  minNerPrecision: true,
  minNerRecall: true,
  minNerF1: true,
  namedScores: true,
});
export const MatchingConfigSchema = MmreConfigSchema.pick({
  mode: true,
  minAccuracy: true,
  minPairPrecision: true,
  minPairF1: true,
  namedScores: true,
});
export const FormatConfigSchema = MmreConfigSchema.pick({ mode: true, minCompliance: true, namedScores: true });

/** Task 1 alone (the Task 1 part of `mmre`): ROUGE-1/2/L/Lsum F and sentence BLEU; score = ROUGE-L F. */
export function summary(output: unknown, context?: AssertionContext): GradingResult {
  return run('summary', SummaryConfigSchema, ['summary'], output, context);
}

/** Task 2a alone (the NER part of `mmre`): P/R/F1 against the gold entities; score = F1. */
export function ner(output: unknown, context?: AssertionContext): GradingResult {
  return run('ner', NerConfigSchema, ['ner'], output, context);
}

/** Task 2b alone (the matching part of `mmre`): image–entity accuracy, pair precision and F1; score = accuracy. */
export function matching(output: unknown, context?: AssertionContext): GradingResult {
  return run('matching', MatchingConfigSchema, ['matching'], output, context);
}

/** PFA compliance alone (the format part of `mmre`); score = fraction of asked anchors well-formed. */
export function format(output: unknown, context?: AssertionContext): GradingResult {
  return run('format', FormatConfigSchema, ['format'], output, context);
}
