import { deterministicAnswer } from './answer.js';
import type { Peer, PeerOptions, PeerReply, Protocol } from './peer.js';
import { imageChecks, PeerError, startPeer } from './peer.js';
import type { DecodedImage } from './validate.js';
import { decodeImage, estimateTokens, optionalNumber } from './validate.js';

/**
 * Ollama's native API: `POST /api/chat` with `{model, messages: [{role, content, images?}], stream,
 * options}`. `images` holds raw base64 strings; a data-URL prefix is rejected as Ollama does. With
 * `stream` not false the answer is NDJSON chunks (what Ollama does by default).
 */
export function ollamaProtocol(options: PeerOptions): Protocol {
  const maxImages = options.maxImagesPerPrompt ?? 8;
  const checks = imageChecks(options);
  return {
    name: 'ollama',
    errorBody: (_status, message) => ({ error: message }),
    async handle({ method, path, body }): Promise<PeerReply> {
      if (method === 'GET' && path === '/api/tags')
        return {
          status: 200,
          json: { models: (options.models ?? ['qwen2.5vl:7b']).map((name) => ({ name, model: name })) },
        };
      if (method !== 'POST' || path !== '/api/chat') throw new PeerError(404, '404 page not found');
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PeerError(400, 'invalid request body');
      const b = body as Record<string, unknown>;
      if (typeof b.model !== 'string' || b.model === '') throw new PeerError(400, 'model is required');
      if (options.models && !options.models.includes(b.model))
        throw new PeerError(404, `model "${b.model}" not found, try pulling it first`);
      if (b.options !== undefined) {
        const o = b.options as Record<string, unknown>;
        if (!o || typeof o !== 'object' || Array.isArray(o)) throw new PeerError(400, 'options must be an object');
        optionalNumber(o, 'temperature', (v) => v >= 0, 'a number >= 0');
        optionalNumber(o, 'num_predict', Number.isInteger, 'an integer');
        optionalNumber(o, 'seed', Number.isInteger, 'an integer');
        optionalNumber(o, 'top_p', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
      }
      if (!Array.isArray(b.messages) || b.messages.length === 0) throw new PeerError(400, 'messages are required');
      const texts: string[] = [];
      const pending: Promise<DecodedImage>[] = [];
      b.messages.forEach((m: unknown, i: number) => {
        const msg = m as { role?: unknown; content?: unknown; images?: unknown };
        if (!msg || typeof msg !== 'object') throw new PeerError(400, `messages[${i}] must be an object`);
        if (typeof msg.role !== 'string' || !['system', 'user', 'assistant', 'tool'].includes(msg.role))
          throw new PeerError(400, `messages[${i}]: invalid role ${JSON.stringify(msg.role)}`);
        if (typeof msg.content !== 'string')
          throw new PeerError(
            400,
            `json: cannot unmarshal ${Array.isArray(msg.content) ? 'array' : typeof msg.content} into Go struct field Message.messages.content of type string`,
          );
        texts.push(msg.content);
        if (msg.images !== undefined) {
          if (!Array.isArray(msg.images)) throw new PeerError(400, `messages[${i}].images must be an array`);
          msg.images.forEach((im: unknown, j: number) => {
            if (typeof im !== 'string') throw new PeerError(400, `messages[${i}].images[${j}] must be a base64 string`);
            if (im.startsWith('data:'))
              throw new PeerError(
                400,
                `illegal base64 data at input byte 4 (messages[${i}].images[${j}] has a data-URL prefix; send raw base64)`,
              );
            pending.push(decodeImage(im, `messages[${i}].images[${j}]`, checks));
          });
        }
      });
      if (pending.length > maxImages) throw new PeerError(400, `too many images: ${pending.length} > ${maxImages}`);
      const images = await Promise.all(pending);
      const answer = deterministicAnswer({ texts, images });
      const promptTokens = estimateTokens(texts, images);
      const evalCount = Math.ceil(answer.text.length / 4);
      const done = {
        model: b.model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: answer.text },
        done_reason: 'stop',
        done: true,
        total_duration: 1_000_000,
        load_duration: 1_000,
        prompt_eval_count: promptTokens,
        prompt_eval_duration: 500_000,
        eval_count: evalCount,
        eval_duration: 400_000,
      };
      if (b.stream === false) return { status: 200, json: done };
      // Streaming (Ollama's default): NDJSON chunks; a client expecting one JSON object will fail to parse it.
      const chunk = {
        model: b.model,
        created_at: done.created_at,
        message: { role: 'assistant', content: answer.text },
        done: false,
      };
      const lines = [chunk, { ...done, message: { role: 'assistant', content: '' } }];
      return {
        status: 200,
        raw: lines.map((l) => JSON.stringify(l)).join('\n'),
        headers: { 'content-type': 'application/x-ndjson' },
      };
    },
  };
}

/** An Ollama-native peer; its base URL is the server root (`http://127.0.0.1:PORT`). */
export function startOllamaPeer(options: PeerOptions = {}): Promise<Peer> {
  return startPeer(ollamaProtocol(options), options, '');
}
