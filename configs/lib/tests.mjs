// The @mmre/dataset test generator with this repository's defaults:
//   dataset  MMRE_DATASET (default: ../datasets/mmre-sample beside this folder)
//   split    MMRE_SPLIT   (default: test)
//   limit    MMRE_LIMIT   (default: every sample)
// Values in the config's `config:` block win over these defaults; MMRE_IDS and MMRE_SEED are read
// by the generator itself. The environment of the PFA prompts (MMRE_IMAGES, MMRE_MIN_PIXELS,
// MMRE_MAX_PIXELS, MMRE_IMAGE_PASSTHROUGH) is checked here once: a bad value is one message before any
// test runs, not the same error on every row.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError, generateTests as generate } from '@mmre/dataset';
import { envPfaOptions, PfaOptionsError } from '@mmre/pfa';

const here = dirname(fileURLToPath(import.meta.url));
export const SAMPLE_DATASET = join(here, '..', '..', 'datasets', 'mmre-sample');

function checkPromptEnvironment() {
  try {
    envPfaOptions(process.env);
  } catch (err) {
    if (err instanceof PfaOptionsError) throw new DatasetError(`mmre: ${err.message}`);
    throw err;
  }
}

export function generateTests(config = {}) {
  const env = process.env;
  const defaults = {
    ...(env.MMRE_DATASET ? {} : { dataset: SAMPLE_DATASET }),
    ...(env.MMRE_SPLIT ? {} : { split: 'test' }),
  };
  return generate({ ...defaults, ...(config ?? {}) }, { preflight: checkPromptEnvironment });
}
