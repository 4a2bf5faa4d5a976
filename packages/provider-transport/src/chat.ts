import { PFA_REPLAY_FIX, pfaPromptTextMode } from '@mmre/core';
import { ImageFileError, ImageRefError, isImageRef, parseImageRef } from '@mmre/images';
import { z } from 'zod';
import { TransportError } from './errors.js';
import type { ProviderResponse, TokenUsage } from './promptfoo.js';
import { failProviderConfig } from './promptfoo.js';

/**
 * OpenAI-style chat pieces shared by the Qwen providers: reading the prompt promptfoo renders,
 * reading chat-completion responses, token estimates, cost, config errors, and the "never throw"
 * wrapper. (The HTTP side is HttpTransport.)
 */

export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() }).loose();
export const ImagePartSchema = z
  .object({
    type: z.literal('image_url'),
    image_url: z.union([z.string(), z.object({ url: z.string().min(1) }).loose()]),
  })
  .loose();
export const ContentPartSchema = z.discriminatedUnion('type', [TextPartSchema, ImagePartSchema]);
export type ContentPart = z.infer<typeof ContentPartSchema>;

export const ChatMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'developer', 'tool']),
    content: z.union([z.string(), z.array(ContentPartSchema)]),
  })
  .loose();
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

const MessagesSchema = z.array(ChatMessageSchema).min(1, { message: 'the chat prompt has no messages' });

/** Thrown for a prompt that cannot be sent; the provider reports it as `{ error }`. */
export class PromptError extends Error {
  override name = 'PromptError';
}

/**
 * Reads what promptfoo passes as `prompt`: a JSON array of chat messages (what the @mmre/pfa prompt
 * functions render), `{ "messages": [...] }`, or plain text (→ one user message). Text that starts
 * like JSON (`[` or `{`) but does not parse is an error, not a text prompt, so a broken render is
 * never sent to a model; so is a PFA prompt function's stored name (`pfaPromptText` of @mmre/core), which
 * promptfoo's `--resume` and `--retry-errors` send instead of calling the function.
 */
export function parsePrompt(prompt: string): ChatMessage[] {
  if (typeof prompt !== 'string') throw new PromptError(`prompt must be a string, got ${typeof prompt}`);
  const trimmed = prompt.trim();
  if (trimmed === '') throw new PromptError('the prompt is empty');
  const replayed = pfaPromptTextMode(trimmed);
  if (replayed)
    throw new PromptError(
      `the prompt is the stored name of the @mmre/pfa ${replayed} prompt function, not a prompt, so it is not sent. ${PFA_REPLAY_FIX}`,
    );
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return [{ role: 'user', content: prompt }];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    throw new PromptError(
      `the prompt starts like JSON chat messages but is not valid JSON (${(e as Error).message}); render it with the @mmre/pfa prompt functions or pass plain text`,
    );
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && 'messages' in value)
    value = (value as { messages: unknown }).messages;
  const r = MessagesSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `messages[${issue.path.join('][')}]` : 'messages';
    throw new PromptError(`the chat prompt is malformed at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

/** The image URL of an image part. */
export function imageUrlOf(part: z.infer<typeof ImagePartSchema>): string {
  return typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
}

/** All text of the messages, joined with newlines (used for mode detection and segment letters). */
export function promptText(messages: readonly ChatMessage[]): string {
  const out: string[] = [];
  for (const m of messages) {
    if (typeof m.content === 'string') out.push(m.content);
    else for (const p of m.content) if (p.type === 'text') out.push(p.text);
  }
  return out.join('\n');
}

/**
 * The bounds (min/max pixels, factor) the prompt's images were made with: from its image references
 * (`mmre-image:…&min=…&max=…`), else from the PFA row config (`context.prompt.config.mmre.image`); undefined when
 * neither says. Images made with different bounds in one prompt are a PromptError (one request, one resolution).
 */
export function imageBoundsOf(
  messages: readonly ChatMessage[],
  promptConfig?: unknown,
): { minPixels: number; maxPixels: number; factor: number } | undefined {
  let found: { minPixels: number; maxPixels: number; factor: number } | undefined;
  for (const m of messages) {
    if (typeof m.content === 'string') continue;
    for (const p of m.content) {
      if (p.type !== 'image_url') continue;
      const url = imageUrlOf(p);
      if (!isImageRef(url)) continue;
      const s = parseImageRef(url).settings;
      const b = { minPixels: s.minPixels, maxPixels: s.maxPixels, factor: s.factor };
      if (found && (found.minPixels !== b.minPixels || found.maxPixels !== b.maxPixels || found.factor !== b.factor))
        throw new PromptError(
          `the prompt's images were made with different bounds (${found.minPixels}–${found.maxPixels} and ${b.minPixels}–${b.maxPixels} px): one request has one resolution`,
        );
      found = b;
    }
  }
  if (found) return found;
  const image = (promptConfig as { mmre?: { image?: { minPixels?: unknown; maxPixels?: unknown; factor?: unknown } } })
    ?.mmre?.image;
  if (typeof image?.minPixels === 'number' && typeof image.maxPixels === 'number')
    return {
      minPixels: image.minPixels,
      maxPixels: image.maxPixels,
      factor: typeof image.factor === 'number' ? image.factor : 28,
    };
  return undefined;
}

