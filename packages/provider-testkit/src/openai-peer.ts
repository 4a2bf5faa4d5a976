import { MODES, versionAtLeast } from '@mmre/core';
import { deterministicAnswer } from './answer.js';
import { compileGbnf } from './gbnf.js';
import type { Peer, PeerOptions, PeerReply, Protocol } from './peer.js';
import { imageChecks, PeerError, startPeer } from './peer.js';
import type { DecodedImage, ImageCheckOptions } from './validate.js';
import { decodeDataUrl, estimateTokens, optionalNumber } from './validate.js';

/**
 * The server an OpenAI-compatible peer imitates. Each differs where a client can trip over it, and each
 * difference is cited to the real server's source, file:line at the snapshot read for issue 11 (LMDeploy and
 * Ollama from fetched mirrors; vLLM, SGLang and llama.cpp, whose repositories are over the fetch limit, from the
 * indexed files, each line count checked against the stored text at its character offset):
 *
 * - `vllm` —
 *   - error body `{error: {message, type, param, code}}`: vllm/entrypoints/openai/engine/protocol.py:69-77
 *     (ErrorInfo/ErrorResponse) at 040a2cc;
 *   - unknown request fields are ignored, only logged ("The following fields were present in the request but
 *     ignored"): `extra="allow"` at the same file :37-39, the log at :61-65 (040a2cc); so a `guided_regex` sent to
 *     vLLM >= 0.12 does nothing;
 *   - `mm_processor_kwargs` ("Additional kwargs to pass to the HF processor") and `structured_outputs` are fields of
 *     ChatCompletionRequest: vllm/entrypoints/openai/chat_completion/protocol.py:379-382 and :383-386 at 002032e
 *     (class at :218; no `guided_*` field there any more);
 *   - `structured_outputs` since 0.10.2, where the `guided_*` fields became deprecated ("`guided_regex` is
 *     deprecated. This will be removed in v0.12.0 or v1.0.0, whichever is soonest. Please pass `regex` to
 *     `structured_outputs` instead.", the Field description of ChatCompletionRequest.guided_regex in
 *     vllm/entrypoints/openai/protocol.py of 0.10.2–0.11.x). Line not pinned: that file is over 100 000
 *     characters in those versions, past what could be counted here;
 *   - `GET /version` answers `{"version": …}`, `GET /health` 200, `GET /v1/models` the `--served-model-name`s;
 *     over `--limit-mm-per-prompt` a request is a 400 "At most N image(s) may be provided in one prompt." — by the
 *     routes and messages of vLLM's api_server.py and multimodal processing, lines not pinned (same reason).
 * - `sglang` (python/sglang/srt/entrypoints/openai/protocol.py at 004c82e) —
 *   - error body top level `{object: "error", message, type, param, code}`: :94-99 (ErrorResponse);
 *   - the chat request takes `regex` and `ebnf` ("Extra parameters for SRT backend only"): :823, :827-828
 *     (ChatCompletionRequest at :756); pydantic's default drops other fields silently (no `extra` setting);
 *   - no per-request pixel bounds: an `image_url` takes `url`, `detail`, `max_dynamic_patch`,
 *     `min_dynamic_patch`, `content_hash` and nothing else (:529-534), so `min_pixels`/`max_pixels` there are
 *     dropped; there is no `mm_processor_kwargs`; `images_config` (:848) reaches the processors, but the Qwen-VL one
 *     reads only the request's video, audio and id (python/sglang/srt/multimodal/processors/qwen_vl.py:260-300 at
 *     65cf1ed) and takes its image bounds from the server's `mm_process_config` (:246) or module defaults (:27-28).
 * - `lmdeploy` (fetched mirror at 1263d5c) — error body top level `{message, type, code, param, object: "error"}`
 *   (lmdeploy/serve/openai/protocol.py:11-17, lmdeploy/serve/openai/errors.py:29-43); a regex constraint is
 *   `response_format: {type: "regex_schema", regex_schema}` (protocol.py:158-163, "regex_schema is extended by
 *   lmdeploy"); Qwen2-VL images take `min_pixels`/`max_pixels` next to `url` in `image_url`
 *   (lmdeploy/vl/model/qwen2.py:22).
 * - `llamacpp` (tools/server at aa6192d) — error body `{error: {code, message, type}}` (format_error_response,
 *   server-common.cpp:15-57; ERROR_TYPE_UNAVAILABLE is 503 `unavailable_error`, :43-46; the `error` wrapper as in
 *   server-http.cpp:89-101 and :158-168); while the model loads every route but `/models`, `/v1/models` and
 *   `/api/tags` answers `503 {"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}}`,
 *   with no Retry-After (middleware_server_state, server-http.cpp:175-201, checked before the key, :214-219);
 *   `/health`, `/v1/health`, `/models`, `/v1/models`, `/api/tags` need no key (:121-127) and a wrong key is 401
 *   "Invalid API Key" (:158-168); `grammar` is a GBNF grammar (a bad one is a 400), other constraint fields are
 *   ignored.
 * - `dashscope` — `{error: {message, type, param, code}, request_id}` with codes such as `invalid_api_key`,
 *   `model_not_found`, `limit_requests` (Alibaba Cloud Model Studio, "Error messages",
 *   https://www.alibabacloud.com/help/en/model-studio/error-code).
 * - `openrouter` — `{error: {code, message, metadata?}}`, and HTTP 200 with that body once a model has started
 *   (fault `error-200`; https://openrouter.ai/docs/api-reference/errors); `GET /key` answers the key's limits and
 *   401 for a bad key (https://openrouter.ai/docs/api-reference/limits).
 */
