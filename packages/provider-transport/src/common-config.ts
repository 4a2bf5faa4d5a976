import { MODES } from '@mmre/core';
import { z } from 'zod';
import { PricesSchema } from './chat.js';

/**
 * zod pieces of the config options every OpenAI-style chat provider takes (spread them into a
 * provider's `z.object({...})` in the order it lists its options: the order is the "known options"
 * list of config errors). Provider-specific options stay in the provider's own schema.
 */

/** The NAME of an environment variable (never its value): `example` is shown in the error. */
export function envNameSchema(example: string) {
  return z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: `must be the NAME of an environment variable (e.g. ${example}), never the key itself`,
  });
}

/** A URL option: `example` is shown in the error. */
export function urlSchema(example: string) {
  return z.string().url({ message: `must be a URL like ${example}` });
}

export const positiveInt = z.number().int().positive();

/** `model`, `baseUrl`, `baseUrls` and `apiKeyEnv`, in that order. */
export function endpointOptions(examples: { url: string; keyEnv: string }) {
  const url = urlSchema(examples.url);
  return {
    model: z.string().min(1).optional(),
    /** An empty string means "not set" (a preset's `{{ env.X | default('') }}`): the backend's own URL. */
    baseUrl: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
    baseUrls: z.array(url).min(1).optional(),
    apiKeyEnv: envNameSchema(examples.keyEnv).optional(),
  };
}

/**
 * Sampling and transport options: `temperature`, `maxTokens`, `topP`, `seed`, `timeoutMs`,
 * `maxRetries`, `retryBudgetMs`, `maxRetryAfterMs`, `maxConcurrency`, in that order. Defaults that differ
 * per provider come from `defaults` (hosted APIs throttle for up to a minute: they retry longer).
 */
export function chatOptions(defaults: {
  maxConcurrency: number;
  maxRetries?: number;
  retryBudgetMs?: number;
  maxRetryAfterMs?: number;
}) {
  return {
    temperature: z.number().min(0).max(2).default(0),
    maxTokens: positiveInt.default(1024),
    topP: z.number().gt(0).max(1).optional(),
    seed: z.number().int().optional(),
    timeoutMs: positiveInt.default(120_000),
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(defaults.maxRetries ?? 4),
    /** Longest time one call spends on attempts and backoff before it fails, in ms. */
    retryBudgetMs: positiveInt.min(1_000).default(defaults.retryBudgetMs ?? 300_000),
    /** Longest Retry-After honoured; a longer one fails the row at once, naming the wait, in ms. */
    maxRetryAfterMs: positiveInt.default(defaults.maxRetryAfterMs ?? 120_000),
    maxConcurrency: positiveInt.max(1024).default(defaults.maxConcurrency),
  };
}

/** `extraBody` (merged into the request body last) and the client-side rate limits, in that order. */
export const requestOptions = {
  /** Merged into the request body last (backend-specific parameters). */
  extraBody: z.record(z.string(), z.unknown()).optional(),
  requestsPerMinute: z.number().positive().optional(),
  tokensPerMinute: z.number().positive().optional(),
};

/**
 * `mode` (the mode of every call, else the row's `vars.mode`, which the PFA prompts set; a provider uses
 * it for the format constraint and records it in metadata) and `prices` (per 1M input/output tokens, in
 * your currency: each call reports its cost), in that order.
 */
export const modeAndPriceOptions = {
  mode: z.enum(MODES).optional(),
  prices: PricesSchema.optional(),
};

/**
 * `checkReady` (check the server once, before the run's first row with the M-MRE extension, else before the
 * first request; default true) and `readyTimeoutMs` (how long that check waits for a server that does not
 * answer yet, in ms), in that order. What is checked is the provider's own (health, model, key).
 */
export function readinessOptions(defaults: { readyTimeoutMs: number }) {
  return {
    checkReady: z.boolean().default(true),
    readyTimeoutMs: positiveInt.default(defaults.readyTimeoutMs),
  };
}

/** The options the schemas above add, as parsed (what {@link OpenAIChatClient} and `openAIChatBody` read). */
export interface CommonChatConfig {
  temperature: number;
  maxTokens: number;
  topP?: number | undefined;
  seed?: number | undefined;
  timeoutMs: number;
  maxRetries: number;
  retryBudgetMs: number;
  maxRetryAfterMs: number;
  maxConcurrency: number;
  extraBody?: Record<string, unknown> | undefined;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
}

/** The rule every provider with `baseUrl`/`baseUrls` checks: one or the other, not both. */
export function checkOneBaseUrl(
  c: { baseUrl?: string | undefined; baseUrls?: readonly string[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (c.baseUrl && c.baseUrls)
    ctx.addIssue({ code: 'custom', path: ['baseUrls'], message: 'give baseUrl or baseUrls, not both' });
}