export function countImages(messages: readonly ChatMessage[]): number {
  let n = 0;
  for (const m of messages)
    if (typeof m.content !== 'string') for (const p of m.content) if (p.type === 'image_url') n++;
  return n;
}

/**
 * A deliberately generous token estimate for client-side `tokensPerMinute` limits: 1 token per 4
 * characters of text, `tokensPerImage` per image (default 1 280, Qwen2.5-VL's tokens at
 * max_pixels = 1280·28·28), plus the completion budget.
 */
export function estimateRequestTokens(
  messages: readonly ChatMessage[],
  maxTokens: number,
  tokensPerImage = 1280,
): number {
  return Math.ceil(promptText(messages).length / 4) + countImages(messages) * tokensPerImage + maxTokens;
}

export const PricesSchema = z
  .object({
    /** Price per 1 000 000 input (prompt) tokens. */
    input: z.number().nonnegative(),
    /** Price per 1 000 000 output (completion) tokens. */
    output: z.number().nonnegative(),
  })
  .strict();
export type Prices = z.infer<typeof PricesSchema>;

export function costOf(usage: TokenUsage | undefined, prices: Prices | undefined): number | undefined {
  if (!prices || !usage) return undefined;
  return (usage.prompt * prices.input + usage.completion * prices.output) / 1_000_000;
}

const ChatCompletionSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z
              .object({
                content: z.union([z.string(), z.null(), z.array(z.object({ text: z.string().optional() }).loose())]),
              })
              .loose(),
            finish_reason: z.string().nullable().optional(),
          })
          .loose(),
      )
      .min(1),
    usage: z
      .object({
        prompt_tokens: z.number().optional(),
        completion_tokens: z.number().optional(),
        total_tokens: z.number().optional(),
      })
      .loose()
      .nullable()
      .optional(),
    model: z.string().optional(),
  })
  .loose();

export interface ChatAnswer {
  output: string;
  finishReason: string | undefined;
  tokenUsage: TokenUsage | undefined;
  model: string | undefined;
}