export type OpenAIBackend = 'vllm' | 'sglang' | 'lmdeploy' | 'llamacpp' | 'dashscope' | 'openrouter';

/** The older name of the backend option (error body shape only). */
export type OpenAIErrorFlavor = 'vllm' | 'dashscope';

export interface OpenAIPeerOptions extends PeerOptions {
  /** Base path (default `/v1`). */
  basePath?: string;
  /** The server imitated (default 'vllm'; see {@link OpenAIBackend}). */
  backend?: OpenAIBackend;
  /** Older name of `backend` (error body shape). */
  errorFlavor?: OpenAIErrorFlavor;
  /** Echo the received bearer token in 401 messages, as some servers do (default true: tests that clients redact it). */
  echoKeyInErrors?: boolean;
  /** vLLM: the version `GET /version` reports and whose constraint fields are honoured (default '0.12.0'). */
  vllmVersion?: string;
  /** llama.cpp: the model loads for this long after the peer starts (503 "Loading model" meanwhile; default 0). */
  loadingMs?: number;
  /**
   * The server's own image processor bounds (Qwen2.5-VL's preprocessor_config.json: 3136 … 12 845 056), used
   * for images whose request carries none: the peer records the size each image is resized to.
   */
  serverMinPixels?: number;
  serverMaxPixels?: number;
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool', 'developer']);

const VLLM_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'Unauthorized',
  404: 'NotFoundError',
  413: 'BadRequestError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

const DASHSCOPE_CODES: Record<number, [string, string]> = {
  400: ['invalid_parameter_error', 'invalid_request_error'],
  401: ['invalid_api_key', 'invalid_request_error'],
  404: ['model_not_found', 'invalid_request_error'],
  413: ['invalid_parameter_error', 'invalid_request_error'],
  429: ['limit_requests', 'requests'],
  500: ['internal_error', 'internal_error'],
  503: ['ServiceUnavailable', 'internal_error'],
};

export interface ParsedChat {
  texts: string[];
  images: DecodedImage[];
  /** Per image: the `image_url` object's fields besides `url` (LMDeploy reads `min_pixels`/`max_pixels` there). */
  imageOptions: Record<string, unknown>[];
}

/**
 * Validates `messages` the way vLLM's chat endpoint does and checks every image (decoded with sharp
 * under full validation, the default; see {@link ImageCheckOptions}; `true`/`false` mean full/light).
 */
export async function parseOpenAIMessages(
  messages: unknown,
  maxImages: number,
  images: ImageCheckOptions | boolean = {},
): Promise<ParsedChat> {
  const checks = images;
  if (!Array.isArray(messages) || messages.length === 0)
    throw new PeerError(400, 'messages must be a non-empty array of chat messages');
  const texts: string[] = [];
  const decoded: DecodedImage[] = [];
  const pending: Promise<DecodedImage>[] = [];
  const imageOptions: Record<string, unknown>[] = [];
  messages.forEach((m, i) => {
    if (!m || typeof m !== 'object') throw new PeerError(400, `messages[${i}] must be an object`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role))
      throw new PeerError(
        400,
        `messages[${i}].role must be one of ${[...ROLES].join(', ')}, got ${JSON.stringify(role)}`,
      );
    if (typeof content === 'string') {
      texts.push(content);
      return;
    }
    if (!Array.isArray(content))
      throw new PeerError(400, `messages[${i}].content must be a string or an array of content parts`);
    content.forEach((p, j) => {
      const where = `messages[${i}].content[${j}]`;
      const part = p as { type?: unknown; text?: unknown; image_url?: unknown };
      if (part?.type === 'text') {
        if (typeof part.text !== 'string') throw new PeerError(400, `${where}.text must be a string`);
        texts.push(part.text);
      } else if (part?.type === 'image_url') {
        const iu = part.image_url as { url?: unknown } | string | undefined;
        const url = typeof iu === 'string' ? iu : iu?.url;
        if (typeof url !== 'string') throw new PeerError(400, `${where}.image_url.url must be a string`);
        const { url: _u, ...extra } = typeof iu === 'object' && iu ? (iu as Record<string, unknown>) : {};
        imageOptions.push(extra);
        pending.push(decodeDataUrl(url, where, checks));
      } else {
        throw new PeerError(400, `${where}: unknown content part type ${JSON.stringify(part?.type)}`);
      }
    });
  });
  if (pending.length > maxImages)
    throw new PeerError(400, `At most ${maxImages} image(s) may be provided in one prompt. (got ${pending.length})`);
  decoded.push(...(await Promise.all(pending)));
  return { texts, images: decoded, imageOptions };
}

