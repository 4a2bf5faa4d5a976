import { deterministicAnswer } from './answer.js';
import type { Peer, PeerOptions, PeerReply, Protocol } from './peer.js';
import { imageChecks, PeerError, startPeer } from './peer.js';
import type { DecodedImage } from './validate.js';
import { decodeImage, estimateTokens, optionalNumber } from './validate.js';

export interface OllamaPeerOptions extends PeerOptions {
  /** Requests a loaded model handles at once: `OLLAMA_NUM_PARALLEL`, default 1 (envconfig/config.go:275 at fb30760). */
  numParallel?: number;
  /**
   * Requests that may wait for a slot: `OLLAMA_MAX_QUEUE`, default 512 (envconfig/config.go:279); past it a 503
   * `{"error": "server busy, please try again.  maximum pending requests exceeded"}` (server/sched.go:88,
   * server/routes.go:3113).
   */
  maxQueue?: number;
  /** How long one generation holds its slot, in ms (default 0). */
  generateMs?: number;
  /**
   * The context length when the request sets no `options.num_ctx` (default 4096; Ollama's OLLAMA_CONTEXT_LENGTH,
   * envconfig/config.go:230, defaults by VRAM to 4k/32k/256k, :336).
   */
  numCtx?: number;
}

/**
 * Ollama's native API: `POST /api/chat` with `{model, messages: [{role, content, images?}], stream,
 * options, truncate}`. Sources: the fetched mirror of github.com/ollama/ollama at fb30760.
 * - `images` holds raw base64 (`type ImageData []byte`, api/types.go:57, :98): JSON decoding of a data-URL prefix
 *   fails, and the bind error is a 400 `{"error": …}` (server/routes.go:2444-2449, ChatHandler at :2440);
 * - with `stream` not false the answer is NDJSON chunks (`Stream *bool`, api/types.go:84; streaming is the
 *   default);
 * - errors are `{"error": "…"}`: an unknown model is a 404 "model %q not found, try pulling it first", a full queue
 *   a 503 (handleScheduleError, server/routes.go:3107-3120: :3113-3116);
 * - one generation at a time by default, the others queued (OLLAMA_NUM_PARALLEL, OLLAMA_MAX_QUEUE above);
 * - images take their place at each `[img]` of the message's content, in order, and go in front of the text
 *   when it has none (server/prompt.go:116-121);
 * - when the prompt does not fit num_ctx, whole messages are dropped from the FRONT until it does, the last
 *   one always kept (server/prompt.go:35-67; images counted as 768 tokens each, prompt.go:30), unless the
 *   request sets `truncate: false` (api/types.go:111-113, routes.go:2695); a prompt that still does not fit
 *   (one message, or truncate false) is a 400 "the prompt is longer than the context length currently available
 *   to the model; …" (llm/llama_server.go:281-300). The request record names the images that survived;
 * - `GET /api/version` and `GET /api/tags` answer the version and the pulled models (routes.go:1880, :1887).
 */
