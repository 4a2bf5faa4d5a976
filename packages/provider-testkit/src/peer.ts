import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mulberry32 } from '@mmre/core';
import type { ImageCheckOptions, ImageValidation } from './validate.js';

/**
 * Faults a peer can inject. All but `400` and `content-null` are ones a client should retry.
 * - `429`: a 429 with `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3; what rate-limiting
 *   gateways in front of vLLM send, and OpenRouter's rate limits, https://openrouter.ai/docs/api-reference/limits);
 * - `429-no-retry-after`: a 429 without a Retry-After header (DashScope's 429 `limit_requests` throttling,
 *   https://www.alibabacloud.com/help/en/model-studio/error-code; vLLM behind a gateway);
 * - `error-200`: HTTP 200 whose body is `{error: {code: 502, message}}`, as OpenRouter answers once a model has
 *   started ("If an error occurs mid-generation … the status code will be 200", openrouter.ai/docs/api-reference/errors);
 * - `content-null`: a chat completion whose `message.content` is null (OpenAI-compatible servers do this on
 *   refusals, tool calls and failed generations).
 */
export type FaultKind =
  | '429'
  | '429-no-retry-after'
  | '500'
  | '503'
  | 'reset'
  | 'slow'
  | 'truncated'
  | 'html'
  | '400'
  | 'error-200'
  | 'content-null';

export const RETRYABLE_FAULTS: readonly FaultKind[] = Object.freeze([
  '429',
  '500',
  '503',
  'reset',
  'slow',
  'truncated',
  'html',
]);

export interface FaultOptions {
  /** Share of requests that get a fault, 0…1. */
  rate: number;
  /** PRNG seed (default 1): the same seed and arrival order give the same faults. */
  seed?: number;
  /** Fault kinds drawn uniformly (default: RETRYABLE_FAULTS). */
  kinds?: readonly FaultKind[];
  /** Retry-After sent with 429 (default 1 s). */
  retryAfterSeconds?: number;
  /** Retry-After format: delta-seconds, an HTTP-date, or alternating (default 'seconds'). */
  retryAfterFormat?: 'seconds' | 'http-date' | 'mixed';
  /** How long a `slow` response takes (default 2 000 ms); set it above the client's timeout. */
  slowMs?: number;
}

export interface PeerOptions {
  /** Fixed latency before every normal answer, in ms (default 0). */
  latencyMs?: number;
  /**
   * What `latencyMs` counts from: `answer` (default) waits the full latency after reading, validating and
   * answering the request; `arrival` answers `latencyMs` after the request arrived (its headers were
   * parsed), so the peer's own work happens inside the latency, as for a server with a fixed response time.
   */
  latencyFrom?: 'answer' | 'arrival';
  faults?: FaultOptions;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /**
   * Answers' summaries run to at least this many characters (see `AnswerInput.summaryChars`; default 0: one
   * short sentence). A benchmark sets the length of real summaries, so result rows have a real size.
   */
  summaryChars?: number;
  /** Served model names; a request for another model gets a 404 (default: any model accepted). */
  models?: readonly string[];
  /** Like vLLM's `--limit-mm-per-prompt image=N` (default 8). */
  maxImagesPerPrompt?: number;
  /** Context length for the max_tokens check (default 32 768). */
  maxModelLen?: number;
  /**
   * How images are checked: `full` decodes each with sharp as vLLM does (default); `light` checks the
   * data-URL prefix, base64, size and format signature without decoding (benchmarks, so the peer is not the
   * bottleneck). See {@link ImageValidation}.
   */
  imageValidation?: ImageValidation;
  /** Largest decoded image accepted, in bytes (default 20 MiB); a larger one is a 413. */
  maxImageBytes?: number;
  /**
   * Add a `server-timing` header to every answer: `read` (receiving the body), `parse` (JSON),
   * `handle` (validation and answer), `wait` (the fixed latency), durations in ms (default false).
   */
  serverTiming?: boolean;
}

/** The image checks a peer's options ask for. */
export function imageChecks(options: PeerOptions): ImageCheckOptions {
  const validation: ImageValidation = options.imageValidation ?? 'full';
  return { validation, maxImageBytes: options.maxImageBytes };
}

