import type { Mode } from '@mmre/core';
import { modeOf, segmentIdsOfVars } from '@mmre/core';
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
  type ChatMessage,
  estimateRequestTokens,
  OpenAIChatClient,
  openAIChatBody,
  PromptError,
  parsePrompt,
  parseProviderConfig,
  readApiKey,
  resolveRequestImages,
} from '@mmre/provider-transport';
import type { LocalBackend, QwenLocalConfig } from './config.js';
import { DEFAULT_BASE_URLS, DEFAULT_MODELS, LOCAL_CONFIG_KEYS, QwenLocalConfigSchema } from './config.js';
import { pfaRegex } from './grammar.js';
import { toOllamaMessages } from './ollama.js';

/** promptfoo's provider options, call context, and test hooks: the shared ones of @mmre/provider-transport. */
export type { CallContext, ProviderInternals, ProviderOptions } from '@mmre/provider-transport';

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
      key = readApiKey(c.apiKeyEnv, options);
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

  /**
   * The request for a rendered prompt as it is cached (exported for tests and debugging; never contains
   * a key): images as the prompt carries them, for Ollama too (its wire form is made by {@link wireRequest}).
   * `segmentIds` (from `vars.segments`) are the keys the format constraint allows.
   */
  buildRequest(prompt: string, mode: Mode | null, segmentIds?: readonly string[] | null): ChatRequest {
    const c = this.config;
    const messages = parsePrompt(prompt);
    const estimatedTokens = estimateRequestTokens(messages, c.maxTokens);
    if (c.backend === 'ollama') {
      const options: Record<string, unknown> = { temperature: c.temperature, num_predict: c.maxTokens };
      if (c.topP !== undefined) options.top_p = c.topP;
      if (c.seed !== undefined) options.seed = c.seed;
      return {
        path: '/api/chat',
        body: { model: this.model, messages, stream: false, options, ...c.extraBody },
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
          'constrainFormat needs the mode of the prompt: set config.mode or vars.mode, or use the @mmre/pfa prompts (they set vars.mode)',
        );
      const regex = pfaRegex(mode, segmentIds ? { segmentIds } : {});
      if (c.backend === 'sglang') body.regex = regex;
      else if (c.constrainFormat === 'guided_regex') body.guided_regex = regex;
      else body.structured_outputs = { regex };
    }
    Object.assign(body, c.extraBody);
    return { path: '/chat/completions', body, estimatedTokens };
  }

  /** The request as sent: image references resolved to data URLs; for Ollama, its native messages. */
  async wireRequest(req: ChatRequest): Promise<ChatRequest> {
    const resolved = await resolveRequestImages(req);
    if (this.backend !== 'ollama') return resolved;
    const messages = resolved.body.messages as ChatMessage[];
    return { ...resolved, body: { ...resolved.body, messages: toOllamaMessages(messages) } };
  }

  /**
   * Builds and sends one request (OpenAIChatClient.call: admitted first in, first out, cached, never throws).
   * The mode and the segment letters come from data: `config.mode`, else `vars.mode` (set by the PFA
   * prompts), and `vars.segments`.
   */
  callApi(
    prompt: string,
    context?: CallContext,
    callOptions?: { abortSignal?: AbortSignal },
  ): Promise<ProviderResponse> {
    const vars = context?.vars as Record<string, unknown> | undefined;
    const mode = modeOf(this.config.mode, vars?.mode);
    return this.chat.call({
      context,
      signal: callOptions?.abortSignal,
      prepare: () => this.buildRequest(prompt, mode, segmentIdsOfVars(vars)),
      send: (req) => this.wireRequest(req),
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
