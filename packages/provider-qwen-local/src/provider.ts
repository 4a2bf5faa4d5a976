import type { Mode } from '@mmre/core';
import { resolveMode } from '@mmre/core';
import type {
  CallContext,
  ChatRequest,
  ProviderInternals,
  ProviderOptions,
  ProviderResponse,
  TokenUsage,
} from '@mmre/provider-transport';
import {
  BadAnswerError,
  chatPayload,
  estimateRequestTokens,
  OpenAIChatClient,
  openAIChatBody,
  PromptError,
  parsePrompt,
  parseProviderConfig,
  promptText,
} from '@mmre/provider-transport';
import type { LocalBackend, QwenLocalConfig } from './config.js';
import { DEFAULT_BASE_URLS, DEFAULT_MODELS, LOCAL_CONFIG_KEYS, QwenLocalConfigSchema } from './config.js';
import { pfaRegex, segmentIdsOf } from './grammar.js';
import { toOllamaMessages } from './ollama.js';

/** promptfoo's provider options, call context, and test hooks: the shared ones of @mmre/provider-transport. */
export type { CallContext, ProviderInternals, ProviderOptions } from '@mmre/provider-transport';

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
  private readonly chat: OpenAIChatClient;
  label?: string;

  constructor(options: ProviderOptions = {}, internals: ProviderInternals = {}) {
    const c = parseProviderConfig('QwenLocalProvider', QwenLocalConfigSchema, options.config, LOCAL_CONFIG_KEYS);
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
    this.providerId = options.id ?? `qwen-local:${c.backend}:${this.model}`;
    if (typeof options.label === 'string') this.label = options.label;
    this.chat = new OpenAIChatClient({
      name: 'QwenLocalProvider',
      cacheName: 'qwen-local',
      baseUrls: this.baseUrls,
      config: c,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      secrets: [key],
      cacheParts: { backend: this.backend, model: this.model },
      ...(c.backend === 'ollama' ? { read: readOllamaChat, usedTokens: ollamaUsedTokens } : {}),
      internals,
    });
  }

  id(): string {
    return this.providerId;
  }

  toString(): string {
    return `[QwenLocalProvider ${this.providerId}]`;
  }

  /** Builds the request body for a rendered prompt (exported for tests and debugging; never contains a key). */
  buildRequest(prompt: string, mode: Mode | null): ChatRequest {
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
    const body = openAIChatBody(this.model, messages, c);
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
    // The rendered prompt already is the JSON of the messages: the payload reuses its text.
    return { path: '/chat/completions', body, estimatedTokens, payload: chatPayload(body, messages, prompt) };
  }

  /**
   * Builds and sends one request (OpenAIChatClient.call: admitted first in, first out, cached, never throws).
   */
  callApi(
    prompt: string,
    context?: CallContext,
    callOptions?: { abortSignal?: AbortSignal },
  ): Promise<ProviderResponse> {
    let mode: Mode | null = null;
    return this.chat.call({
      context,
      signal: callOptions?.abortSignal,
      prepare: () => {
        mode = resolveMode(this.config.mode ?? context?.vars?.mode, typeof prompt === 'string' ? prompt : '');
        return this.buildRequest(prompt, mode);
      },
      metadata: () => ({ backend: this.backend, model: this.model, mode }),
    });
  }

  /** Closes the connection pools (promptfoo may call this at the end of a run). */
  async cleanup(): Promise<void> {
    await this.chat.close();
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