export interface RecordedRequest {
  /** Arrival number, from 1. */
  seq: number;
  /** The client's `x-request-id` header, if any (the same across retries of one call). */
  requestId: string | undefined;
  method: string;
  path: string;
  /** Parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  fault: FaultKind | null;
  /** HTTP status sent (0 for a reset). */
  status: number;
  /** `ok`: a normal answer was sent; `fault`: an injected fault; `rejected`: a validation error. */
  outcome: 'ok' | 'fault' | 'rejected';
  /** Error message for rejected requests. */
  error?: string;
  /** Authorization header as received (tests check what a client sent). */
  authorization: string | undefined;
  /** Body fields the server would ignore (vLLM logs them, others drop them silently): what a client sent for nothing. */
  ignoredFields?: string[];
  /** Ollama: the prompt text as its template sees it, images as `[img-N]` at their places (prompt.go:116-121). */
  prompt?: string;
  /** The decoding constraint the server applied (`structured_outputs.regex`, `guided_regex`, `regex`, `grammar`…). */
  constraint?: string;
  /** Each image as received and the size the server's Qwen processor resizes it to (what the model sees). */
  images?: {
    width: number;
    height: number;
    seen: { width: number; height: number };
    minPixels: number;
    maxPixels: number;
  }[];
}

export interface PeerReply {
  status: number;
  json?: unknown;
  /** A raw body sent instead of `json` (e.g. NDJSON). */
  raw?: string;
  headers?: Record<string, string>;
  /** Facts the protocol adds to the request's record (ignored fields, constraint, images seen). */
  record?: Pick<RecordedRequest, 'ignoredFields' | 'constraint' | 'images' | 'prompt'>;
}

const bodyOf = (reply: PeerReply) => reply.raw ?? JSON.stringify(reply.json);

/** What a protocol (OpenAI/vLLM, Ollama, DashScope) plugs into the common peer server. */
export interface Protocol {
  name: string;
  /** Handles a request whose body parsed as JSON (or undefined); throws PeerError for a 4xx. */
  handle(req: { method: string; path: string; body: unknown; headers: IncomingMessage['headers'] }): Promise<PeerReply>;
  /** Error body in this protocol's shape. */
  errorBody(status: number, message: string, code?: string): unknown;
}

/** A request the peer rejects, in the protocol's error shape. */
export class PeerError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface Peer {
  /** Base URL clients use (e.g. `http://127.0.0.1:PORT/v1`). */
  url: string;
  origin: string;
  port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The next `count` requests get this fault (before the seeded rate applies). */
  failNext(kind: FaultKind, count?: number): void;
  /** Most requests the peer was handling at once. */
  readonly maxConcurrent: number;
  /** Normal answers sent, per client request id. */
  okCountById(): Map<string, number>;
  close(): Promise<void>;
}

