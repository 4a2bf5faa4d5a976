import { describeLineIssues } from '@mmre/core/jsonl';
import type { NltkBleuStats, RougeScores } from '@mmre/metrics';
import type { Command } from 'commander';
import { z } from 'zod';

/**
 * One input line. Other fields (e.g. `category`, or the expected values of a parity file) are ignored,
 * so `metrics-public.jsonl` itself can be scored.
 */
export const MetricsPairSchema = z.object({
  id: z.union([z.string(), z.number()], { error: 'expected a string (or a number)' }),
  prediction: z.string(),
  reference: z.string(),
});
export type MetricsPair = z.infer<typeof MetricsPairSchema>;

export interface MetricsRunOptions {
  /** JSONL path, or `-` for stdin. */
  input: string;
  /** Print one corpus-level object instead of one line per pair. */
  corpus?: boolean;
}

export interface TextSink {
  write(chunk: string): unknown;
}

const DESCRIPTION = `Score prediction/reference pairs with ROUGE, sacreBLEU and NLTK BLEU, giving
the exact values of the Python references: rouge-score 0.1.2 (with and
without its Porter stemmer), sacrebleu 2.6.0 and NLTK 3.8.

Input: JSONL, one {"id", "prediction", "reference"} object per line (other
fields are ignored). Output: one JSON line per valid input line, in order:
  id
  rouge, rouge_stemmed
      {rouge1, rouge2, rougeL, rougeLsum} of {precision, recall, fmeasure}
  sacrebleu
      sentence_bleu(prediction, [reference]), 13a tokenizer, exp smoothing,
      effective order: score, counts, totals, precisions, bp, sys_len,
      ref_len; score_floor, score_add_k, score_none (other smoothings)
  nltk
      sentence_bleu([reference.split()], prediction.split()): none,
      method1, method4, method7 (SmoothingFunction defaults), and
      <name>_warnings when NLTK warns (none: one per order without match)

With --corpus, one JSON object instead: n_pairs, sacrebleu (corpus_bleu),
nltk {none, method1} (corpus_bleu), rouge_mean, rouge_stemmed_mean.

A malformed line (bad JSON, missing or non-string field) is reported on
stderr as FILE:LINE: reason; the other lines are still scored, and the
exit code is 1.`;

const EXAMPLES = `
Examples:
  $ mmre metrics --input pairs.jsonl > scores.jsonl
  $ mmre metrics --input pairs.jsonl --corpus
  $ cat pairs.jsonl | mmre metrics --input -`;

/** Registers `mmre metrics`. The metrics code is imported only when the command runs. */
export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .summary('Score prediction/reference pairs: ROUGE, sacreBLEU and NLTK BLEU, with parity to the Python libraries')
    .description(DESCRIPTION)
    .requiredOption('-i, --input <file>', 'JSONL file of {"id","prediction","reference"} lines, or - for stdin')
    .option('--corpus', 'print one corpus-level JSON object instead of one line per pair')
    .addHelpText('after', EXAMPLES)
    .action(async (opts: { input: string; corpus?: boolean }) => {
      const code = await runMetrics(
        { input: opts.input, corpus: opts.corpus === true },
        process.stdout,
        process.stderr,
      );
      if (code !== 0) process.exitCode = code;
    });
}

/** Explains a zod issue list as `field "x": problem` parts, with the fix. */
function describeIssues(error: z.ZodError): string {
  return `${describeLineIssues(error)} (each line must be an object {"id": string, "prediction": string, "reference": string})`;
}

/**
 * Runs `mmre metrics`: reads the pairs, writes the scores to `out`, problems to `err`.
 * Returns the exit code: 0, or 1 when a line was malformed or nothing could be scored.
 */
