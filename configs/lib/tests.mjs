// The @mmre/dataset test generator with this repository's defaults:
//   dataset  MMRE_DATASET (default: ../datasets/mmre-sample beside this folder)
//   split    MMRE_SPLIT   (default: test)
//   limit    MMRE_LIMIT   (default: every sample)
// Values in the config's `config:` block win over these defaults; MMRE_IDS and MMRE_SEED are read
// by the generator itself.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTests as generate } from '@mmre/dataset';

const here = dirname(fileURLToPath(import.meta.url));
export const SAMPLE_DATASET = join(here, '..', '..', 'datasets', 'mmre-sample');

export function generateTests(config = {}) {
  const env = process.env;
  const defaults = {
    ...(env.MMRE_DATASET ? {} : { dataset: SAMPLE_DATASET }),
    ...(env.MMRE_SPLIT ? {} : { split: 'test' }),
  };
  return generate({ ...defaults, ...(config ?? {}) });
}