/** Qwen2-VL's smart_resize as the server's image processor runs it (transformers image_processing_qwen2_vl.py). */
export function serverSmartResize(
  height: number,
  width: number,
  minPixels: number,
  maxPixels: number,
  factor = 28,
): { width: number; height: number } {
  const pyRound = (x: number) => {
    const f = Math.floor(x);
    const d = x - f;
    return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
  };
  let h = Math.max(factor, pyRound(height / factor) * factor);
  let w = Math.max(factor, pyRound(width / factor) * factor);
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { width: w, height: h };
}

/** Request fields each server reads (a subset: what an OpenAI-style client may send); others are ignored. */
const COMMON_FIELDS = [
  'model',
  'messages',
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'stream',
  'top_p',
  'seed',
  'stop',
  'n',
  'logprobs',
  'top_logprobs',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'user',
];
function knownFields(backend: OpenAIBackend, vllmVersion: string): Set<string> {
  switch (backend) {
    case 'vllm': {
      const f = [...COMMON_FIELDS, 'mm_processor_kwargs', 'top_k', 'repetition_penalty', 'min_tokens'];
      if (versionAtLeast(vllmVersion, '0.10.2')) f.push('structured_outputs');
      if (!versionAtLeast(vllmVersion, '0.12.0'))
        f.push('guided_regex', 'guided_json', 'guided_grammar', 'guided_choice');
      return new Set(f);
    }
    case 'sglang':
      return new Set([...COMMON_FIELDS, 'regex', 'ebnf', 'top_k', 'min_p', 'repetition_penalty', 'images_config']);
    case 'lmdeploy':
      return new Set([...COMMON_FIELDS, 'top_k', 'repetition_penalty', 'mm_processor_kwargs', 'media_io_kwargs']);
    case 'llamacpp':
      return new Set([...COMMON_FIELDS, 'grammar', 'json_schema', 'top_k', 'min_p', 'n_predict', 'cache_prompt']);
    case 'dashscope':
      return new Set([...COMMON_FIELDS, 'vl_high_resolution_images', 'enable_thinking']);
    case 'openrouter':
      return new Set([...COMMON_FIELDS, 'provider', 'transforms', 'models', 'route', 'top_k']);
  }
}

function compileRegex(source: unknown, field: string): RegExp {
  if (typeof source !== 'string' || source === '') throw new PeerError(400, `${field} must be a non-empty string`);
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (e) {
    throw new PeerError(400, `${field} is not a valid regex: ${(e as Error).message}`);
  }
}