export function ollamaProtocol(options: OllamaPeerOptions): Protocol {
  const maxImages = options.maxImagesPerPrompt ?? 8;
  const checks = imageChecks(options);
  const numParallel = options.numParallel ?? 1;
  const maxQueue = options.maxQueue ?? 512;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (): Promise<() => void> => {
    if (running >= numParallel) {
      if (waiting.length >= maxQueue)
        throw new PeerError(503, 'server busy, please try again.  maximum pending requests exceeded');
      await new Promise<void>((r) => waiting.push(r));
    }
    running++;
    return () => {
      running--;
      waiting.shift()?.();
    };
  };
  return {
    name: 'ollama',
    errorBody: (_status, message) => ({ error: message }),
    async handle({ method, path, body }): Promise<PeerReply> {
      if (method === 'GET' && path === '/api/version') return { status: 200, json: { version: '0.12.6' } };
      if (method === 'GET' && path === '/api/tags')
        return {
          status: 200,
          // without `models` any model is accepted and none is listed
          json: { models: (options.models ?? []).map((name) => ({ name, model: name })) },
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
      if (b.truncate !== undefined && typeof b.truncate !== 'boolean')
        throw new PeerError(400, 'json: cannot unmarshal into Go struct field ChatRequest.truncate of type bool');
      const numCtx =
        (b.options as Record<string, unknown> | undefined)?.num_ctx !== undefined
          ? Number((b.options as Record<string, unknown>).num_ctx)
          : (options.numCtx ?? 4096);
      const numPredict = (b.options as Record<string, unknown> | undefined)?.num_predict;
      const texts: string[] = [];
      const pending: Promise<DecodedImage>[] = [];
      const perMessage: { text: string; images: number; system: boolean }[] = [];
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
        perMessage.push({
          text: msg.content,
          images: Array.isArray(msg.images) ? msg.images.length : 0,
          system: msg.role === 'system',
        });
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
      const all = await Promise.all(pending);
      // Truncation from the front (prompt.go:35-67): 1 token per 4 characters, 768 per image.
      const tokensFrom = (i: number) =>
        perMessage.slice(i).reduce((n, m) => n + Math.ceil(m.text.length / 4) + 768 * m.images, 0);
      let first = 0;
      while (first < perMessage.length - 1 && tokensFrom(first) > numCtx) first++;
      // What does not fit after that (or with truncate: false) is refused by the runner (llm/llama_server.go:281-300).
      if ((first > 0 && b.truncate === false) || tokensFrom(first) > numCtx)
        throw new PeerError(
          400,
          'the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length',
        );
      // The images of the kept messages, placed at each [img] of their text (prompt.go:116-121).
      let imageIndex = perMessage.slice(0, first).reduce((n, m) => n + m.images, 0);
      const images: DecodedImage[] = all.slice(imageIndex);
      for (const m of perMessage.slice(first)) {
        let text = m.text;
        let prefix = '';
        for (let k = 0; k < m.images; k++) {
          const tag = `[img-${imageIndex++ - (all.length - images.length)}]`;
          if (text.includes('[img]')) text = text.replace('[img]', tag);
          else prefix += tag;
        }
        texts.push(prefix + text);
      }
      const release = await acquire();
      try {
        if (options.generateMs) await new Promise((r) => setTimeout(r, options.generateMs));
      } finally {
        release();
      }
      const answer = deterministicAnswer({ texts, images, summaryChars: options.summaryChars });
      const promptTokens = estimateTokens(texts, images);
      let content = answer.text;
      // done_reason "length" when cut at num_predict, else "stop" (DoneReason.String, llm/server.go:258-265 at fb30760)
      let doneReason = 'stop';
      if (typeof numPredict === 'number' && numPredict > 0 && Math.ceil(content.length / 4) > numPredict) {
        content = content.slice(0, numPredict * 4);
        doneReason = 'length';
      }
      const evalCount = Math.ceil(content.length / 4);
      const done = {
        model: b.model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content },
        done_reason: doneReason,
        done: true,
        total_duration: 1_000_000,
        load_duration: 1_000,
        prompt_eval_count: promptTokens,
        prompt_eval_duration: 500_000,
        eval_count: evalCount,
        eval_duration: 400_000,
      };
      const record = {
        prompt: texts.join('\n'),
        ...(first > 0 ? { ignoredFields: [`messages[0..${first - 1}] (truncated to fit num_ctx ${numCtx})`] } : {}),
        images: images.map((im) => ({
          width: im.width,
          height: im.height,
          seen: { width: im.width, height: im.height },
          minPixels: 0,
          maxPixels: 0,
        })),
      };
      if (b.stream === false) return { status: 200, json: done, record };
      // Streaming (Ollama's default): NDJSON chunks; a client expecting one JSON object will fail to parse it.
      const chunk = {
        model: b.model,
        created_at: done.created_at,
        message: { role: 'assistant', content },
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
export function startOllamaPeer(options: OllamaPeerOptions = {}): Promise<Peer> {
  return startPeer(ollamaProtocol(options), options, '');
}
