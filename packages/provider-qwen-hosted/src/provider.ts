import type { Mode } from '@mmre/core';
import { resolveMode } from '@mmre/core';
import type { BackoffOptions, Clock, ProviderResponse, TransportEvent } from '@mmre/provider-transport';
import {
  costOf,
  estimateRequestTokens,
  formatConfigError,
  HttpTransport,
  makeRedactor,
  neverThrow,
  openAIUsedTokens,
  parsePrompt,
  readChatCompletion,
  userConfig,
  withResponseCache,
} from '@mmre/provider-transport';
import type { HostedBackend, QwenHostedConfig } from './config.js';
import {
  DASHSCOPE_URLS,
  DEFAULT_KEY_ENV,
  HOSTED_CONFIG_KEYS,
  OPENROUTER_URL,
  QwenHostedConfigSchema,
} from './config.js';

export interface ProviderOptions {
  id?: string;
  label?: string;
  config?: unknown;
  env?: Record<string, string | undefined>;
  [key: string]: unknown;
}

export interface CallContext {
  vars?: Record<string, unknown>;
  /** promptfoo's response cache and its switches (see withResponseCache in @mmre/provider-transport). */
  getCache?: () => unknown;
  bustCache?: boolean;
  repeatIndex?: number;
  [key: string]: unknown;
}

/** Hooks for tests (not promptfoo config). */
export interface ProviderInternals {
  clock?: Clock;
  random?: () => number;
  onEvent?: (e: TransportEvent) => void;
  backoff?: Partial<BackoffOptions>;
}

const DEFAULT_MODEL: Readonly<Record<HostedBackend, string | undefined>> = Object.freeze({
  dashscope: 'qwen2.5-vl-72b-instruct',
  openrouter: 'qwen/qwen2.5-vl-72b-instruct',
  'openai-compatible': undefined,
});

/**
 * promptfoo provider for Qwen2.5-VL on hosted APIs: DashScope (intl/cn compatible mode), OpenRouter,
 * or any OpenAI-compatible URL. Keys come only from the environment. `callApi` never throws.
 */
export class QwenHostedProvider {
  /**
   * promptfoo's `package:@mmre/provider-qwen-hosted:QwenHostedProvider` loader takes the module's default export (this class)
   * and looks the name up on it; this self-reference makes that lookup find the class.
   */
  static readonly QwenHostedProvider: typeof QwenHostedProvider = QwenHostedProvider;

  readonly config: QwenHostedConfig;
  readonly backend: HostedBackend;
  readonly model: string;
  readonly baseUrls: readonly string[];
  /** The env var the key is read from (its name, never its value). */
  readonly apiKeyEnv: string;
  private readonly providerId: string;
  private readonly transport: HttpTransport;
  private readonly redact: (t: string) => string;
  private readonly secrets: readonly string[];
  /** The URL paths of the base URLs (the cache key leaves the hosts out). */
  private readonly basePaths: readonly string[];
  label?: string;

  constructor(options: ProviderOptions = {}, internals: ProviderInternals = {}) {
    const parsed = QwenHostedConfigSchema.safeParse(userConfig(options.config));
    if (!parsed.success) throw new Error(formatConfigError('QwenHostedProvider', parsed.error, HOSTED_CONFIG_KEYS));
    const c = parsed.data;
    this.config = c;
    this.backend = c.backend;
    this.model = (c.model ?? DEFAULT_MODEL[c.backend]) as string;
    const defaultUrl = c.backend === 'dashscope' ? DASHSCOPE_URLS[c.region] : OPENROUTER_URL;
    this.baseUrls = c.baseUrls ?? [c.baseUrl ?? defaultUrl];
    this.apiKeyEnv = (c.apiKeyEnv ?? DEFAULT_KEY_ENV[c.backend]) as string;
    const raw = options.env?.[this.apiKeyEnv] ?? process.env[this.apiKeyEnv];
    const key = raw?.trim();
    if (!key) {
      const region =
        c.backend === 'dashscope'
          ? ` (a ${c.region === 'cn' ? 'Beijing (cn)' : 'international (intl)'} region key: the regions take different keys)`
          : '';
      throw new Error(
        `QwenHostedProvider: no API key: the environment variable ${this.apiKeyEnv} is not set${region}. Export it before running (export ${this.apiKeyEnv}=...); keys are never read from the config.`,
      );
    }
    this.redact = makeRedactor([key]);
    this.secrets = [key];
    this.basePaths = [...new Set(this.baseUrls.map((u) => new URL(u).pathname.replace(/\/+$/, '')))].sort();
    this.providerId =
      options.id ?? `qwen-hosted:${c.backend}${c.backend === 'dashscope' ? `-${c.region}` : ''}:${this.model}`;
    if (typeof options.label === 'string') this.label = options.label;
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (c.httpReferer) headers['http-referer'] = c.httpReferer;
    if (c.appTitle) headers['x-title'] = c.appTitle;
    this.transport = new HttpTransport({
      baseUrls: this.baseUrls,
      timeoutMs: c.timeoutMs,
      maxRetries: c.maxRetries,
      maxConcurrency: c.maxConcurrency,
      requestsPerMinute: c.requestsPerMinute,
      tokensPerMinute: c.tokensPerMinute,
      headers,
      secrets: [key],
      usedTokens: openAIUsedTokens,
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
    return `[QwenHostedProvider ${this.providerId}]`;
  }

  /** The request body for a rendered prompt (never contains the key). */
  buildRequest(prompt: string): { path: string; body: Record<string, unknown>; estimatedTokens: number } {
    const c = this.config;
    const messages = parsePrompt(prompt);
    const body: Record<string, unknown> = {
      model: this.model,
      messages,
      temperature: c.temperature,
      max_tokens: c.maxTokens,
      stream: false,
    };
    if (c.topP !== undefined) body.top_p = c.topP;
    if (c.seed !== undefined) body.seed = c.seed;
    if (c.vlHighResolutionImages !== undefined) body.vl_high_resolution_images = c.vlHighResolutionImages;
    Object.assign(body, c.extraBody);
    return { path: '/chat/completions', body, estimatedTokens: estimateRequestTokens(messages, c.maxTokens) };
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
    const meta = (): Record<string, unknown> => ({
      backend: this.backend,
      ...(this.backend === 'dashscope' ? { region: this.config.region } : {}),
      model: this.model,
      mode,
    });
    return neverThrow(
      'QwenHostedProvider',
      this.redact,
      async () => {
        mode = resolveMode(this.config.mode ?? context?.vars?.mode, typeof prompt === 'string' ? prompt : '');
        const req = this.buildRequest(prompt);
        // The exact bytes sent (never the key: it travels in a header): identical requests hit.
        const payload = JSON.stringify(req.body);
        return withResponseCache(
          context,
          {
            provider: 'qwen-hosted',
            parts: {
              backend: this.backend,
              ...(this.backend === 'dashscope' ? { region: this.config.region } : {}),
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
            const answer = readChatCompletion(res.json);
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

  async cleanup(): Promise<void> {
    await this.transport.close();
  }
}