/** llama.cpp's routes that need no key (tools/server/server-http.cpp:121-127 at aa6192d). */
const LLAMACPP_PUBLIC = new Set(['/health', '/v1/health', '/models', '/v1/models', '/api/tags']);

const LLAMACPP_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  500: 'server_error',
  501: 'not_supported_error',
  503: 'unavailable_error',
};

/** Each backend's error body (see {@link OpenAIBackend} for the sources). */
function errorBodyOf(backend: OpenAIBackend, status: number, message: string, code?: string): unknown {
  switch (backend) {
    case 'dashscope': {
      const [c, type] = DASHSCOPE_CODES[status] ?? ['internal_error', 'internal_error'];
      return {
        error: { message, type, param: null, code: code ?? c },
        request_id: `req-${Math.random().toString(16).slice(2, 10)}`,
      };
    }
    case 'sglang':
      return { object: 'error', message, type: VLLM_TYPES[status] ?? 'Error', param: null, code: status };
    case 'lmdeploy':
      return {
        message,
        type: status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : 'invalid_request_error',
        code: status,
        param: null,
        object: 'error',
      };
    case 'llamacpp':
      return { error: { code: status, message, type: LLAMACPP_TYPES[status] ?? 'server_error' } };
    case 'openrouter':
      return { error: { code: status, message } };
    default:
      return { error: { message, type: VLLM_TYPES[status] ?? 'Error', param: null, code: status } };
  }
}