export async function runMetrics(options: MetricsRunOptions, out: TextSink, err: TextSink): Promise<number> {
  const [{ readJsonl }, m] = await Promise.all([import('../io.js'), import('@mmre/metrics')]);
  const label = options.input === '-' ? '<stdin>' : options.input;
  let bad = 0;
  let nPairs = 0;

  // Per-pair output is buffered and written in chunks.
  let buffer: string[] = [];
  const flush = (): void => {
    if (buffer.length > 0) {
      out.write(buffer.join(''));
      buffer = [];
    }
  };

  // Corpus accumulators.
  const sacreSum = { counts: [0, 0, 0, 0], totals: [0, 0, 0, 0], sysLen: 0, refLen: 0 };
  const nltkStats: NltkBleuStats[] = [];
  const rouge: RougeScores[] = [];
  const rougeStemmed: RougeScores[] = [];

  try {
    for await (const rec of readJsonl(options.input)) {
      if (rec.error !== undefined) {
        bad++;
        err.write(`${rec.error.replace(/^-:/, `${label}:`)}\n`);
        continue;
      }
      const parsed = MetricsPairSchema.safeParse(rec.value);
      if (!parsed.success) {
        bad++;
        err.write(`${label}:${rec.line}: ${describeIssues(parsed.error)}\n`);
        continue;
      }
      const { id, prediction, reference } = parsed.data;
      nPairs++;
      const sacreStats = m.sacreBleuStats(prediction, reference);
      const nltk = m.nltkBleuStats(prediction, reference);
      // one tokenization of each text for both ROUGE variants
      const { plain: r, stemmed: rs } = m.rougeScoresBoth(prediction, reference);
      if (options.corpus) {
        for (let n = 0; n < 4; n++) {
          sacreSum.counts[n]! += sacreStats.counts[n]!;
          sacreSum.totals[n]! += sacreStats.totals[n]!;
        }
        sacreSum.sysLen += sacreStats.sysLen;
        sacreSum.refLen += sacreStats.refLen;
        nltkStats.push(nltk);
        rouge.push(r);
        rougeStemmed.push(rs);
        continue;
      }
      const exp = m.sacreBleuFromStats(sacreStats, { smoothMethod: 'exp', effectiveOrder: true });
      const nltkOut: Record<string, number> = {};
      for (const smoothing of m.NLTK_SMOOTHINGS) {
        const b = m.nltkBleuFromStats(nltk, { smoothing });
        nltkOut[smoothing] = b.score;
        if (b.warnings > 0) nltkOut[`${smoothing}_warnings`] = b.warnings;
      }
      const line = {
        id,
        rouge: r,
        rouge_stemmed: rs,
        sacrebleu: {
          score: exp.score,
          counts: exp.counts,
          totals: exp.totals,
          precisions: exp.precisions,
          bp: exp.bp,
          sys_len: exp.sys_len,
          ref_len: exp.ref_len,
          score_floor: m.sacreBleuFromStats(sacreStats, { smoothMethod: 'floor', effectiveOrder: true }).score,
          score_add_k: m.sacreBleuFromStats(sacreStats, { smoothMethod: 'add-k', effectiveOrder: true }).score,
          score_none: m.sacreBleuFromStats(sacreStats, { smoothMethod: 'none', effectiveOrder: true }).score,
        },
        nltk: nltkOut,
      };
      buffer.push(`${JSON.stringify(line)}\n`);
      if (buffer.length >= 256) flush();
    }
  } catch (e) {
    flush();
    const reason = e instanceof Error ? e.message : String(e);
    err.write(`${label}: cannot read the input (${reason}); check the path, or pass - to read stdin\n`);
    return 1;
  }
  flush();

  if (options.corpus) {
    if (nPairs === 0) {
      err.write(`${label}: no valid pairs to score; nothing printed\n`);
      return 1;
    }
    const sacre = m.sacreBleuFromStats(sacreSum, { smoothMethod: 'exp', effectiveOrder: false });
    const nltkSum = m.sumNltkBleuStats(nltkStats);
    const nltkOut: Record<string, number> = {};
    for (const smoothing of ['none', 'method1'] as const) {
      const b = m.nltkBleuFromStats(nltkSum, { smoothing });
      nltkOut[smoothing] = b.score;
      if (b.warnings > 0) nltkOut[`${smoothing}_warnings`] = b.warnings;
    }
    const corpus = {
      n_pairs: nPairs,
      sacrebleu: {
        score: sacre.score,
        counts: sacre.counts,
        totals: sacre.totals,
        precisions: sacre.precisions,
        bp: sacre.bp,
        sys_len: sacre.sys_len,
        ref_len: sacre.ref_len,
      },
      nltk: nltkOut,
      rouge_mean: m.meanRouge(rouge),
      rouge_stemmed_mean: m.meanRouge(rougeStemmed),
    };
    out.write(`${JSON.stringify(corpus, null, 2)}\n`);
  }
  if (bad > 0) {
    err.write(`${label}: ${bad} malformed line${bad === 1 ? '' : 's'} skipped; ${nPairs} scored\n`);
    return 1;
  }
  return 0;
}
