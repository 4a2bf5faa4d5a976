// The public face of @mmre/provider-transport: what the mmre providers and configs use, and what a
// provider of your own needs (README: "An OpenAI-compatible chat provider in a few lines"). The pieces
// behind it (semaphore, token buckets, replica set, backoff maths, cache keys) stay internal; test
// helpers (FakeClock) are at `@mmre/provider-transport/testing`.
export type { ChatAnswer, ChatMessage, ContentPart, Prices } from './chat.js';
export {
  BadAnswerError,
  costOf,
  estimateRequestTokens,
  formatConfigError,
  imageBoundsOf,
  imageUrlOf,
  neverThrow,
  PricesSchema,
  PromptError,
  parsePrompt,
  parseProviderConfig,
  readChatCompletion,
} from './chat.js';
export type { Clock } from './clock.js';
export type { CommonChatConfig } from './common-config.js';
export {
  chatOptions,
  checkOneBaseUrl,
  endpointOptions,
  envNameSchema,
  modeAndPriceOptions,
  positiveInt,
  readinessOptions,
  requestOptions,
  urlSchema,
} from './common-config.js';
export type { TransportFailureReason } from './errors.js';
export { TransportError } from './errors.js';
export type {
  ChatCall,
  ChatReading,
  ChatRequest,
  OpenAIChatClientOptions,
  ProviderInternals,
  ReadinessCheck,
} from './openai-chat.js';
export { NotReadyError, OpenAIChatClient, openAIChatBody, resolveRequestImages } from './openai-chat.js';
export type { CallContext, ProviderOptions, ProviderResponse, TokenUsage } from './promptfoo.js';
export { failProviderConfig, onceByKey, ProviderConfigError, readApiKey } from './promptfoo.js';
export type { ReadinessAware, ReadinessReport, WaitOptions } from './readiness.js';
export { probeUntilAnswered, throwOnRefusedKey } from './readiness.js';
export type { BreakerOptions } from './replicas.js';
export type { CacheOutcome, ResponseCacheKey } from './response-cache.js';
export { withResponseCache } from './response-cache.js';
export type { BackoffOptions } from './retry.js';
export type {
  ProbeResult,
  RequestOptions,
  TransportEvent,
  TransportOptions,
  TransportResponse,
} from './transport.js';
export { HttpTransport } from './transport.js';
