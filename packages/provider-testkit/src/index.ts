// The public face of @mmre/provider-testkit: the loopback peers, the conformance suite and the helpers
// its README names, with their option and result types. Protocol internals, request validation and
// image decoding stay internal.
export type { AnswerInput } from './answer.js';
export { deterministicAnswer } from './answer.js';
export type { FakePromptfooCache } from './cache.js';
export { fakePromptfooCache } from './cache.js';
export type { ConformanceOptions, ConformanceScenario, ProviderLike } from './conformance.js';
export { describeProviderConformance } from './conformance.js';
export { compileGbnf } from './gbnf.js';
export type { ChatPromptInput } from './images.js';
export { buildChatPrompt, makeTestImage } from './images.js';
export type { OllamaPeerOptions } from './ollama-peer.js';
export { startOllamaPeer } from './ollama-peer.js';
export type { OpenAIBackend, OpenAIErrorFlavor, OpenAIPeerOptions } from './openai-peer.js';
export { startDashScopePeer, startOpenAIPeer } from './openai-peer.js';
export type { FaultKind, FaultOptions, Peer, PeerOptions, RecordedRequest } from './peer.js';
export type { ImageValidation } from './validate.js';
