import { MODES } from '@mmre/core';
import {
  chatOptions,
  checkOneBaseUrl,
  endpointOptions,
  PricesSchema,
  positiveInt,
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

export const QwenLocalConfigSchema = z
  .object({
    backend: z.enum(LOCAL_BACKENDS).default('vllm'),
    /** model, baseUrl, baseUrls, apiKeyEnv (the env var holding the server's key, vLLM `--api-key` etc., sent as a Bearer token). */
    ...endpointOptions({ url: 'http://127.0.0.1:8000/v1', keyEnv: 'VLLM_API_KEY' }),
    /** temperature, maxTokens, topP, seed, timeoutMs, maxRetries, maxConcurrency. */
    ...chatOptions({ maxConcurrency: 16 }),
    /** vLLM only: per-request `mm_processor_kwargs.min_pixels`. */
    minPixels: positiveInt.optional(),
    /** vLLM only: per-request `mm_processor_kwargs.max_pixels`. */
    maxPixels: positiveInt.optional(),
    /**
     * Constrain decoding to the PFA format of the mode: `true`/'structured_outputs' sends
     * `structured_outputs: {regex}` (vLLM >= 0.12), 'guided_regex' sends `guided_regex` (older vLLM);
     * on SGLang it sends `regex`. Other backends reject it.
     */
    constrainFormat: z.union([z.boolean(), z.enum(['structured_outputs', 'guided_regex'])]).default(false),
    /** extraBody (merged into the request body last: backend-specific parameters), requestsPerMinute, tokensPerMinute. */
    ...requestOptions,
    /** Mode for every call (else `vars.mode`, else the prompt's PFA anchors). */
    mode: z.enum(MODES).optional(),
    /** Price per 1M input/output tokens, to report a cost per call (e.g. your GPU-hour cost converted). */
    prices: PricesSchema.optional(),
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
    if ((c.minPixels !== undefined || c.maxPixels !== undefined) && c.backend !== 'vllm')
      ctx.addIssue({
        code: 'custom',
        path: [c.minPixels !== undefined ? 'minPixels' : 'maxPixels'],
        message: `minPixels/maxPixels are sent as vLLM mm_processor_kwargs; backend '${c.backend}' does not take them. Resize images in the prompt instead (@mmre/pfa minPixels/maxPixels)`,
      });
    if (c.minPixels !== undefined && c.maxPixels !== undefined && c.minPixels > c.maxPixels)
      ctx.addIssue({
        code: 'custom',
        path: ['minPixels'],
        message: `minPixels (${c.minPixels}) must not exceed maxPixels (${c.maxPixels})`,
      });
    if (c.constrainFormat !== false && c.backend !== 'vllm' && c.backend !== 'sglang')
      ctx.addIssue({
        code: 'custom',
        path: ['constrainFormat'],
        message: `constrainFormat sends a regex (vLLM structured_outputs/guided_regex, SGLang regex); backend '${c.backend}' has no regex constraint. Remove it or use vllm/sglang`,
      });
    if (c.constrainFormat === 'guided_regex' && c.backend !== 'vllm')
      ctx.addIssue({
        code: 'custom',
        path: ['constrainFormat'],
        message: "'guided_regex' is a vLLM parameter; use true on sglang",
      });
  });

export type QwenLocalConfig = z.output<typeof QwenLocalConfigSchema>;
export type QwenLocalConfigInput = z.input<typeof QwenLocalConfigSchema>;
export const LOCAL_CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(QwenLocalConfigSchema.shape));
