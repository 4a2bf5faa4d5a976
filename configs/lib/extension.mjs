// The M-MRE promptfoo extension of @mmre/assertions, one entry for every hook (`file://lib/extension.mjs:mmre`):
// `beforeAll` adds the corpus-level `derivedMetrics` (corpus BLEU exactly as sacrebleu, micro NER F1, micro
// image–entity accuracy, mean ROUGE, format rates) to the suite — functions, which a YAML config cannot hold;
// `afterEach` writes each row's named scores (the sums those metrics are computed from) into the row, so the
// `mmre` assertion can leave them out of its grading result (`namedScores: false`): promptfoo would keep them
// there three more times per row.
import { extension } from '@mmre/assertions';

export const mmre = extension;
