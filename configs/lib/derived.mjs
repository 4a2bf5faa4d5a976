// promptfoo extension: adds the corpus-level `derivedMetrics` of @mmre/assertions (corpus BLEU
// exactly as sacrebleu, micro NER F1, micro image–entity accuracy, mean ROUGE, format rate) to the
// suite. They are functions, which a YAML config cannot hold; promptfoo's `beforeAll` hook may
// return the suite with `derivedMetrics` set. Metrics the config already lists are kept.
import { derivedMetrics } from '@mmre/assertions';

export function beforeAll(context) {
  const suite = context.suite;
  const have = new Set((suite.derivedMetrics ?? []).map((m) => m.name));
  return {
    suite: {
      ...suite,
      derivedMetrics: [...(suite.derivedMetrics ?? []), ...derivedMetrics.filter((m) => !have.has(m.name))],
    },
  };
}