/** Reads an OpenAI chat-completion body; throws PromptError-free `BadAnswerError` when it is not one. */
export function readChatCompletion(json: unknown): ChatAnswer {
  const r = ChatCompletionSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BadAnswerError(
      `the server's answer is not an OpenAI chat completion (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
    );
  }
  const choice = r.data.choices[0] as (typeof r.data.choices)[number];
  const c = choice.message.content;
  // `content: null` is no answer (a refusal, a tool call, a filtered or failed generation): an error, so it is
  // never cached or scored as an empty answer.
  if (c === null)
    throw new BadAnswerError(
      `the server answered with message.content null (finish_reason ${JSON.stringify(choice.finish_reason ?? null)}): no answer text`,
    );
  const output = typeof c === 'string' ? c : c.map((p) => p.text ?? '').join('');
  const u = r.data.usage;
  const tokenUsage =
    u && (u.prompt_tokens !== undefined || u.completion_tokens !== undefined)
      ? {
          prompt: u.prompt_tokens ?? 0,
          completion: u.completion_tokens ?? 0,
          total: u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0),
          numRequests: 1,
        }
      : undefined;
  return { output, finishReason: choice.finish_reason ?? undefined, tokenUsage, model: r.data.model };
}

/** A 2xx answer that is JSON but not the expected shape. */
export class BadAnswerError extends Error {
  override name = 'BadAnswerError';
}

/** Total tokens in an OpenAI-style `usage` (for HttpTransport's `usedTokens`). */
export function openAIUsedTokens(json: unknown): number | undefined {
  const u = (json as { usage?: { total_tokens?: unknown } } | null)?.usage;
  return typeof u?.total_tokens === 'number' ? u.total_tokens : undefined;
}

/** Keys promptfoo itself adds to a provider's `config` (e.g. `basePath` for file-based providers). */
export const PROMPTFOO_INJECTED_CONFIG_KEYS: readonly string[] = Object.freeze(['basePath']);

/** The user's config without the keys promptfoo injects, so a strict schema sees only user options. */
export function userConfig(config: unknown): unknown {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return config ?? {};
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const k of PROMPTFOO_INJECTED_CONFIG_KEYS) delete out[k];
  return out;
}

/**
 * A zod error on provider config as one message naming each offending option and the fix.
 * Unknown options list the known ones.
 */
export function formatConfigError(provider: string, error: z.ZodError, knownOptions: readonly string[]): string {
  const lines = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      return `unknown option${keys.length > 1 ? 's' : ''} ${keys.map((k) => `config.${k}`).join(', ')} (known options: ${knownOptions.join(', ')})`;
    }
    const path = issue.path.length ? `config.${issue.path.join('.')}` : 'config';
    return `${path}: ${issue.message}`;
  });
  return `${provider}: invalid provider config: ${lines.join('; ')}`;
}

/**
 * A provider's config as its schema parses it, without the keys promptfoo injects ({@link userConfig});
 * ends with the {@link formatConfigError} message when it is invalid ({@link failProviderConfig}: under
 * `promptfoo eval` the message alone and exit code 1, elsewhere a ProviderConfigError).
 */
export function parseProviderConfig<S extends z.ZodType>(
  provider: string,
  schema: S,
  config: unknown,
  knownOptions: readonly string[],
): z.output<S> {
  const parsed = schema.safeParse(userConfig(config));
  if (!parsed.success) failProviderConfig(formatConfigError(provider, parsed.error, knownOptions));
  return parsed.data;
}

/**
 * Runs a provider call and turns any failure into `{ error }` (with the reason, redacted) so
 * callApi never throws. TransportError messages are already redacted; others go through `redact`.
 */
export async function neverThrow(
  provider: string,
  redact: (text: string) => string,
  fn: () => Promise<ProviderResponse>,
  metadata: () => Record<string, unknown>,
): Promise<ProviderResponse> {
  try {
    return await fn();
  } catch (e) {
    let reason: string;
    if (e instanceof TransportError) reason = `${e.reason}: ${e.message}`;
    else if (e instanceof PromptError) reason = `bad-prompt: ${e.message}`;
    else if (e instanceof BadAnswerError) reason = `bad-response: ${e.message}`;
    else if (e instanceof ImageFileError || e instanceof ImageRefError) reason = `bad-image: ${e.message}`;
    else reason = `internal: ${e instanceof Error ? e.message : String(e)}`;
    const meta = metadata();
    if (e instanceof TransportError) {
      meta.attempts = e.attempts;
      if (e.replica) meta.replica = e.replica;
      if (e.status !== undefined) meta.status = e.status;
      if (e.code !== undefined) meta.errorCode = e.code;
      meta.failure = e.reason;
      if (e.requestId) meta.requestId = e.requestId;
    }
    // The transport has already retried (backoff, Retry-After, replicas): promptfoo must not call again.
    // promptfoo 0.123's scheduler treats any error text containing "429" or "rate limit" as a rate limit
    // and re-calls (a loopback port like 42913 in a URL was enough); `rateLimitKind: 'quota'` is the one
    // signal it reads as "do not retry" (isProviderResponseRateLimited in promptfoo's scheduler).
    meta.rateLimitKind = 'quota';
    return { error: redact(`${provider}: ${reason}`), metadata: JSON.parse(redact(JSON.stringify(meta))) };
  }
}
