export type { AnswerInput } from './answer.js';
export { deterministicAnswer } from './answer.js';
export type { FakePromptfooCache } from './cache.js';
export { fakePromptfooCache } from './cache.js';
export type {
  ConformanceOptions,
  ConformanceScenario,
  ProviderCallContext,
  ProviderLike,
  ProviderResult,
} from './conformance.js';
export { describeProviderConformance } from './conformance.js';
export { compileGbnf, GbnfError } from './gbnf.js';
export type { ChatPromptInput } from './images.js';
export { buildChatPrompt, makeTestImage, pngDataUrl } from './images.js';
export type { OllamaPeerOptions } from './ollama-peer.js';
export { ollamaProtocol, startOllamaPeer } from './ollama-peer.js';
export type { OpenAIBackend, OpenAIErrorFlavor, OpenAIPeerOptions, ParsedChat } from './openai-peer.js';
export {
  DASHSCOPE_MODELS,
  openAIProtocol,
  parseOpenAIMessages,
  serverSmartResize,
  startDashScopePeer,
  startOpenAIPeer,
} from './openai-peer.js';
export type { FaultKind, FaultOptions, Peer, PeerOptions, PeerReply, Protocol, RecordedRequest } from './peer.js';
export { imageChecks, PeerError, RETRYABLE_FAULTS, startPeer } from './peer.js';
export type { DecodedImage, ImageCheckOptions, ImageValidation } from './validate.js';
export { DEFAULT_MAX_IMAGE_BYTES, decodeDataUrl, decodeImage, estimateTokens, isBase64 } from './validate.js';
