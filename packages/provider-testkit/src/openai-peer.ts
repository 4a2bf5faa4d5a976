import { MODES } from '@mmre/core';
import { deterministicAnswer } from './answer.js';
import type { Peer, PeerOptions, PeerReply, Protocol } from './peer.js';
import { imageChecks, PeerError, startPeer } from './peer.js';
import type { DecodedImage, ImageCheckOptions } from './validate.js';
import { decodeDataUrl, estimateTokens, optionalNumber } from './validate.js';

export type OpenAIErrorFlavor = 'vllm' | 'dashscope';

export interface OpenAIPeerOptions extends PeerOptions {
  /** Base path (default `/v1`). */
  basePath?: string;
  /** Error body shape (default 'vllm'). */
  errorFlavor?: OpenAIErrorFlavor;
  /** Echo the received bearer token in 401 messages, as some servers do (default true: tests that clients redact it). */
  echoKeyInErrors?: boolean;
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
        pending.push(decodeDataUrl(url, where, checks));
      } else {
        throw new PeerError(400, `${where}: unknown content part type ${JSON.stringify(part?.type)}`);
      }
    });
  });
  if (pending.length > maxImages)
    throw new PeerError(400, `At most ${maxImages} image(s) may be provided in one prompt. (got ${pending.length})`);
  decoded.push(...(await Promise.all(pending)));
  return { texts, images: decoded };
}

function compileRegex(source: unknown, field: string): RegExp {
  if (typeof source !== 'string' || source === '') throw new PeerError(400, `${field} must be a non-empty string`);
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (e) {
    throw new PeerError(400, `${field} is not a valid regex: ${(e as Error).message}`);
  }
}

export function openAIProtocol(options: OpenAIPeerOptions): Protocol {
  const flavor = options.errorFlavor ?? 'vllm';
  const basePath = options.basePath ?? '/v1';
  const maxImages = options.maxImagesPerPrompt ?? 8;
  const maxModelLen = options.maxModelLen ?? 32_768;
  const checks = imageChecks(options);
  let completionSeq = 0;
  const errorBody = (status: number, message: string, code?: string) => {
    if (flavor === 'dashscope') {
      const [c, type] = DASHSCOPE_CODES[status] ?? ['internal_error', 'internal_error'];
      return {
        error: { message, type, param: null, code: code ?? c },
        request_id: `req-${Math.random().toString(16).slice(2, 10)}`,
      };
    }
    return { error: { message, type: VLLM_TYPES[status] ?? 'Error', param: null, code: status } };
  };
  return {
    name: flavor === 'dashscope' ? 'dashscope' : 'openai',
    errorBody,
    async handle({ method, path, body, headers }): Promise<PeerReply> {
      if (options.apiKey !== undefined) {
        const auth = headers.authorization;
        if (!auth) throw new PeerError(401, "You didn't provide an API key. Send it as Authorization: Bearer <key>.");
        const m = /^Bearer (.+)$/.exec(auth);
        if (!m || m[1] !== options.apiKey) {
          const shown = options.echoKeyInErrors === false ? '' : `: ${m?.[1] ?? auth}`;
          throw new PeerError(401, `Incorrect API key provided${shown}.`);
        }
      }
      if (method === 'GET' && path === `${basePath}/models`)
        return {
          status: 200,
          json: { object: 'list', data: (options.models ?? ['default']).map((id) => ({ id, object: 'model' })) },
        };
      if (method !== 'POST' || path !== `${basePath}/chat/completions`)
        throw new PeerError(404, `no route for ${method} ${path}`);
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new PeerError(400, 'request body must be a JSON object');
      const b = body as Record<string, unknown>;
      if (typeof b.model !== 'string' || b.model === '') throw new PeerError(400, 'model must be a non-empty string');
      if (options.models && !options.models.includes(b.model))
        throw new PeerError(
          404,
          flavor === 'dashscope'
            ? `The model \`${b.model}\` does not exist or you do not have access to it.`
            : `The model \`${b.model}\` does not exist.`,
        );
      if (b.stream === true) throw new PeerError(400, 'this peer does not stream; send stream: false');
      optionalNumber(b, 'temperature', (v) => v >= 0 && v <= 2, 'a number in [0, 2]');
      optionalNumber(b, 'top_p', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
      optionalNumber(b, 'seed', Number.isInteger, 'an integer');
      const maxTokens =
        optionalNumber(b, 'max_tokens', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1') ??
        optionalNumber(b, 'max_completion_tokens', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
      if (b.mm_processor_kwargs !== undefined) {
        const k = b.mm_processor_kwargs as Record<string, unknown>;
        if (!k || typeof k !== 'object' || Array.isArray(k))
          throw new PeerError(400, 'mm_processor_kwargs must be an object');
        const minP = optionalNumber(k, 'min_pixels', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
        const maxP = optionalNumber(k, 'max_pixels', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
        if (minP !== undefined && maxP !== undefined && minP > maxP)
          throw new PeerError(400, `min_pixels (${minP}) must not exceed max_pixels (${maxP})`);
      }
      if (b.vl_high_resolution_images !== undefined && typeof b.vl_high_resolution_images !== 'boolean')
        throw new PeerError(400, 'vl_high_resolution_images must be a boolean');
      let constraint: RegExp | undefined;
      const so = b.structured_outputs as Record<string, unknown> | undefined;
      if (so !== undefined) {
        if (!so || typeof so !== 'object') throw new PeerError(400, 'structured_outputs must be an object');
        if (so.regex !== undefined) constraint = compileRegex(so.regex, 'structured_outputs.regex');
      }
      if (b.guided_regex !== undefined) {
        if (constraint) throw new PeerError(400, 'send structured_outputs.regex or guided_regex, not both');
        constraint = compileRegex(b.guided_regex, 'guided_regex');
      }
      const chat = await parseOpenAIMessages(b.messages, maxImages, checks);
      const promptTokens = estimateTokens(chat.texts, chat.images);
      if (maxTokens !== undefined && promptTokens + maxTokens > maxModelLen)
        throw new PeerError(
          400,
          `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        );
      let answer = deterministicAnswer({ texts: chat.texts, images: chat.images });
      if (constraint && !constraint.test(answer.text)) {
        // a constrained server cannot leave the grammar: answer in the mode whose format the regex describes
        for (const mode of MODES) {
          const alt = deterministicAnswer({ texts: chat.texts, images: chat.images, mode });
          if (constraint.test(alt.text)) {
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
      if (constraint && finish === 'stop' && !constraint.test(content))
        throw new PeerError(500, 'peer invariant: the deterministic answer does not satisfy the requested regex');
      const completionTokens = Math.ceil(content.length / 4);
      completionSeq++;
      return {
        status: 200,
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
  options: Omit<OpenAIPeerOptions, 'errorFlavor'> & { apiKey: string },
): Promise<Peer> {
  const o: OpenAIPeerOptions = {
    models: DASHSCOPE_MODELS,
    ...options,
    basePath: options.basePath ?? '/compatible-mode/v1',
    errorFlavor: 'dashscope',
  };
  return startPeer(openAIProtocol(o), o, o.basePath as string);
}
