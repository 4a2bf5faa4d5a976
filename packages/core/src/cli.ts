import { writeSync } from 'node:fs';

/**
 * True when this process is promptfoo's command line running `eval` (its bin or its dist entry point,
 * with `eval` as the first word that is not an option). There, an error in a config or an environment
 * that makes the whole run pointless is printed alone and the process ends with exit code 1: promptfoo
 * would print it with a stack trace (or fail every row with it). Anywhere else (promptfoo's `evaluate`,
 * `promptfoo view`, tests) the caller throws instead.
 */
export function isPromptfooEval(argv: readonly string[]): boolean {
  const script = argv[1] ?? '';
  if (argv.slice(2).find((a) => !a.startsWith('-')) !== 'eval') return false;
  return (
    /[\\/]promptfoo[\\/]dist[\\/]src[\\/](main|entrypoint)\.[cm]?js$/.test(script) || /[\\/]promptfoo$/.test(script)
  );
}

/**
 * Ends a run that cannot go on with one message: under `promptfoo eval` (see {@link isPromptfooEval}) the
 * message is written alone to stderr, synchronously (so it is out before the process ends, whatever stderr is),
 * and the process exits with code 1; anywhere else `error` is thrown. The one place for this step: a bad
 * provider config, a dataset the test generator cannot read, providers that are not ready.
 */
export function endPromptfooEval(message: string, error: Error, argv: readonly string[] = process.argv): never {
  if (isPromptfooEval(argv)) {
    writeSync(2, `\n${message}\n`);
    process.exit(1);
  }
  throw error;
}
