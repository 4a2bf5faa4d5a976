import {
  chatOptions,
  checkOneBaseUrl,
  endpointOptions,
  modeAndPriceOptions,
  positiveInt,
  readinessOptions,
  requestOptions,
} from '@mmre/provider-transport';
import { z } from 'zod';

export const LOCAL_BACKENDS = ['vllm', 'sglang', 'lmdeploy', 'llamacpp', 'openai-compatible', 'ollama'] as const;
export type LocalBackend = (typeof LOCAL_BACKENDS)[number];

/** Default base URL per backend (each server's documented default port). */
export const DEFAULT_BASE_URLS: Readonly<Record<LocalBackend, string | undefined>> = Object.freeze({
  vllm: 'http://127.0.0.1:8000/v1',
  sglang: 'http://127.0.0.1:30000/v1',
  lmdeploy: 'http://127.0.0.1:23333/v1',
  llamacpp: 'http://127.0.0.1:8080/v1',
  'openai-compatible': undefined,
  ollama: 'http://127.0.0.1:11434',
});

/** Default model name per backend (what the server is usually started with). */
export const DEFAULT_MODELS: Readonly<Record<LocalBackend, string | undefined>> = Object.freeze({
  vllm: 'Qwen/Qwen2.5-VL-7B-Instruct',
  sglang: 'Qwen/Qwen2.5-VL-7B-Instruct',
  lmdeploy: 'Qwen/Qwen2.5-VL-7B-Instruct',
  llamacpp: 'qwen2.5-vl-7b-instruct',
  'openai-compatible': undefined,
  ollama: 'qwen2.5vl:7b',
});

/** The constraint field each backend honours (`true` picks it; vLLM picks by version). */
const FIELD_BACKEND: Readonly<Record<string, LocalBackend>> = Object.freeze({
  structured_outputs: 'vllm',
  guided_regex: 'vllm',
  regex: 'sglang',
  regex_schema: 'lmdeploy',
  grammar: 'llamacpp',
});
const BACKEND_FIELD: Readonly<Partial<Record<LocalBackend, string>>> = Object.freeze({
  vllm: "'structured_outputs' or 'guided_regex'",
  sglang: "'regex'",
  lmdeploy: "'regex_schema'",
  llamacpp: "'grammar'",
});

