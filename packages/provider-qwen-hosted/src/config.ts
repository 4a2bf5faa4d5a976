import {
  chatOptions,
  checkOneBaseUrl,
  endpointOptions,
  modeAndPriceOptions,
  readinessOptions,
  requestOptions,
} from '@mmre/provider-transport';
import { z } from 'zod';

export const HOSTED_BACKENDS = ['dashscope', 'openrouter', 'openai-compatible'] as const;
export type HostedBackend = (typeof HOSTED_BACKENDS)[number];

/** DashScope compatible-mode endpoints; the two regions take different API keys. */
export const DASHSCOPE_URLS = Object.freeze({
  intl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
  cn: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
});
export const OPENROUTER_URL = 'https://openrouter.ai/api/v1';

export const DASHSCOPE_MODELS = [
  'qwen2.5-vl-72b-instruct',
  'qwen2.5-vl-32b-instruct',
  'qwen2.5-vl-7b-instruct',
  'qwen2.5-vl-3b-instruct',
  'qwen-vl-max',
  'qwen-vl-plus',
] as const;
export const OPENROUTER_MODELS = [
  'qwen/qwen2.5-vl-72b-instruct',
  'qwen/qwen2.5-vl-32b-instruct',
  'qwen/qwen-2.5-vl-7b-instruct',
] as const;

export const DEFAULT_KEY_ENV: Readonly<Record<HostedBackend, string | undefined>> = Object.freeze({
  dashscope: 'DASHSCOPE_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  'openai-compatible': undefined,
});

const KNOWN_MODELS: Readonly<Record<HostedBackend, { name: string; models: readonly string[] } | undefined>> = {
  dashscope: { name: 'DashScope', models: DASHSCOPE_MODELS },
  openrouter: { name: 'OpenRouter', models: OPENROUTER_MODELS },
  'openai-compatible': undefined,
};

export const QwenHostedConfigSchema = z
  .object({
    backend: z.enum(HOSTED_BACKENDS).default('dashscope'),
    /** DashScope region: 'intl' (Singapore, default) or 'cn' (Beijing); each has its own keys. */
    region: z.enum(['intl', 'cn']).default('intl'),
    /**
     * model; baseUrl/baseUrls override the backend's URL (a proxy or gateway; tests point it at a loopback peer);
     * apiKeyEnv: the env var holding the key (default DASHSCOPE_API_KEY / OPENROUTER_API_KEY; required for openai-compatible).
     */
    ...endpointOptions({ url: 'https://host/v1', keyEnv: 'MY_API_KEY' }),
    /** temperature, maxTokens, topP, seed, timeoutMs, maxRetries, maxConcurrency. */
    // Hosted APIs throttle for up to a minute (Alibaba: "throttling typically lasts up to a minute"): a 429 without
    // Retry-After is retried with backoff for up to 3 minutes (retryBudgetMs), up to 20 times.
    ...chatOptions({ maxConcurrency: 8, maxRetries: 20, retryBudgetMs: 180_000 }),
    /** DashScope: `vl_high_resolution_images` (more image tokens, higher fidelity). */
    vlHighResolutionImages: z.boolean().optional(),
    /** extraBody, requestsPerMinute, tokensPerMinute. */
    ...requestOptions,
    /** mode, prices (per 1M input/output tokens, in your currency: each call reports its cost). */
    ...modeAndPriceOptions,
    /**
     * checkReady, readyTimeoutMs (default 30 000): the key is checked once before the run's first row (with the
     * M-MRE extension) or before the first request: DashScope and openai-compatible `GET /models`, OpenRouter
     * `GET /key`. A refused key fails the run (or every row at once) with one message; a service that does not
     * answer is waited for up to `readyTimeoutMs`.
     */
    ...readinessOptions({ readyTimeoutMs: 30_000 }),
    /** OpenRouter: optional attribution headers. */
    httpReferer: z.string().url().optional(),
    appTitle: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneBaseUrl(c, ctx);
    if (c.backend === 'openai-compatible') {
      if (!c.baseUrl && !c.baseUrls)
        ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: "backend 'openai-compatible' needs baseUrl" });
      if (!c.apiKeyEnv)
        ctx.addIssue({
          code: 'custom',
          path: ['apiKeyEnv'],
          message: "backend 'openai-compatible' needs apiKeyEnv (the NAME of the env var holding the key)",
        });
      if (!c.model)
        ctx.addIssue({ code: 'custom', path: ['model'], message: "backend 'openai-compatible' needs model" });
    }
    if (c.vlHighResolutionImages !== undefined && c.backend !== 'dashscope')
      ctx.addIssue({
        code: 'custom',
        path: ['vlHighResolutionImages'],
        message: `vlHighResolutionImages is a DashScope option; backend '${c.backend}' does not take it`,
      });
    // Known models are checked against the provider's own list; a proxy or gateway (baseUrl/baseUrls) may serve others.
    const known = KNOWN_MODELS[c.backend];
    if (c.model && known && !known.models.includes(c.model) && !c.baseUrl && !c.baseUrls)
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `unknown ${known.name} Qwen VL model "${c.model}"; use one of ${known.models.join(', ')}`,
      });
    if ((c.httpReferer || c.appTitle) && c.backend !== 'openrouter')
      ctx.addIssue({
        code: 'custom',
        path: [c.httpReferer ? 'httpReferer' : 'appTitle'],
        message: 'an OpenRouter option',
      });
  });

export type QwenHostedConfig = z.output<typeof QwenHostedConfigSchema>;
export type QwenHostedConfigInput = z.input<typeof QwenHostedConfigSchema>;
export const HOSTED_CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(QwenHostedConfigSchema.shape));
