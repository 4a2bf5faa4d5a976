export type { ChatAnswer, ChatMessage, ContentPart, Prices, ProviderResponse, TokenUsage } from './chat.js';
export {
  BadAnswerError,
  ChatMessageSchema,
  ContentPartSchema,
  costOf,
  countImages,
  estimateRequestTokens,
  formatConfigError,
  imageUrlOf,
  neverThrow,
  openAIUsedTokens,
  PROMPTFOO_INJECTED_CONFIG_KEYS,
  PricesSchema,
  PromptError,
  parsePrompt,
  parseProviderConfig,
  promptText,
  readChatCompletion,
  userConfig,
} from './chat.js';
export type { Clock } from './clock.js';
export { FakeClock, systemClock } from './clock.js';
export type { CommonChatConfig } from './common-config.js';
export {
  chatOptions,
  checkOneBaseUrl,
  endpointOptions,
  envNameSchema,
  positiveInt,
  requestOptions,
  urlSchema,
} from './common-config.js';
export type { TransportErrorInit, TransportFailureReason } from './errors.js';
export { makeRedactor, TransportError } from './errors.js';
export type {
  CallContext,
  ChatCall,
  ChatReading,
  ChatRequest,
  OpenAIChatClientOptions,
  ProviderInternals,
  ProviderOptions,
} from './openai-chat.js';
export { OpenAIChatClient, openAIChatBody, resolveRequestImages } from './openai-chat.js';
export { TokenBucket } from './rate-limit.js';
export type { CooldownOptions } from './replicas.js';
export { DEFAULT_COOLDOWN, Replica, ReplicaSet } from './replicas.js';
export type {
  CacheableResponse,
  CacheOutcome,
  CacheSignals,
  ResponseCacheContext,
  ResponseCacheKey,
  ResponseCacheStore,
} from './response-cache.js';
export {
  promptfooCacheDisabled,
  RESPONSE_CACHE_VERSION,
  responseCacheKey,
  stableJson,
  withResponseCache,
} from './response-cache.js';
export type { BackoffOptions } from './retry.js';
export { DEFAULT_BACKOFF, fullJitterDelay, isRetryableStatus, parseRetryAfter } from './retry.js';
export { Semaphore } from './semaphore.js';
export type {
  AttemptTiming,
  RequestOptions,
  TransportEvent,
  TransportOptions,
  TransportResponse,
  TransportStats,
} from './transport.js';
export { describeErrorBody, HttpTransport } from './transport.js';
