import {
  DEFAULT_IMAGE_FORMAT,
  DEFAULT_JPEG_QUALITY,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MIN_PIXELS,
  type ImageSettings,
  QWEN_FACTOR,
} from '@mmre/images';
import { z } from 'zod';

// Env and option values arrive as strings or numbers: coerced, then a positive integer.
const positiveIntOrString = z.coerce.number().int().positive();

export const PfaTemplatesSchema = z
  .object({
    general: z.string(),
    task1: z.string(),
    task2: z.string(),
    task2NoSegments: z.string(),
  })
  .partial()
  .strict();

export const ShotsSchema = z
  .object({
    /** Dataset folder (dataset.json + samples.jsonl); relative paths are resolved from the working directory. */
    dataset: z.string().min(1),
    /** Number of examples (0 disables). */
    k: z.coerce.number().int().min(0).max(32),
    /** Seed of the choice (default 0). */
    seed: z.coerce.number().int().default(0),
    /** Split to draw from (default `train`). */
    split: z.string().min(1).default('train'),
  })
  .strict();
export type ShotsOptions = z.infer<typeof ShotsSchema>;

/** Options of a PFA prompt (factory options, promptfoo prompt `config`, env, vars). */
export const PfaOptionsSchema = z
  .object({
    templates: PfaTemplatesSchema.optional(),
    systemPrompt: z.string().min(1).optional(),
    shots: ShotsSchema.optional(),
    minPixels: positiveIntOrString.optional(),
    maxPixels: positiveIntOrString.optional(),
    factor: positiveIntOrString.optional(),
    format: z.enum(['jpeg', 'png']).optional(),
    quality: z.coerce.number().int().min(1).max(100).optional(),
    /**
     * Send an image file as it is when resizing here would only round it to the patch grid (the
     * server's Qwen processor does the same rounding); `false` resizes and re-encodes every image
     * here. Default true. Env: MMRE_IMAGE_PASSTHROUGH=0|1.
     */
    passthrough: z.boolean().optional(),
    /**
     * How images travel in the rendered prompt: `ref` (default) as compact references that this
     * project's providers turn into data URLs just before sending; `inline` as data URLs, for
     * providers that are not ours (promptfoo's built-in `openai:` provider, say). Env: MMRE_IMAGES.
     */
    images: z.enum(['ref', 'inline']).optional(),
  })
  .strict();
export type PfaOptions = z.input<typeof PfaOptionsSchema>;
export type ParsedPfaOptions = z.infer<typeof PfaOptionsSchema>;
export const PFA_OPTION_KEYS = Object.keys(PfaOptionsSchema.shape) as (keyof ParsedPfaOptions)[];

/** Thrown for an invalid option; the message names where it came from, the option and the fix. */
export class PfaOptionsError extends Error {
  override name = 'PfaOptionsError';
}

function describe(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `${source}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${[...issue.path, k].join('.')}\``).join(', ')} (allowed: ${PFA_OPTION_KEYS.join(', ')})`;
      return `${source}: option \`${issue.path.join('.') || '(root)'}\`: ${issue.message}`;
    })
    .join('; ');
}

/** Validates options (strict: unknown keys are errors). */
export function parsePfaOptions(input: unknown, source = 'pfa options'): ParsedPfaOptions {
  const r = PfaOptionsSchema.safeParse(input ?? {});
  if (!r.success) throw new PfaOptionsError(describe(r.error, source));
  return r.data;
}

/**
 * Picks the PFA keys out of an object that may hold other things (promptfoo's prompt `config` is
 * also passed to providers; test vars hold the sample) and validates them.
 */
export function pickPfaOptions(
  input: unknown,
  source: string,
  keys: readonly string[] = PFA_OPTION_KEYS,
): ParsedPfaOptions {
  if (!input || typeof input !== 'object') return {};
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    const v = (input as Record<string, unknown>)[key];
    if (v !== undefined && v !== null && v !== '') picked[key] = v;
  }
  return parsePfaOptions(picked, source);
}

/** Options read from the environment: MMRE_MIN_PIXELS, MMRE_MAX_PIXELS, MMRE_IMAGES, MMRE_IMAGE_PASSTHROUGH. */
export function envPfaOptions(env: NodeJS.ProcessEnv = process.env): ParsedPfaOptions {
  const out: ParsedPfaOptions = {};
  for (const [name, key] of [
    ['MMRE_MIN_PIXELS', 'minPixels'],
    ['MMRE_MAX_PIXELS', 'maxPixels'],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const r = positiveIntOrString.safeParse(raw.trim());
    if (!r.success)
      throw new PfaOptionsError(
        `environment variable ${name}=${JSON.stringify(raw)} must be a positive integer (pixels), e.g. ${name}=${key === 'minPixels' ? DEFAULT_MIN_PIXELS : DEFAULT_MAX_PIXELS}`,
      );
    out[key] = r.data;
  }
  const images = env.MMRE_IMAGES?.trim();
  if (images) {
    if (images !== 'ref' && images !== 'inline')
      throw new PfaOptionsError(
        `environment variable MMRE_IMAGES=${JSON.stringify(env.MMRE_IMAGES)} must be ref (image references, for this project's providers) or inline (data URLs, for other providers)`,
      );
    out.images = images;
  }
  const pass = env.MMRE_IMAGE_PASSTHROUGH?.trim().toLowerCase();
  if (pass) {
    if (!['0', '1', 'true', 'false'].includes(pass))
      throw new PfaOptionsError(
        `environment variable MMRE_IMAGE_PASSTHROUGH=${JSON.stringify(env.MMRE_IMAGE_PASSTHROUGH)} must be 1 (send files that need only the grid rounding as they are; the default) or 0 (resize and re-encode every image here)`,
      );
    out.passthrough = pass === '1' || pass === 'true';
  }
  return out;
}

/** Options test vars may set per test. */
export const VAR_OPTION_KEYS = ['minPixels', 'maxPixels'] as const;

/**
 * Merges option layers, later wins: defaults < env < factory options < promptfoo prompt config < vars.
 * Returns the image settings and the rest.
 */
export function mergePfaOptions(
  ...layers: ParsedPfaOptions[]
): ParsedPfaOptions & { image: ImageSettings; images: 'ref' | 'inline' } {
  const merged: ParsedPfaOptions = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      if (k === 'templates') merged.templates = { ...merged.templates, ...(v as ParsedPfaOptions['templates']) };
      else (merged as Record<string, unknown>)[k] = v;
    }
  }
  const image: ImageSettings = {
    factor: merged.factor ?? QWEN_FACTOR,
    // Only a maxPixels below the default minimum: the minimum follows it down.
    minPixels: merged.minPixels ?? Math.min(DEFAULT_MIN_PIXELS, merged.maxPixels ?? DEFAULT_MIN_PIXELS),
    maxPixels: merged.maxPixels ?? DEFAULT_MAX_PIXELS,
    format: merged.format ?? DEFAULT_IMAGE_FORMAT,
    quality: merged.quality ?? DEFAULT_JPEG_QUALITY,
    passthrough: merged.passthrough ?? true,
  };
  if (image.minPixels > image.maxPixels)
    throw new PfaOptionsError(
      `option \`minPixels\` (${image.minPixels}) is larger than \`maxPixels\` (${image.maxPixels}); fix: lower minPixels or raise maxPixels (check MMRE_MIN_PIXELS / MMRE_MAX_PIXELS and vars too)`,
    );
  return { ...merged, image, images: merged.images ?? 'ref' };
}