const HTML_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new PeerError(413, `request body larger than ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts a loopback HTTP server on 127.0.0.1 (port 0) speaking `protocol`, with fault injection and a request log. */
export async function startPeer(protocol: Protocol, options: PeerOptions, basePath: string): Promise<Peer> {
  const requests: RecordedRequest[] = [];
  const forced: FaultKind[] = [];
  const faults = options.faults;
  const random = mulberry32(faults?.seed ?? 1);
  const kinds = faults?.kinds ?? RETRYABLE_FAULTS;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let mixedToggle = false;
  let active = 0;
  let maxActive = 0;

  // Waits at least `ms` by performance.now(): Node's timers run on libuv's millisecond loop clock and can
  // fire up to a millisecond early by the monotonic clock, so the remainder is waited again.
  const wait = (ms: number) => {
    const deadline = performance.now() + ms;
    const step = (resolve: () => void) => {
      const left = deadline - performance.now();
      if (left <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        step(resolve);
      }, Math.ceil(left));
      timers.add(t);
    };
    return ms > 0 ? new Promise<void>(step) : Promise.resolve();
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
  };

  const pickFault = (): FaultKind | null => {
    const f = forced.shift();
    if (f) return f;
    if (!faults || faults.rate <= 0) return null;
    const draw = random();
    const which = random();
    if (draw >= faults.rate) return null;
    return kinds[Math.min(kinds.length - 1, Math.floor(which * kinds.length))] as FaultKind;
  };

  const server: Server = createServer(async (req, res) => {
    const rec: RecordedRequest = {
      seq: ++seq,
      requestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body: undefined,
      fault: null,
      status: 0,
      outcome: 'ok',
      authorization: req.headers.authorization,
    };
    requests.push(rec);
    active++;
    maxActive = Math.max(maxActive, active);
    res.on('close', () => {
      active--;
    });
    const t0 = performance.now();
    let t1 = t0;
    let t2 = t0;
    try {
      const raw = await readBody(req, 64 * 1024 * 1024);
      t1 = performance.now();
      if (raw.length > 0) {
        try {
          rec.body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new PeerError(400, 'request body is not valid JSON');
        }
      }
      t2 = performance.now();
      const fault = rec.method === 'POST' ? pickFault() : null;
      rec.fault = fault;
      if (fault) {
        rec.outcome = 'fault';
        switch (fault) {
          case 'reset':
            req.socket.destroy();
            return;
          case '429-no-retry-after':
            rec.status = 429;
            send(
              res,
              429,
              JSON.stringify(protocol.errorBody(429, 'Requests rate limit exceeded, please try again later.')),
            );
            return;
          case 'error-200':
            rec.status = 200;
            send(
              res,
              200,
              JSON.stringify({ error: { code: 502, message: 'Provider returned error: upstream overloaded' } }),
            );
            return;
          case 'content-null': {
            rec.status = 200;
            const id = `chatcmpl-null-${rec.seq}`;
            send(
              res,
              200,
              JSON.stringify({
                id,
                object: 'chat.completion',
                choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }],
              }),
            );
            return;
          }
          case '429': {
            const secs = faults?.retryAfterSeconds ?? 1;
            const fmt = faults?.retryAfterFormat ?? 'seconds';
            mixedToggle = !mixedToggle;
            const useDate = fmt === 'http-date' || (fmt === 'mixed' && mixedToggle);
            const value = useDate ? new Date(Date.now() + secs * 1000).toUTCString() : String(secs);
            rec.status = 429;
            send(res, 429, JSON.stringify(protocol.errorBody(429, 'Too many requests, please retry later.')), {
              'retry-after': value,
            });
            return;
          }
          case '500':
          case '503':
          case '400': {
            rec.status = Number(fault);
            const msg =
              fault === '400'
                ? 'injected bad request: the request was rejected'
                : fault === '500'
                  ? 'Internal server error'
                  : 'Service temporarily unavailable';
            send(res, rec.status, JSON.stringify(protocol.errorBody(rec.status, msg)));
            return;
          }
          case 'html':
            rec.status = 502;
            send(res, 502, HTML_PAGE, { 'content-type': 'text/html' });
            return;
          case 'slow': {
            await wait(faults?.slowMs ?? 2_000);
            const reply = await protocol.handle({
              method: rec.method,
              path: rec.path,
              body: rec.body,
              headers: req.headers,
            });
            rec.status = reply.status;
            send(res, reply.status, bodyOf(reply), reply.headers);
            return;
          }
          case 'truncated': {
            const reply = await protocol.handle({
              method: rec.method,
              path: rec.path,
              body: rec.body,
              headers: req.headers,
            });
            const full = bodyOf(reply);
            rec.status = 200;
            send(res, 200, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
            return;
          }
        }
      }
      const reply = await protocol.handle({ method: rec.method, path: rec.path, body: rec.body, headers: req.headers });
      if (reply.record) Object.assign(rec, reply.record);
      const t3 = performance.now();
      const latency = options.latencyMs ?? 0;
      await wait(options.latencyFrom === 'arrival' ? Math.max(0, t0 + latency - t3) : latency);
      rec.status = reply.status;
      if (reply.status >= 400) rec.outcome = 'rejected';
      const body = bodyOf(reply);
      if (options.serverTiming) {
        const t4 = performance.now();
        const d = (a: number, b: number) => (b - a).toFixed(3);
        const timing = `read;dur=${d(t0, t1)}, parse;dur=${d(t1, t2)}, handle;dur=${d(t2, t3)}, wait;dur=${d(t3, t4)}`;
        send(res, reply.status, body, { ...reply.headers, 'server-timing': timing });
      } else send(res, reply.status, body, reply.headers);
    } catch (err) {
      const status = err instanceof PeerError ? err.status : 500;
      const code = err instanceof PeerError ? err.code : undefined;
      const message = err instanceof Error ? err.message : String(err);
      rec.status = status;
      rec.outcome = rec.fault ? 'fault' : 'rejected';
      rec.error = message;
      send(res, status, JSON.stringify(protocol.errorBody(status, message, code)));
    }
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${basePath}`,
    origin,
    port,
    requests,
    get maxConcurrent() {
      return maxActive;
    },
    failNext(kind, count = 1) {
      for (let i = 0; i < count; i++) forced.push(kind);
    },
    okCountById() {
      const m = new Map<string, number>();
      for (const r of requests)
        if (r.outcome === 'ok' && r.requestId) m.set(r.requestId, (m.get(r.requestId) ?? 0) + 1);
      return m;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
