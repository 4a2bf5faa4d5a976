import { dirname } from 'node:path';
import { describeVarsIssues, formatAnswer, MODES, modeOf, TestVarsSchema } from '@mmre/core';
import { loadDataset } from '@mmre/dataset';
import { onceByKey, withResponseCache } from '@mmre/provider-transport';
import { z } from 'zod';
import {
  type CallContext,
  errorMessage,
  findDatasetRoot,
  type ProviderOptions,
  type ProviderResponse,
  parseConfig,
  resolveFrom,
} from './common.js';
import { type BaselineModel, buildModel, predict } from './model.js';

export const BaselineConfigSchema = z
  .object({
    /** Dataset folder to learn from (its train split). Relative paths: from the promptfoo config's folder. */
    dataset: z.string().min(1, { message: 'must be a dataset folder path' }).optional(),
    /** Force a mode instead of reading it from vars.mode (which the @mmre/pfa prompts set). */
    mode: z.enum(MODES, { message: `must be one of ${MODES.join(', ')}` }).optional(),
    /** Split to learn from (default `train`). */
    split: z.string().min(1).default('train'),
  })
  .strict();
export type BaselineConfig = z.input<typeof BaselineConfigSchema>;
/** Part of the cache key: bump it when the baseline's rules change, so cached answers of the old rules are not served. */
export const BASELINE_ALGORITHM = 1;
const ALLOWED = Object.keys(BaselineConfigSchema.shape);

interface LoadedModel {
  model: BaselineModel;
  root: string;
  /** Problems of the split's records (each with file:line), reported once on stderr. */
  issues: number;
  /** Records of the split the baseline did not learn from (they fail `mmre dataset validate`'s record checks). */
  skipped: number;
}
const loadModel = onceByKey((key: string) => {
  const [root, split] = key.split('\u0000') as [string, string];
  // loadDataset applies the record checks of `mmre dataset validate`: the baseline never learns from a
  // record validate rejects (a repeated id, bad segments, pairs or boxes, a path leaving the dataset).
  return loadDataset(root, { split }).then(
    ({ samples, issues, skipped }): LoadedModel => {
      if (issues.length > 0) {
        const shown = issues.slice(0, 5).map((i) => `  ${i.message}`);
        process.stderr.write(
          `BaselineProvider: learning from split ${JSON.stringify(split)} of ${root}: ${skipped} record(s) skipped, ${issues.length} problem(s) (see all with \`mmre dataset validate ${root}\`):\n${shown.join('\n')}${issues.length > 5 ? `\n  … and ${issues.length - 5} more` : ''}\n`,
        );
      }
      return { model: buildModel(samples), root, issues: issues.length, skipped };
    },
    (err: unknown) => {
      throw new Error(
        `cannot load dataset ${root}: ${errorMessage(err)}; fix: set config.dataset (or MMRE_DATASET) to a dataset folder with dataset.json and samples.jsonl`,
      );
    },
  );
});

/** The baseline model for a dataset folder and split, built once per process. */
export function loadBaselineModel(root: string, split = 'train'): Promise<LoadedModel> {
  return loadModel(`${root}\u0000${split}`);
}

/**
 * A rule-based M-MRE baseline, offline and deterministic (rules in the README): NER from a train
 * gazetteer plus @mentions, #hashtags and capitalised spans; summary = the train summary whose
 * text is nearest by TF-IDF cosine; segments matched to entities in a fixed order. One algorithm
 * serves every mode: `joint` prints exactly the `summary` output and the `mner` output.
 *
 * promptfoo: `package:@mmre/provider-offline:BaselineProvider` or
 * `file://node_modules/@mmre/provider-offline/dist/baseline.js`.
 */
export class BaselineProvider {
  readonly config: z.infer<typeof BaselineConfigSchema>;
  readonly label?: string;
  private readonly providerId: string;
  private readonly basePath: string;
  private readonly env: Record<string, string | undefined>;

  constructor(options: ProviderOptions<BaselineConfig> = {}) {
    const { config, basePath } = parseConfig(BaselineConfigSchema, options.config, 'BaselineProvider', ALLOWED);
    this.config = config;
    this.basePath = basePath;
    this.providerId = options.id ?? 'mmre:baseline';
    if (options.label) this.label = options.label;
    this.env = options.env ?? {};
  }

  id(): string {
    return this.providerId;
  }

  toString(): string {
    return `[BaselineProvider ${this.providerId}]`;
  }

  private datasetRoot(vars: Record<string, unknown>, image: string): string | null {
    if (this.config.dataset) return resolveFrom(this.basePath, this.config.dataset);
    if (typeof vars.dataset === 'string' && vars.dataset) return resolveFrom(this.basePath, vars.dataset);
    const env = this.env.MMRE_DATASET ?? process.env.MMRE_DATASET;
    if (env) return resolveFrom(process.cwd(), env);
    return findDatasetRoot(dirname(image));
  }

  async callApi(prompt: string, context?: CallContext): Promise<ProviderResponse> {
    const started = performance.now();
    try {
      const rawVars = (context?.vars ?? {}) as Record<string, unknown>;
      const parsed = TestVarsSchema.safeParse(rawVars);
      if (!parsed.success)
        return {
          error: `BaselineProvider: test vars${rawVars.id !== undefined ? ` of sample ${JSON.stringify(rawVars.id)}` : ''} are not M-MRE test vars: ${describeVarsIssues(parsed.error)}`,
        };
      const vars = parsed.data;
      const mode = modeOf(this.config.mode, vars.mode);
      if (!mode)
        return {
          error: `BaselineProvider: cannot tell the mode of sample ${JSON.stringify(vars.id)}: neither config.mode nor vars.mode names a mode; fix: use the @mmre/pfa prompts (they set vars.mode), or set vars.mode or config.mode (${MODES.join(', ')})`,
        };
      const root = this.datasetRoot(rawVars, vars.image);
      if (!root)
        return {
          error: `BaselineProvider: no dataset to learn from for sample ${JSON.stringify(vars.id)} (no config.dataset, vars.dataset or MMRE_DATASET, and no dataset.json above ${vars.image}); fix: set config.dataset`,
        };
      // promptfoo's cache: a rerun of the same question (provider, config, mode, prompt, sample, dataset)
      // is served from it instead of being recomputed.
      return await withResponseCache<ProviderResponse>(
        context,
        {
          provider: 'baseline',
          parts: {
            kind: 'baseline',
            algorithm: BASELINE_ALGORITHM,
            config: this.config,
            mode,
            prompt,
            id: vars.id,
            // what the baseline reads besides the prompt (a plain-text prompt may not carry them)
            text: vars.text,
            segments: (vars.segments ?? []).map((s) => s.id),
            dataset: root,
          },
        },
        async () => {
          const { model } = await loadBaselineModel(root, this.config.split);
          const answer = predict(model, {
            id: vars.id,
            text: vars.text,
            segmentIds: (vars.segments ?? []).map((s) => s.id),
          });
          return {
            output: formatAnswer(answer, mode),
            tokenUsage: { total: 0, prompt: 0, completion: 0, numRequests: 1 },
            latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
            cached: false,
            metadata: {
              mode,
              dataset: root,
              trainSamples: model.trainSamples,
              gazetteerEntries: model.gazetteer.size,
              summaryFrom: answer.summaryFrom,
            },
          };
        },
      );
    } catch (err) {
      return { error: `BaselineProvider: ${errorMessage(err)}` };
    }
  }
}

export default BaselineProvider;
