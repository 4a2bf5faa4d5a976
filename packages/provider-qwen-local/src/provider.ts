import type { Mode } from '@mmre/core';
import { resolveMode } from '@mmre/core';
import type { BackoffOptions, Clock, ProviderResponse, TokenUsage, TransportEvent } from '@mmre/provider-transport';
import {
  BadAnswerError,
  costOf,
  estimateRequestTokens,
  formatConfigError,
  HttpTransport,
  makeRedactor,
  neverThrow,
  openAIUsedTokens,
  PromptError,
  parsePrompt,
  promptText,
  readChatCompletion,
  userConfig,
  withResponseCache,
} from '@mmre/provider-transport';
import type { LocalBackend, QwenLocalConfig } from './config.js';
import { DEFAULT_BASE_URLS, DEFAULT_MODELS, LOCAL_CONFIG_KEYS, QwenLocalConfigSchema } from './config.js';
import { pfaRegex, segmentIdsOf } from './grammar.js';
import { toOllamaMessages } from './ollama.js';

/** promptfoo's provider options (the parts this provider reads). */
export interface ProviderOptions {
  id?: string;
  label?: string;
  config?: unknown;
  env?: Record<string, string | undefined>;
  [key: string]: unknown;
}

/** promptfoo's call context (the parts this provider reads). */
export interface CallContext {
  vars?: Record<string, unknown>;
  /** promptfoo's response cache and its switches (see withResponseCache in @mmre/provider-transport). */
  getCache?: () => unknown;
  bustCache?: boolean;
  repeatIndex?: number;
  [key: string]: unknown;
}

/** Hooks for tests (not promptfoo config): a fake clock, seeded jitter, transport events. */
export interface ProviderInternals {
  clock?: Clock;
  random?: () => number;
  onEvent?: (e: TransportEvent) => void;
  /** Backoff between retries (default 500 ms doubling to 30 s, full jitter). */
  backoff?: Partial<BackoffOptions>;
}

