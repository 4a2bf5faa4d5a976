import type { Mode } from '@mmre/core';
import { modeOf, pfaGbnf, pfaRegex, segmentIdsOfVars, versionAtLeast } from '@mmre/core';
import type {
  CallContext,
  ChatRequest,
  ProviderInternals,
  ProviderOptions,
  ProviderResponse,
  ReadinessReport,
  TokenUsage,
} from '@mmre/provider-transport';
import {
  BadAnswerError,
  type ChatMessage,
  estimateRequestTokens,
  type HttpTransport,
  imageBoundsOf,
  imageUrlOf,
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
import { toOllamaMessages } from './ollama.js';
import { checkLocalServer } from './readiness.js';

/** The image bounds a row's images were made with, and where the provider sent them. */
export interface ResolutionRecord {
  minPixels: number;
  maxPixels: number;
  factor: number;
  /** How the server got them: `mm_processor_kwargs` (vLLM), `image_url` (LMDeploy), or `none` (it takes none). */
  sentAs: 'mm_processor_kwargs' | 'image_url' | 'none';
}

/** The constraint field of each backend (`constrainFormat: true`); vLLM's is chosen by version at readiness. */
export type ConstraintField = 'structured_outputs' | 'guided_regex' | 'regex' | 'regex_schema' | 'grammar';
const BACKEND_CONSTRAINT: Readonly<Partial<Record<LocalBackend, ConstraintField>>> = Object.freeze({
  vllm: 'structured_outputs',
  sglang: 'regex',
  lmdeploy: 'regex_schema',
  llamacpp: 'grammar',
});

function countImages(messages: readonly ChatMessage[]): number {
  let n = 0;
  for (const m of messages)
    if (typeof m.content !== 'string') for (const p of m.content) if (p.type === 'image_url') n++;
  return n;
}

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
  /** The constraint field sent; for vLLM with `constrainFormat: true`, set from `/version` at readiness. */
  private constraintField: ConstraintField | undefined;
  label?: string;

  constructor(options: ProviderOptions = {}, internals: ProviderInternals = {}) {
    const c = parseProviderConfig('QwenLocalProvider', QwenLocalConfigSchema, options.config, LOCAL_CONFIG_KEYS);
    // Ollama runs one generation at a time unless OLLAMA_NUM_PARALLEL says otherwise (envconfig/config.go:275):
    // more in flight only queue inside Ollama and hit timeoutMs. Its default here is 1; raise both together.
    const raw = options.config as { maxConcurrency?: unknown } | undefined;
    this.config = c.backend === 'ollama' && raw?.maxConcurrency === undefined ? { ...c, maxConcurrency: 1 } : c;
    this.backend = c.backend;
    this.constraintField = c.constrainFormat === true ? BACKEND_CONSTRAINT[c.backend] : c.constrainFormat || undefined;
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
      config: this.config,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      ...(c.checkReady
        ? { ready: (t: HttpTransport, notice: (line: string) => void) => this.checkReady(t, internals, notice, !!key) }
        : {}),
      secrets: [key],
      cacheParts: { backend: this.backend, model: this.model },
      ...(c.backend === 'ollama' ? { read: readOllamaChat, usedTokens: ollamaUsedTokens } : {}),
      internals,
    });
  }

  id(): string {
    return this.providerId;
  }

  /**
   * The readiness check of this provider, for a check of the whole run before its first row (the M-MRE
   * extension's `beforeAll` calls it on every provider of the suite that has it, in parallel): the same check,
   * run once, that the first request would run. A failure is returned (and every later call fails at once with
   * it); a server that is starting is waited for, up to `readyTimeoutMs`. With `checkReady: false`: ready.
   */
  async mmreReadiness(): Promise<ReadinessReport> {
    const r = await this.chat.readiness();
    return { provider: this.label ?? this.providerId, urls: this.baseUrls, ...r };
  }

  /** The readiness check (see readiness.ts); for vLLM it also picks the constraint field by version. */
  private async checkReady(
    t: HttpTransport,
    internals: ProviderInternals,
    notice: (line: string) => void,
    withKey: boolean,
  ): Promise<string[]> {
    const c = this.config;
    const r = await checkLocalServer(t, {
      backend: this.backend,
      model: this.model,
      readyTimeoutMs: c.readyTimeoutMs,
      withKey,
      onWaiting: notice,
      ...(internals.clock ? { clock: internals.clock } : {}),
    });
    const notes = [...r.notes];
    if (this.backend === 'vllm' && c.constrainFormat === true) {
      if (r.version === undefined)
        notes.push(
          'vLLM did not report its version (GET /version): constrainFormat sends structured_outputs.regex, which vLLM < 0.10.2 ignores',
        );
      else this.constraintField = versionAtLeast(r.version, '0.10.2') ? 'structured_outputs' : 'guided_regex';
    }
    if (c.constrainFormat !== false && (this.backend === 'ollama' || this.backend === 'openai-compatible'))
      notes.push(
        `constrainFormat: backend '${this.backend}' has no regex or grammar constraint; answers are NOT constrained (the parser still reads them)`,
      );
    // No per-request image bounds (re-checked for issue 11):
    // - SGLang: an image_url takes url, detail, max/min_dynamic_patch and content_hash only
    //   (python/sglang/srt/entrypoints/openai/protocol.py:529-534 at 004c82e), the request has no mm_processor_kwargs,
    //   and its `images_config` (:848) is not read by the Qwen-VL processor, whose bounds are the server's
    //   (multimodal/processors/qwen_vl.py:246 and :27-28, process_mm_data_async :260-300 at 65cf1ed);
    // - llama.cpp: an image_url part is its url; image sizes are the server's (mtmd, set at start);
    // - Ollama: a message's images are raw bytes with no options (api/types.go:197-207 at fb30760), and a model's
    //   image bounds come from its GGUF metadata.
    if (c.pinResolution && (this.backend === 'sglang' || this.backend === 'llamacpp' || this.backend === 'ollama'))
      notes.push(
        `backend '${this.backend}' takes no per-request image bounds: the prompt's images (already resized to the 28-px grid) are kept as they are only while the server's own min/max pixels contain them (Qwen2.5-VL's defaults 3136–12845056 do); start the server with no narrower bounds`,
      );
    return notes;
  }

  toString(): string {
    return `[QwenLocalProvider ${this.providerId}]`;
  }

  /**
   * The request for a rendered prompt as it is cached (exported for tests and debugging; never contains
   * a key): images as the prompt carries them, for Ollama too (its wire form is made by {@link wireRequest}).
   * `segmentIds` (from `vars.segments`) are the keys the format constraint allows.
   */
  buildRequest(
    prompt: string,
    mode: Mode | null,
    segmentIds?: readonly string[] | null,
    promptConfig?: unknown,
  ): ChatRequest {
    const c = this.config;
    const messages = parsePrompt(prompt);
    const estimatedTokens = estimateRequestTokens(messages, c.maxTokens);
    const images = countImages(messages);
    if (c.maxImagesPerPrompt !== undefined && images > c.maxImagesPerPrompt)
      throw new PromptError(
        `the prompt has ${images} images, more than maxImagesPerPrompt (${c.maxImagesPerPrompt}, the server's --limit-mm-per-prompt): start the server with a higher limit and raise maxImagesPerPrompt with it, or use fewer k-shot examples or segments`,
      );
    const bounds = this.resolutionOf(messages, promptConfig);
    if (c.backend === 'ollama') {
      const options: Record<string, unknown> = { temperature: c.temperature, num_predict: c.maxTokens };
      if (c.topP !== undefined) options.top_p = c.topP;
      if (c.seed !== undefined) options.seed = c.seed;
      if (c.numCtx !== undefined) {
        options.num_ctx = c.numCtx;
        // An upper estimate: each image at most maxPixels / 28² tokens (Qwen2.5-VL), 1 token per 4 characters.
        const perImage = Math.ceil((bounds?.maxPixels ?? 1280 * 28 * 28) / (28 * 28));
        const need = estimateRequestTokens(messages, c.maxTokens, perImage);
        if (need > c.numCtx)
          throw new PromptError(
            `the prompt may need up to ${need} tokens (${images} images × ≤${perImage} + text + maxTokens ${c.maxTokens}), more than numCtx (${c.numCtx}); Ollama would drop messages from the front, the main image first. Raise numCtx (and the server's OLLAMA_CONTEXT_LENGTH) or lower maxPixels`,
          );
      }
      return {
        path: '/api/chat',
        // truncate: false — a prompt that does not fit is an error, never silently cut from the front
        // (Ollama's default truncation, server/prompt.go:35-67; the flag: api/types.go:111-113).
        body: { model: this.model, messages, stream: false, options, truncate: false, ...c.extraBody },
        estimatedTokens,
      };
    }
    const body = openAIChatBody(this.model, messages, c);
    if (bounds && c.pinResolution && c.backend === 'vllm')
      body.mm_processor_kwargs = { min_pixels: bounds.minPixels, max_pixels: bounds.maxPixels };
    const field = this.constraintField;
    if (field) {
      if (!mode)
        throw new PromptError(
          'constrainFormat needs the mode of the prompt: set config.mode or vars.mode, or use the @mmre/pfa prompts (they set vars.mode)',
        );
      const o = segmentIds ? { segmentIds } : {};
      if (field === 'grammar') body.grammar = pfaGbnf(mode, o);
      else {
        const regex = pfaRegex(mode, o);
        if (field === 'regex') body.regex = regex;
        else if (field === 'regex_schema') body.response_format = { type: 'regex_schema', regex_schema: regex };
        else if (field === 'guided_regex') body.guided_regex = regex;
        else body.structured_outputs = { regex };
      }
    }
    Object.assign(body, c.extraBody);
    return { path: '/chat/completions', body, estimatedTokens };
  }

  /**
   * The bounds of the prompt's images (one source: the prompt's image settings), checked against the deprecated
   * config pins; undefined when the prompt carries no reference and no PFA row config.
   */
  private resolutionOf(messages: readonly ChatMessage[], promptConfig: unknown) {
    const c = this.config;
    const bounds = imageBoundsOf(messages, promptConfig);
    const pinned = c.minPixels !== undefined || c.maxPixels !== undefined;
    if (!pinned) return bounds;
    if (!bounds) return { minPixels: c.minPixels ?? 3136, maxPixels: c.maxPixels ?? 12_845_056, factor: 28 };
    if (
      (c.minPixels ?? bounds.minPixels) !== bounds.minPixels ||
      (c.maxPixels ?? bounds.maxPixels) !== bounds.maxPixels
    )
      throw new PromptError(
        `config.minPixels/maxPixels (${c.minPixels ?? '-'}–${c.maxPixels ?? '-'}) differ from the bounds the prompt's images were made with (${bounds.minPixels}–${bounds.maxPixels}): the server would resize them a second time. One resolution: remove config.minPixels/maxPixels (the provider sends the prompt's bounds) or set MMRE_MIN_PIXELS/MMRE_MAX_PIXELS`,
      );
    return bounds;
  }

  /** What the row records about the resolution (metadata.resolution). */
  private resolutionRecord(messages: readonly ChatMessage[], promptConfig: unknown): ResolutionRecord | undefined {
    let b: { minPixels: number; maxPixels: number; factor: number } | undefined;
    try {
      b = this.resolutionOf(messages, promptConfig);
    } catch {
      return undefined;
    }
    if (!b) return undefined;
    const sentAs =
      this.config.pinResolution && this.backend === 'vllm'
        ? 'mm_processor_kwargs'
        : this.config.pinResolution && this.backend === 'lmdeploy'
          ? 'image_url'
          : 'none';
    return { ...b, sentAs };
  }

  /** The request as sent: image references resolved to data URLs; for Ollama, its native messages. */
  async wireRequest(req: ChatRequest): Promise<ChatRequest> {
    let resolved = await resolveRequestImages(req);
    // vLLM older than 0.10.2 (read at readiness) takes guided_regex; the cached form says structured_outputs.
    const so = resolved.body.structured_outputs as { regex?: string } | undefined;
    if (this.constraintField === 'guided_regex' && so?.regex !== undefined) {
      const { structured_outputs: _so, ...rest } = resolved.body;
      resolved = {
        path: resolved.path,
        body: { ...rest, guided_regex: so.regex },
        estimatedTokens: resolved.estimatedTokens,
      };
    }
    if (this.backend === 'lmdeploy' && this.config.pinResolution) {
      // LMDeploy's Qwen2-VL reads min_pixels/max_pixels next to each image's url (lmdeploy/vl/model/qwen2.py:22).
      const bounds = imageBoundsOf(req.body.messages as ChatMessage[]);
      if (bounds) {
        const messages = (resolved.body.messages as ChatMessage[]).map((m) =>
          typeof m.content === 'string'
            ? m
            : {
                ...m,
                content: m.content.map((p) =>
                  p.type === 'image_url'
                    ? {
                        ...p,
                        image_url: { url: imageUrlOf(p), min_pixels: bounds.minPixels, max_pixels: bounds.maxPixels },
                      }
                    : p,
                ),
              },
        );
        const { payload: _p, ...rest } = resolved;
        resolved = { ...rest, body: { ...resolved.body, messages } };
      }
    }
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
    const promptConfig = context?.prompt?.config;
    let resolution: ResolutionRecord | undefined;
    return this.chat.call({
      context,
      signal: callOptions?.abortSignal,
      prepare: () => {
        const req = this.buildRequest(prompt, mode, segmentIdsOfVars(vars), promptConfig);
        resolution = this.resolutionRecord(req.body.messages as ChatMessage[], promptConfig);
        return req;
      },
      send: (req) => this.wireRequest(req),
      metadata: () => ({ backend: this.backend, model: this.model, mode, ...(resolution ? { resolution } : {}) }),
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