export function openAIProtocol(options: OpenAIPeerOptions): Protocol {
  const backend: OpenAIBackend = options.backend ?? options.errorFlavor ?? 'vllm';
  const basePath = options.basePath ?? '/v1';
  const maxImages = options.maxImagesPerPrompt ?? 8;
  const maxModelLen = options.maxModelLen ?? 32_768;
  const vllmVersion = options.vllmVersion ?? '0.12.0';
  const known = knownFields(backend, vllmVersion);
  const serverMin = options.serverMinPixels ?? 3136;
  const serverMax = options.serverMaxPixels ?? 12_845_056;
  const checks = imageChecks(options);
  const readyAt = Date.now() + (options.loadingMs ?? 0);
  let completionSeq = 0;
  const errorBody = (status: number, message: string, code?: string) => errorBodyOf(backend, status, message, code);
  // Without `models` the peer accepts any model name and lists none (a client cannot check the name against it).
  const models = options.models ?? [];
  const { summaryChars } = options;
  return {
    name: backend,
    errorBody,
    async handle({ method, path, body, headers }): Promise<PeerReply> {
      // llama.cpp answers 503 "Loading model" to everything but the model list while it loads (server.cpp).
      if (backend === 'llamacpp' && Date.now() < readyAt) {
        if (method === 'GET' && (path === `${basePath}/models` || path === '/models' || path === '/api/tags'))
          return { status: 200, json: { object: 'list', data: models.map((id) => ({ id, object: 'model' })) } };
        return { status: 503, json: errorBody(503, 'Loading model') };
      }
      // llama.cpp asks no key for its health and model routes (LLAMACPP_PUBLIC), and checks the server state first.
      const publicRoute =
        method === 'GET' && (path === '/health' || (backend === 'llamacpp' && LLAMACPP_PUBLIC.has(path)));
      if (options.apiKey !== undefined && !publicRoute) {
        const auth = headers.authorization;
        if (!auth)
          throw new PeerError(
            401,
            backend === 'llamacpp'
              ? 'Invalid API Key.'
              : "You didn't provide an API key. Send it as Authorization: Bearer <key>.",
          );
        const m = /^Bearer (.+)$/.exec(auth);
        if (!m || m[1] !== options.apiKey) {
          const shown = options.echoKeyInErrors === false ? '' : `: ${m?.[1] ?? auth}`;
          // llama.cpp: "Invalid API Key" (server-http.cpp:158-168 at aa6192d); the echo is this peer's, for redaction tests
          throw new PeerError(
            401,
            `${backend === 'llamacpp' ? 'Invalid API Key' : 'Incorrect API key provided'}${shown}.`,
          );
        }
      }
      if (method === 'GET' && path === `${basePath}/models`)
        return {
          status: 200,
          json: { object: 'list', data: models.map((id) => ({ id, object: 'model' })) },
        };
      if (method === 'GET' && path === '/health' && backend !== 'dashscope' && backend !== 'openrouter')
        return { status: 200, json: backend === 'llamacpp' ? { status: 'ok' } : {} };
      if (method === 'GET' && path === '/version' && backend === 'vllm')
        return { status: 200, json: { version: vllmVersion } };
      // OpenRouter's key check: the key's label and limits (https://openrouter.ai/docs/api-reference/limits)
      if (method === 'GET' && path === `${basePath}/key` && backend === 'openrouter')
        return {
          status: 200,
          json: { data: { label: 'sk-or-v1-…', limit: null, usage: 0, is_free_tier: false, rate_limit: null } },
        };
      if (method === 'GET' && path === '/props' && backend === 'llamacpp')
        return { status: 200, json: { total_slots: 1, model_path: models[0] ?? 'model.gguf' } };
      if (method !== 'POST' || path !== `${basePath}/chat/completions`)
        throw new PeerError(404, backend === 'llamacpp' ? 'File Not Found' : `no route for ${method} ${path}`);
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new PeerError(400, 'request body must be a JSON object');
      const b = body as Record<string, unknown>;
      if (typeof b.model !== 'string' || b.model === '') throw new PeerError(400, 'model must be a non-empty string');
      // llama.cpp serves its one model under any name; the others check it
      if (options.models && backend !== 'llamacpp' && !options.models.includes(b.model))
        throw new PeerError(
          404,
          backend === 'dashscope'
            ? `The model \`${b.model}\` does not exist or you do not have access to it.`
            : `The model \`${b.model}\` does not exist.`,
        );
      if (b.stream === true) throw new PeerError(400, 'this peer does not stream; send stream: false');
      const ignoredFields = Object.keys(b).filter((k) => !known.has(k));
      optionalNumber(b, 'temperature', (v) => v >= 0 && v <= 2, 'a number in [0, 2]');
      optionalNumber(b, 'top_p', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
      optionalNumber(b, 'seed', Number.isInteger, 'an integer');
      const maxTokens =
        optionalNumber(b, 'max_tokens', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1') ??
        optionalNumber(b, 'max_completion_tokens', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
      let reqMin: number | undefined;
      let reqMax: number | undefined;
      if (b.mm_processor_kwargs !== undefined && known.has('mm_processor_kwargs')) {
        const k = b.mm_processor_kwargs as Record<string, unknown>;
        if (!k || typeof k !== 'object' || Array.isArray(k))
          throw new PeerError(400, 'mm_processor_kwargs must be an object');
        reqMin = optionalNumber(k, 'min_pixels', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
        reqMax = optionalNumber(k, 'max_pixels', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
        if (reqMin !== undefined && reqMax !== undefined && reqMin > reqMax)
          throw new PeerError(400, `min_pixels (${reqMin}) must not exceed max_pixels (${reqMax})`);
      }
      if (b.vl_high_resolution_images !== undefined && typeof b.vl_high_resolution_images !== 'boolean')
        throw new PeerError(400, 'vl_high_resolution_images must be a boolean');
      // The constraint the server applies: only fields this backend (and vLLM version) reads.
      let constraint: RegExp | undefined;
      let constraintField: string | undefined;
      const take = (field: string, re: RegExp) => {
        if (constraint) throw new PeerError(400, `send one decoding constraint, got ${constraintField} and ${field}`);
        constraint = re;
        constraintField = field;
      };
      if (known.has('structured_outputs') && b.structured_outputs !== undefined) {
        const so = b.structured_outputs as Record<string, unknown>;
        if (!so || typeof so !== 'object') throw new PeerError(400, 'structured_outputs must be an object');
        if (so.regex !== undefined)
          take('structured_outputs.regex', compileRegex(so.regex, 'structured_outputs.regex'));
      }
      if (known.has('guided_regex') && b.guided_regex !== undefined)
        take('guided_regex', compileRegex(b.guided_regex, 'guided_regex'));
      if (backend === 'sglang' && b.regex !== undefined) take('regex', compileRegex(b.regex, 'regex'));
      if (backend === 'lmdeploy' && b.response_format !== undefined) {
        const rf = b.response_format as Record<string, unknown>;
        const types = ['text', 'json_object', 'json_schema', 'regex_schema'];
        if (!rf || typeof rf !== 'object' || !types.includes(rf.type as string))
          throw new PeerError(400, `response_format.type must be one of ${types.join(', ')}`);
        if (rf.type === 'regex_schema')
          take('response_format.regex_schema', compileRegex(rf.regex_schema, 'response_format.regex_schema'));
      }
      if (backend === 'llamacpp' && b.grammar !== undefined) {
        if (typeof b.grammar !== 'string') throw new PeerError(400, 'grammar must be a string');
        try {
          take('grammar', compileGbnf(b.grammar));
        } catch (e) {
          throw new PeerError(400, `Failed to parse grammar: ${(e as Error).message}`);
        }
      }
      const chat = await parseOpenAIMessages(b.messages, maxImages, checks);
      const images = chat.images.map((im, i) => {
        const o = chat.imageOptions[i] ?? {};
        const perImage = backend === 'lmdeploy';
        const min = (perImage && typeof o.min_pixels === 'number' ? o.min_pixels : reqMin) ?? serverMin;
        const max = (perImage && typeof o.max_pixels === 'number' ? o.max_pixels : reqMax) ?? serverMax;
        const seen = im.width && im.height ? serverSmartResize(im.height, im.width, min, max) : { width: 0, height: 0 };
        return { width: im.width, height: im.height, seen, minPixels: min, maxPixels: max };
      });
      const promptTokens = estimateTokens(chat.texts, chat.images);
      if (maxTokens !== undefined && promptTokens + maxTokens > maxModelLen)
        throw new PeerError(
          400,
          `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        );
      let answer = deterministicAnswer({ texts: chat.texts, images: chat.images, summaryChars });
      const re = constraint as RegExp | undefined;
      if (re && !re.test(answer.text)) {
        // a constrained server cannot leave the grammar: answer in the mode whose format the constraint describes
        for (const mode of MODES) {
          const alt = deterministicAnswer({ texts: chat.texts, images: chat.images, mode, summaryChars });
          if (re.test(alt.text)) {
            answer = alt;
            break;
          }
        }
      }
      let content = answer.text;
      let finish = 'stop';
      if (maxTokens !== undefined && Math.ceil(content.length / 4) > maxTokens) {
        content = content.slice(0, maxTokens * 4);
        finish = 'length';
      }
      if (re && finish === 'stop' && !re.test(content))
        throw new PeerError(500, 'peer invariant: the deterministic answer does not satisfy the requested constraint');
      const completionTokens = Math.ceil(content.length / 4);
      completionSeq++;
      return {
        status: 200,
        record: {
          ...(ignoredFields.length ? { ignoredFields } : {}),
          ...(constraintField ? { constraint: constraintField } : {}),
          images,
        },
        json: {
          id: `chatcmpl-${completionSeq}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: b.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: finish }],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
          },
        },
      };
    },
  };
}

/** An OpenAI-compatible chat-completions peer that validates requests the way vLLM does. Base URL ends in `/v1`. */
export function startOpenAIPeer(options: OpenAIPeerOptions = {}): Promise<Peer> {
  return startPeer(openAIProtocol(options), options, options.basePath ?? '/v1');
}

export const DASHSCOPE_MODELS: readonly string[] = Object.freeze([
  'qwen2.5-vl-72b-instruct',
  'qwen2.5-vl-32b-instruct',
  'qwen2.5-vl-7b-instruct',
  'qwen2.5-vl-3b-instruct',
  'qwen-vl-max',
  'qwen-vl-plus',
]);

/**
 * A DashScope compatible-mode peer: base URL ends in `/compatible-mode/v1`, an API key is
 * required, errors come in DashScope's shape (`{error: {message, type, param, code}, request_id}`
 * with codes such as `invalid_api_key`, `model_not_found`, `limit_requests`), and only the Qwen VL
 * models DashScope serves are accepted.
 */
export function startDashScopePeer(
  options: Omit<OpenAIPeerOptions, 'errorFlavor' | 'backend'> & { apiKey: string },
): Promise<Peer> {
  const o: OpenAIPeerOptions = {
    models: DASHSCOPE_MODELS,
    ...options,
    basePath: options.basePath ?? '/compatible-mode/v1',
    backend: 'dashscope',
  };
  return startPeer(openAIProtocol(o), o, o.basePath as string);
}