function readKey(envName: string, options: ProviderOptions): string | undefined {
  const v = options.env?.[envName] ?? process.env[envName];
  return v && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * promptfoo provider for Qwen2.5-VL served locally: vLLM (default), SGLang, LMDeploy, llama.cpp,
 * any OpenAI-compatible URL, or Ollama's native API. `callApi` never throws.
 */
export class QwenLocalProvider {
  /**
   * promptfoo's `package:@mmre/provider-qwen-local:QwenLocalProvider` loader takes the module's default export (this class)
   * and looks the name up on it; this self-reference makes that lookup find the class.
   */
  static readonly QwenLocalProvider: typeof QwenLocalProvider = QwenLocalProvider;

  readonly config: QwenLocalConfig;
  readonly backend: LocalBackend;
  readonly model: string;
  readonly baseUrls: readonly string[];
  private readonly providerId: string;
  private readonly transport: HttpTransport;
  private readonly redact: (t: string) => string;
  private readonly secrets: readonly (string | undefined)[];
  /** The URL paths of the base URLs (the cache key leaves the replica hosts out). */
  private readonly basePaths: readonly string[];
  label?: string;

  constructor(options: ProviderOptions = {}, internals: ProviderInternals = {}) {
    const parsed = QwenLocalConfigSchema.safeParse(userConfig(options.config));
    if (!parsed.success) throw new Error(formatConfigError('QwenLocalProvider', parsed.error, LOCAL_CONFIG_KEYS));
    const c = parsed.data;
    this.config = c;
    this.backend = c.backend;
    this.model = (c.model ?? DEFAULT_MODELS[c.backend]) as string;
    this.baseUrls = c.baseUrls ?? [c.baseUrl ?? (DEFAULT_BASE_URLS[c.backend] as string)];
    let key: string | undefined;
    if (c.apiKeyEnv) {
      key = readKey(c.apiKeyEnv, options);
      if (!key)
        throw new Error(
          `QwenLocalProvider: config.apiKeyEnv names the environment variable ${c.apiKeyEnv}, which is not set. Export it before running (export ${c.apiKeyEnv}=...) or remove apiKeyEnv if the server needs no key.`,
        );
    }
    this.redact = makeRedactor([key]);
    this.secrets = [key];
    this.basePaths = [...new Set(this.baseUrls.map((u) => new URL(u).pathname.replace(/\/+$/, '')))].sort();
    this.providerId = options.id ?? `qwen-local:${c.backend}:${this.model}`;
    if (typeof options.label === 'string') this.label = options.label;
    this.transport = new HttpTransport({
      baseUrls: this.baseUrls,
      timeoutMs: c.timeoutMs,
      maxRetries: c.maxRetries,
      maxConcurrency: c.maxConcurrency,
      requestsPerMinute: c.requestsPerMinute,
      tokensPerMinute: c.tokensPerMinute,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      secrets: [key],
      usedTokens: c.backend === 'ollama' ? ollamaUsedTokens : openAIUsedTokens,
      clock: internals.clock,
      random: internals.random,
      onEvent: internals.onEvent,
      backoff: internals.backoff,
    });
  }

  id(): string {
    return this.providerId;
  }

  toString(): string {
    return `[QwenLocalProvider ${this.providerId}]`;
  }

  /** Builds the request body for a rendered prompt (exported for tests and debugging; never contains a key). */
  buildRequest(
    prompt: string,
    mode: Mode | null,
  ): { path: string; body: Record<string, unknown>; estimatedTokens: number; payload?: string } {
    const c = this.config;
    const messages = parsePrompt(prompt);
    const estimatedTokens = estimateRequestTokens(messages, c.maxTokens);
    if (c.backend === 'ollama') {
      const options: Record<string, unknown> = { temperature: c.temperature, num_predict: c.maxTokens };
      if (c.topP !== undefined) options.top_p = c.topP;
      if (c.seed !== undefined) options.seed = c.seed;
      return {
        path: '/api/chat',
        body: { model: this.model, messages: toOllamaMessages(messages), stream: false, options, ...c.extraBody },
        estimatedTokens,
      };
    }
    const body: Record<string, unknown> = {
      model: this.model,
      messages,
      temperature: c.temperature,
      max_tokens: c.maxTokens,
      stream: false,
    };
    if (c.topP !== undefined) body.top_p = c.topP;
    if (c.seed !== undefined) body.seed = c.seed;
    if (c.minPixels !== undefined || c.maxPixels !== undefined) {
      const k: Record<string, number> = {};
      if (c.minPixels !== undefined) k.min_pixels = c.minPixels;
      if (c.maxPixels !== undefined) k.max_pixels = c.maxPixels;
      body.mm_processor_kwargs = k;
    }
    if (c.constrainFormat !== false) {
      if (!mode)
        throw new PromptError(
          'constrainFormat needs the mode of the prompt: set config.mode or vars.mode, or use a PFA prompt that names its answer anchors',
        );
      const regex = pfaRegex(mode, { segmentIds: segmentIdsOf(promptText(messages)) });
      if (c.backend === 'sglang') body.regex = regex;
      else if (c.constrainFormat === 'guided_regex') body.guided_regex = regex;
      else body.structured_outputs = { regex };
    }
    Object.assign(body, c.extraBody);
    // The rendered prompt already is the JSON of the messages: splice it in instead of serialising the
    // (large, image-bearing) messages a second time.
    const raw = prompt.trim();
    if (raw.startsWith('[') && body.messages === messages) {
      const marker = '\u0000mmre-messages\u0000';
      const payload = JSON.stringify({ ...body, messages: marker }).replace(JSON.stringify(marker), raw);
      return { path: '/chat/completions', body, estimatedTokens, payload };
    }
    return { path: '/chat/completions', body, estimatedTokens };
  }

  /**
   * Builds and sends one request. Calls are admitted first in, first out, at most 2 × maxConcurrency at a
   * time (HttpTransport.admit): a burst of calls does not build every image-bearing body up front.
   */
  callApi(
    prompt: string,
    context?: CallContext,
    callOptions?: { abortSignal?: AbortSignal },
  ): Promise<ProviderResponse> {
    return this.transport.admit(() => this.admittedCall(prompt, context, callOptions));
  }

  private async admittedCall(
    prompt: string,
    context?: CallContext,
    callOptions?: { abortSignal?: AbortSignal },
  ): Promise<ProviderResponse> {
    let mode: Mode | null = null;
    const meta = (): Record<string, unknown> => ({ backend: this.backend, model: this.model, mode });
    return neverThrow(
      'QwenLocalProvider',
      this.redact,
      async () => {
        mode = resolveMode(this.config.mode ?? context?.vars?.mode, typeof prompt === 'string' ? prompt : '');
        const req = this.buildRequest(prompt, mode);
        // The exact bytes sent: identical prompts and options give an identical body, and so a cache hit.
        const payload = req.payload ?? JSON.stringify(req.body);
        return withResponseCache(
          context,
          {
            provider: 'qwen-local',
            parts: {
              backend: this.backend,
              model: this.model,
              basePaths: this.basePaths,
              path: req.path,
              body: payload,
            },
            secrets: this.secrets,
          },
          async () => {
            const res = await this.transport.postJson(req.path, payload, {
              estimatedTokens: req.estimatedTokens,
              signal: callOptions?.abortSignal,
            });
            const answer = this.backend === 'ollama' ? readOllamaChat(res.json) : readChatCompletion(res.json);
            const response: ProviderResponse = {
              output: answer.output,
              latencyMs: Math.round(res.latencyMs),
              metadata: {
                ...meta(),
                replica: res.replica,
                attempts: res.attempts,
                requestId: res.requestId,
                finishReason: answer.finishReason ?? null,
              },
            };
            if (answer.tokenUsage) response.tokenUsage = answer.tokenUsage;
            const cost = costOf(answer.tokenUsage, this.config.prices);
            if (cost !== undefined) response.cost = cost;
            return response;
          },
        );
      },
      meta,
    );
  }

  /** Closes the connection pools (promptfoo may call this at the end of a run). */
  async cleanup(): Promise<void> {
    await this.transport.close();
  }
}

function ollamaUsedTokens(json: unknown): number | undefined {
  const j = json as { prompt_eval_count?: unknown; eval_count?: unknown } | null;
  if (typeof j?.prompt_eval_count !== 'number' && typeof j?.eval_count !== 'number') return undefined;
  return (Number(j?.prompt_eval_count) || 0) + (Number(j?.eval_count) || 0);
}

/** Reads Ollama's non-streaming `/api/chat` answer. */
export function readOllamaChat(json: unknown): {
  output: string;
  finishReason: string | undefined;
  tokenUsage: TokenUsage | undefined;
} {
  const j = json as {
    message?: { content?: unknown };
    done?: unknown;
    done_reason?: unknown;
    prompt_eval_count?: unknown;
    eval_count?: unknown;
  } | null;
  if (!j || typeof j !== 'object' || typeof j.message?.content !== 'string')
    throw new BadAnswerError("the server's answer is not an Ollama /api/chat response (message.content missing)");
  const p = typeof j.prompt_eval_count === 'number' ? j.prompt_eval_count : undefined;
  const e = typeof j.eval_count === 'number' ? j.eval_count : undefined;
  return {
    output: j.message.content,
    finishReason: typeof j.done_reason === 'string' ? j.done_reason : undefined,
    tokenUsage:
      p !== undefined || e !== undefined
        ? { prompt: p ?? 0, completion: e ?? 0, total: (p ?? 0) + (e ?? 0), numRequests: 1 }
        : undefined,
  };
}