export const QwenLocalConfigSchema = z
  .object({
    backend: z.enum(LOCAL_BACKENDS).default('vllm'),
    /** model, baseUrl, baseUrls, apiKeyEnv (the env var holding the server's key, vLLM `--api-key` etc., sent as a Bearer token). */
    ...endpointOptions({ url: 'http://127.0.0.1:8000/v1', keyEnv: 'VLLM_API_KEY' }),
    /**
     * temperature, maxTokens, topP, seed, timeoutMs, maxRetries, retryBudgetMs, maxRetryAfterMs, maxConcurrency
     * (default 16; Ollama: 1, its OLLAMA_NUM_PARALLEL default — raise both together).
     */
    ...chatOptions({ maxConcurrency: 16 }),
    /**
     * Deprecated pins of the server-side resize. The resolution has ONE source, the prompt's image settings
     * (@mmre/pfa minPixels/maxPixels, MMRE_MIN_PIXELS/MMRE_MAX_PIXELS): the provider sends those bounds to the
     * servers that take them. When given, these must equal the prompt's bounds (a row whose images were made
     * with other bounds is an error, not a second resize).
     */
    minPixels: positiveInt.optional(),
    maxPixels: positiveInt.optional(),
    /**
     * Send the prompt's image bounds to the server so it does not resize the images a second time (default
     * true): vLLM `mm_processor_kwargs`, LMDeploy `image_url.min_pixels/max_pixels`. SGLang, llama.cpp and
     * Ollama take none per request (said once at start); their Qwen processors keep an image whose size is
     * already on the 28-px grid within their own bounds.
     */
    pinResolution: z.boolean().default(true),
    /**
     * Constrain decoding to the PFA format of the mode. `true` picks the field the backend honours: vLLM
     * `structured_outputs.regex` (>= 0.10.2) or `guided_regex` (older; the version is read from `/version`
     * once), SGLang `regex`, LMDeploy `response_format: {type: 'regex_schema'}`, llama.cpp a GBNF `grammar`.
     * A field name forces it. Ollama and openai-compatible cannot be constrained: said once at start.
     */
    constrainFormat: z
      .union([z.boolean(), z.enum(['structured_outputs', 'guided_regex', 'regex', 'regex_schema', 'grammar'])])
      .default(false),
    /**
     * checkReady, readyTimeoutMs (default 120 000): the server is checked once before the run's first row (with
     * the M-MRE extension) or before the first request: reachable, healthy, the model served, the key taken. A
     * wrong URL, model or key fails the run (or every row at once) with one message; a server that is starting
     * or loading its model is waited for up to `readyTimeoutMs`.
     */
    ...readinessOptions({ readyTimeoutMs: 120_000 }),
    /**
     * Most images one request may carry (vLLM `--limit-mm-per-prompt '{"image":N}'`; the presets say 8):
     * checked before sending, naming the count (k-shot examples add images).
     */
    maxImagesPerPrompt: positiveInt.optional(),
    /**
     * Ollama: the context length (`options.num_ctx`). The provider sends `truncate: false`, so a prompt that
     * does not fit is an error instead of Ollama dropping messages from the front (the main image first); with
     * numCtx set the prompt is also estimated before sending.
     */
    numCtx: positiveInt.optional(),
    /** extraBody (merged into the request body last: backend-specific parameters), requestsPerMinute, tokensPerMinute. */
    ...requestOptions,
    /**
     * mode (for every call, else `vars.mode`: the format constraint needs it), prices (per 1M input/output
     * tokens, to report a cost per call, e.g. your GPU-hour cost converted).
     */
    ...modeAndPriceOptions,
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneBaseUrl(c, ctx);
    if (c.backend === 'openai-compatible' && !c.baseUrl && !c.baseUrls)
      ctx.addIssue({
        code: 'custom',
        path: ['baseUrl'],
        message: "backend 'openai-compatible' needs baseUrl (e.g. http://127.0.0.1:9000/v1)",
      });
    if (c.backend === 'openai-compatible' && !c.model)
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: "backend 'openai-compatible' needs model (the served model name)",
      });
    if ((c.minPixels !== undefined || c.maxPixels !== undefined) && c.backend !== 'vllm' && c.backend !== 'lmdeploy')
      ctx.addIssue({
        code: 'custom',
        path: [c.minPixels !== undefined ? 'minPixels' : 'maxPixels'],
        message: `minPixels/maxPixels pin the server's resize (vLLM mm_processor_kwargs, LMDeploy image_url); backend '${c.backend}' takes none. Set the resolution in the prompt instead (@mmre/pfa minPixels/maxPixels or MMRE_MIN_PIXELS/MMRE_MAX_PIXELS)`,
      });
    if (c.numCtx !== undefined && c.backend !== 'ollama')
      ctx.addIssue({
        code: 'custom',
        path: ['numCtx'],
        message: "numCtx is Ollama's options.num_ctx; use it with backend 'ollama'",
      });
    if (c.minPixels !== undefined && c.maxPixels !== undefined && c.minPixels > c.maxPixels)
      ctx.addIssue({
        code: 'custom',
        path: ['minPixels'],
        message: `minPixels (${c.minPixels}) must not exceed maxPixels (${c.maxPixels})`,
      });
    const field = c.constrainFormat;
    if (typeof field === 'string' && FIELD_BACKEND[field] !== c.backend)
      ctx.addIssue({
        code: 'custom',
        path: ['constrainFormat'],
        message: `'${field}' is a ${FIELD_BACKEND[field]} field; backend '${c.backend}' ${c.backend === 'ollama' || c.backend === 'openai-compatible' ? 'has no regex or grammar constraint' : `takes ${BACKEND_FIELD[c.backend]}`}: use true (the backend's own field)`,
      });
  });

export type QwenLocalConfig = z.output<typeof QwenLocalConfigSchema>;
export type QwenLocalConfigInput = z.input<typeof QwenLocalConfigSchema>;
export const LOCAL_CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(QwenLocalConfigSchema.shape));
