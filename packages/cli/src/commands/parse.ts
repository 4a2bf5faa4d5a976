import { isMode, MODES, parseAnswer } from '@mmre/core';
import { describeLineIssues } from '@mmre/core/jsonl';
import type { Command } from 'commander';
import { z } from 'zod';

const ParseLineSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  mode: z.enum(MODES).optional(),
  output: z.string({ message: 'output must be the model answer as a string' }),
});

interface ParseOpts {
  input?: string;
  mode?: string;
  pretty?: boolean;
}

/** Registers `mmre parse`. */
export function registerParseCommand(program: Command): void {
  program
    .command('parse')
    .description(
      'Read PFA answers: with --input, a JSONL file of {"id","mode","output"} lines → one JSON line per input; ' +
        'without it, one answer from stdin → one JSON object',
    )
    .option('-i, --input <file>', 'JSONL file of {"id", "mode", "output"} lines ("-" for stdin)')
    .option('-m, --mode <mode>', `mode of a single stdin answer: ${MODES.join(', ')}`)
    .option('--pretty', 'indent the JSON of a single answer')
    .addHelpText(
      'after',
      `
Output per answer: {"id", "summary", "entities": [{"label","text"}], "pairs": [{"segment","entity"}],
"compliance": {"task1","ner","pairs"}, "diagnostics": [{"code","message","offset"}]}. "summary" is null
when the answer has none. A malformed input line is reported on stderr as FILE:LINE and skipped; the
exit code is then 1.

Examples:
  mmre parse --input answers.jsonl > parsed.jsonl
  echo "Task 1 Answer: A dog." | mmre parse --mode summary`,
    )
    .action(async (opts: ParseOpts) => {
      const mode = opts.mode;
      if (mode !== undefined && !isMode(mode))
        throw new Error(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
      if (!opts.input) {
        let text = '';
        process.stdin.setEncoding('utf8');
        for await (const chunk of process.stdin) text += chunk;
        const r = parseAnswer(text, mode ? { mode } : {});
        process.stdout.write(`${JSON.stringify({ id: null, ...r }, null, opts.pretty ? 2 : undefined)}\n`);
        return;
      }
      const { readJsonl } = await import('../io.js');
      let bad = 0;
      const out: string[] = [];
      const flush = () => {
        if (out.length) process.stdout.write(`${out.join('\n')}\n`);
        out.length = 0;
      };
      for await (const { line, value, error } of readJsonl(opts.input)) {
        if (error) {
          bad++;
          process.stderr.write(`${error}\n`);
          continue;
        }
        const parsed = ParseLineSchema.safeParse(value);
        if (!parsed.success) {
          bad++;
          process.stderr.write(
            `${opts.input}:${line}: ${describeLineIssues(parsed.error)} (expected {"id", "mode", "output"})\n`,
          );
          continue;
        }
        const { id, mode: lineMode, output } = parsed.data;
        out.push(JSON.stringify({ id, ...parseAnswer(output, lineMode ? { mode: lineMode } : {}) }));
        if (out.length >= 512) flush();
      }
      flush();
      if (bad > 0) {
        process.stderr.write(`mmre parse: ${bad} malformed line(s) skipped\n`);
        process.exitCode = 1;
      }
    });
}
