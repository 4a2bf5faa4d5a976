import { modeOf } from '@mmre/core';
import type {
  CallContext,
  ChatRequest,
  ProviderInternals,
  ProviderOptions,
  ProviderResponse,
  ReadinessReport,
} from '@mmre/provider-transport';
import {
  type ChatMessage,
  estimateRequestTokens,
  type HttpTransport,
  imageBoundsOf,
  OpenAIChatClient,
  openAIChatBody,
  parsePrompt,
  parseProviderConfig,
  readApiKey,
} from '@mmre/provider-transport';
import type { HostedBackend, QwenHostedConfig } from './config.js';
import {
  DASHSCOPE_URLS,
  DEFAULT_KEY_ENV,
  HOSTED_CONFIG_KEYS,
  OPENROUTER_URL,
  QwenHostedConfigSchema,
} from './config.js';
import { checkHostedService } from './readiness.js';

/** promptfoo's provider options, call context, and test hooks: the shared ones of @mmre/provider-transport. */
export type { CallContext, ProviderInternals, ProviderOptions } from '@mmre/provider-transport';

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
  private readonly chat: OpenAIChatClient;
  label?: string;

  constructor(options: ProviderOptions = {}, internals: ProviderInternals = {}) {
    const c = parseProviderConfig('QwenHostedProvider', QwenHostedConfigSchema, options.config, HOSTED_CONFIG_KEYS);
    this.config = c;
    this.backend = c.backend;
    this.model = (c.model ?? DEFAULT_MODEL[c.backend]) as string;
    const defaultUrl = c.backend === 'dashscope' ? DASHSCOPE_URLS[c.region] : OPENROUTER_URL;
    this.baseUrls = c.baseUrls ?? [c.baseUrl ?? defaultUrl];
    this.apiKeyEnv = (c.apiKeyEnv ?? DEFAULT_KEY_ENV[c.backend]) as string;
    const key = readApiKey(this.apiKeyEnv, options);
    if (!key) {
      const region =
        c.backend === 'dashscope'
          ? ` (${c.region === 'cn' ? 'a Beijing (cn)' : 'an international (intl)'} region key: the regions take different keys)`
          : '';
      throw new Error(
        `QwenHostedProvider: no API key: the environment variable ${this.apiKeyEnv} is not set${region}. Export it before running (export ${this.apiKeyEnv}=...); keys are never read from the config.`,
      );
    }
    this.providerId =
      options.id ?? `qwen-hosted:${c.backend}${c.backend === 'dashscope' ? `-${c.region}` : ''}:${this.model}`;
    if (typeof options.label === 'string') this.label = options.label;
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (c.httpReferer) headers['http-referer'] = c.httpReferer;
    if (c.appTitle) headers['x-title'] = c.appTitle;
    this.chat = new OpenAIChatClient({
      name: 'QwenHostedProvider',
      cacheName: 'qwen-hosted',
      baseUrls: this.baseUrls,
      config: c,
      headers,
      secrets: [key],
      cacheParts: this.where(),
      ...(c.checkReady
        ? {
            ready: (t: HttpTransport, notice: (line: string) => void) =>
              checkHostedService(t, {
                backend: c.backend,
                apiKeyEnv: this.apiKeyEnv,
                region: c.region,
                readyTimeoutMs: c.readyTimeoutMs,
                onWaiting: notice,
                ...(internals.clock ? { clock: internals.clock } : {}),
              }),
          }
        : {}),
      internals,
    });
  }

  /**
   * The readiness check of this provider (does the service take the key?), for a check of the whole run before
   * its first row (the M-MRE extension's `beforeAll`): the same check, run once, that the first request would
   * run. A failure is returned, and every later call fails at once with it. With `checkReady: false`: ready.
   */
  async mmreReadiness(): Promise<ReadinessReport> {
    const r = await this.chat.readiness();
    return { provider: this.label ?? this.providerId, urls: this.baseUrls, ...r };
  }

  /** Where the answers come from: backend, the DashScope region (its keys and servers), model. */
  private where(): Record<string, unknown> {
    return {
      backend: this.backend,
      ...(this.backend === 'dashscope' ? { region: this.config.region } : {}),
      model: this.model,
    };
  }

  id(): string {
    return this.providerId;
  }

  toString(): string {
    return `[QwenHostedProvider ${this.providerId}]`;
  }

  /** The request for a rendered prompt as it is cached (never contains the key): images as the prompt carries them. */
  buildRequest(prompt: string): ChatRequest {
    const c = this.config;
    const messages = parsePrompt(prompt);
    const body = openAIChatBody(this.model, messages, c);
    if (c.vlHighResolutionImages !== undefined) body.vl_high_resolution_images = c.vlHighResolutionImages;
    Object.assign(body, c.extraBody);
    return {
      path: '/chat/completions',
      body,
      estimatedTokens: estimateRequestTokens(messages, c.maxTokens),
    };
  }

  /**
   * Builds and sends one request (OpenAIChatClient.call: admitted first in, first out, cached, image
   * references resolved on a cache miss, never throws). The mode comes from `config.mode`, else `vars.mode`.
   */
  callApi(
    prompt: string,
    context?: CallContext,
    callOptions?: { abortSignal?: AbortSignal },
  ): Promise<ProviderResponse> {
    const mode = modeOf(this.config.mode, (context?.vars as Record<string, unknown> | undefined)?.mode);
    // The bounds the prompt's images were made with, recorded in the row (hosted APIs take none per request).
    let resolution: Record<string, unknown> | undefined;
    return this.chat.call({
      context,
      signal: callOptions?.abortSignal,
      prepare: () => {
        const req = this.buildRequest(prompt);
        const b = imageBoundsOf(req.body.messages as ChatMessage[], context?.prompt?.config);
        resolution = b ? { ...b, sentAs: 'none' } : undefined;
        return req;
      },
      metadata: () => ({ ...this.where(), mode, ...(resolution ? { resolution } : {}) }),
    });
  }

  async cleanup(): Promise<void> {
    await this.chat.close();
  }
}
