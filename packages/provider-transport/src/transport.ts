import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { makeRedactor, redactThenClip } from '@mmre/core';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { TransportFailureReason } from './errors.js';
import { TransportError } from './errors.js';
import { TokenBucket } from './rate-limit.js';
import type { BreakerOptions, CooldownOptions, Replica } from './replicas.js';
import { CircuitOpenError, DEFAULT_BREAKER, DEFAULT_COOLDOWN, ReplicaSet } from './replicas.js';
import type { BackoffOptions } from './retry.js';
import { DEFAULT_BACKOFF, fullJitterDelay, isRetryableStatus, parseRetryAfter } from './retry.js';
import { Semaphore } from './semaphore.js';

export interface TransportOptions {
  /** One or more base URLs (replicas), e.g. `http://127.0.0.1:8000/v1`. Paths are appended to them. */
  baseUrls: readonly string[];
  /** Per-attempt timeout covering connect, headers and the whole body, in ms (default 120 000). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (default 4, so up to 5 attempts); the retry budget may end them sooner. */
  maxRetries?: number | undefined;
  /**
   * Longest time one call may spend from its first attempt, retries and their backoff included, in ms
   * (default 300 000). A retry whose wait would end past it is not made: the call fails naming the budget.
   */
  retryBudgetMs?: number | undefined;
  /** The circuit breaker per replica (5 dead failures in a row and 10 s without a success open it for 60 s). */
  breaker?: Partial<BreakerOptions> | undefined;
  /** Requests in flight at once across all replicas (default 16); more wait in FIFO order. */
  maxConcurrency?: number | undefined;
  /**
   * Calls admitted at once by {@link HttpTransport.admit} (default 2 × maxConcurrency): a provider builds a
   * request inside `admit`, so a burst of calls (promptfoo `-j` above maxConcurrency, or a benchmark starting
   * 1 000 at once) waits in FIFO order before building its (image-bearing, tens of KiB) body instead of
   * building them all up front, which delays the first request and holds every body in memory.
   */
  maxPending?: number | undefined;
  /** Client-side request rate limit (token bucket, one second's worth of burst). */
  requestsPerMinute?: number | undefined;
  /** Client-side token rate limit: each request takes its `estimatedTokens`, corrected by the usage the server reports. */
  tokensPerMinute?: number | undefined;
  /** Headers sent with every request (e.g. `authorization`); their values never appear in errors. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Extra secret values to redact from every message (the API key is the usual one). */
  secrets?: readonly (string | undefined)[] | undefined;
  backoff?: Partial<BackoffOptions> | undefined;
  cooldown?: Partial<CooldownOptions> | undefined;
  /** Longest Retry-After the transport waits for; a longer one fails the request at once (default 120 000 ms). */
  maxRetryAfterMs?: number | undefined;
  /** Largest response body accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number | undefined;
  /** Time source for backoff sleeps, Retry-After dates, rate limits and cool-downs (tests pass a FakeClock). */
  clock?: Clock | undefined;
  /** Uniform [0,1) source for jitter (tests pass a seeded one). */
  random?: (() => number) | undefined;
  /** Reads the tokens a response used (for `tokensPerMinute` correction). */
  usedTokens?: ((json: unknown) => number | undefined) | undefined;
  /** Receives redacted events (retries, give-ups); for logs and tests. */
  onEvent?: ((event: TransportEvent) => void) | undefined;
}

export interface TransportEvent {
  type: 'retry' | 'failure' | 'success';
  attempt: number;
  replica: string;
  status?: number | undefined;
  reason?: TransportFailureReason | undefined;
  /** For `retry`: how long the transport waits before the next attempt. */
  delayMs?: number | undefined;
  /** For `success`: where the attempt's time went. */
  timing?: AttemptTiming | undefined;
  /** For `success`: the response's `server-timing` header, when the server sent one. */
  serverTiming?: string | undefined;
  message?: string | undefined;
}

export interface RequestOptions {
  /** Tokens this request is expected to use (prompt + max completion), for `tokensPerMinute`. */
  estimatedTokens?: number | undefined;
  /** Extra headers for this request. */
  headers?: Readonly<Record<string, string>> | undefined;
  signal?: AbortSignal | undefined;
  /** Sent as `x-request-id` on every attempt of this call (default: a new `mmre-<uuid>`). */
  requestId?: string | undefined;
}

export interface TransportResponse<T = unknown> {
  status: number;
  json: T;
  headers: IncomingHttpHeaders;
  /** Base URL of the replica that answered (no credentials). */
  replica: string;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
  /** The `x-request-id` sent with every attempt. */
  requestId: string;
  /** Wall time from the call to the parsed response, including queueing and retries, in ms. */
  latencyMs: number;
  /** Where the time of the successful attempt went (for benchmarks and debugging). */
  timing: AttemptTiming;
}

/** Phases of the attempt that succeeded, in ms (`performance.now()` differences). */
export interface AttemptTiming {
  /** From the call to the start of this attempt: waiting for a concurrency slot, rate limits, earlier attempts. */
  waitMs: number;
  /** From handing the request to the connection pool to the response headers (send + server + network). */
  ttfbMs: number;
  /** From the headers to the last byte of the body. */
  bodyMs: number;
  /** `JSON.parse` of the body. */
  parseMs: number;
}

export interface TransportStats {
  requests: number;
  attempts: number;
  retries: number;
  failures: number;
  inFlight: number;
  queued: number;
  replicas: { url: string; inFlight: number; served: number; failures: number; coolingUntil: number }[];
}

type AttemptOutcome =
  | { ok: true; status: number; json: unknown; headers: IncomingHttpHeaders; timing: AttemptTiming }
  | {
      ok: false;
      retryable: boolean;
      reason: TransportFailureReason;
      detail: string;
      status?: number;
      code?: string;
      retryAfterMs?: number;
    };

class TimeoutSignal extends Error {}

/** An integer option of the transport, at least `min`, or its default when not given. */
function intOption(name: string, v: number | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Picks the server's message and code out of the usual error bodies (OpenAI/vLLM, DashScope, Ollama, FastAPI, HTML). */
export function describeErrorBody(text: string): { message: string; code?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { message: '(empty body)' };
  try {
    const j = JSON.parse(trimmed) as Record<string, unknown>;
    const e = j.error;
    let message: unknown;
    let code: unknown;
    if (e && typeof e === 'object') {
      const eo = e as Record<string, unknown>;
      message = eo.message;
      code = eo.code ?? eo.type;
    } else if (typeof e === 'string') message = e;
    message ??= j.message ?? j.detail;
    code ??= j.code ?? j.type;
    if (typeof message !== 'string') message = JSON.stringify(message ?? j);
    const out: { message: string; code?: string } = { message: clip(String(message)) };
    if (code !== undefined && code !== null) out.code = String(code);
    return out;
  } catch {
    if (/^<(!doctype|html|\?xml)/i.test(trimmed) || /<\/(html|body|title)>/i.test(trimmed)) {
      const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1];
      const plain = (title ?? trimmed.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
      return { message: `HTML page: ${clip(plain, 200)}` };
    }
    return { message: clip(trimmed.replace(/\s+/g, ' ')) };
  }
}

function clip(s: string, n = 500): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * An error carried by a 2xx body: `{error: …}` with no `choices` (OpenAI) and no `message` (Ollama). OpenRouter
 * answers so once a model has started ("errors mid-generation return 200 with an error object",
 * openrouter.ai/docs/api-reference/errors): its `error.code` is an HTTP-like status, retried when 408/429/5xx.
 * Without a numeric code the error is transient when its code or message says busy, overloaded,
 * rate limit, timeout or unavailable.
 */
export function errorIn200(json: unknown): { status?: number; transient: boolean } | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const j = json as Record<string, unknown>;
  if (!j.error || 'choices' in j || 'message' in j) return undefined;
  const e = j.error as Record<string, unknown> | string;
  const codeRaw = typeof e === 'object' ? (e.code ?? e.status) : undefined;
  const code =
    typeof codeRaw === 'number'
      ? codeRaw
      : typeof codeRaw === 'string' && /^\d{3}$/.test(codeRaw)
        ? Number(codeRaw)
        : undefined;
  const words = `${typeof e === 'object' ? `${String(e.code ?? '')} ${String(e.type ?? '')} ${String(e.message ?? '')}` : e}`;
  const transient = /busy|overload|rate.?limit|throttl|timeout|timed out|unavailable|temporar|try again/i.test(words);
  return code !== undefined && code >= 100 && code <= 599 ? { status: code, transient } : { transient };
}

/** One replica's answer to a readiness GET. */
export interface ProbeResult {
  replica: string;
  /** HTTP status, 0 when no response came (connection refused, timeout). */
  status: number;
  json?: unknown;
  /** The server's message or the connection error, redacted. */
  message: string;
}

/**
 * The HTTP client both Qwen providers use: undici pools with keep-alive (one per replica), a FIFO
 * concurrency limit, replica balancing with cool-downs, client-side rate limits, per-attempt
 * timeouts, and retries with exponential backoff + full jitter honouring `Retry-After` on 429, 5xx,
 * connection errors, timeouts and 2xx bodies that are truncated or not JSON. Other statuses fail at
 * once with the server's message. Every message is redacted.
 */
export class HttpTransport {
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxConcurrency: number;
  private readonly replicas: ReplicaSet;
  private readonly semaphore: Semaphore;
  private readonly admission: Semaphore;
  private readonly rpm: TokenBucket | undefined;
  private readonly tpm: TokenBucket | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly maxRetryAfterMs: number;
  readonly retryBudgetMs: number;
  private readonly maxResponseBytes: number;
  private readonly headers: Record<string, string>;
  private readonly usedTokens: TransportOptions['usedTokens'];
  private readonly onEvent: TransportOptions['onEvent'];
  readonly redact: (text: string) => string;
  private closed = false;
  private counters = { requests: 0, attempts: 0, retries: 0, failures: 0 };

  constructor(options: TransportOptions) {
    this.timeoutMs = intOption('timeoutMs', options.timeoutMs, 120_000);
    this.maxRetries = intOption('maxRetries', options.maxRetries, 4, 0);
    this.maxConcurrency = intOption('maxConcurrency', options.maxConcurrency, 16);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.retryBudgetMs = intOption('retryBudgetMs', options.retryBudgetMs, 300_000);
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    this.usedTokens = options.usedTokens;
    this.onEvent = options.onEvent;
    const headerSecrets = Object.entries(options.headers ?? {})
      .filter(([k]) => /authorization|api-key|token|secret/i.test(k))
      .flatMap(([, v]) => [v, v.replace(/^(Bearer|Basic)\s+/i, '')]);
    this.redact = makeRedactor([...(options.secrets ?? []), ...headerSecrets]);
    this.semaphore = new Semaphore(this.maxConcurrency);
    this.admission = new Semaphore(intOption('maxPending', options.maxPending, 2 * this.maxConcurrency));
    this.replicas = new ReplicaSet(
      options.baseUrls,
      this.maxConcurrency,
      { ...DEFAULT_COOLDOWN, ...options.cooldown },
      30_000,
      { ...DEFAULT_BREAKER, ...options.breaker },
    );
    this.rpm = options.requestsPerMinute ? new TokenBucket(options.requestsPerMinute, this.clock) : undefined;
    this.tpm = options.tokensPerMinute ? new TokenBucket(options.tokensPerMinute, this.clock) : undefined;
  }

  get replicaUrls(): string[] {
    return this.replicas.replicas.map((r) => r.label);
  }

  stats(): TransportStats {
    return {
      ...this.counters,
      inFlight: this.semaphore.inUse,
      queued: this.semaphore.waiting,
      replicas: this.replicas.replicas.map((r) => ({
        url: r.label,
        inFlight: r.inFlight,
        served: r.served,
        failures: r.failures,
        coolingUntil: r.coolingUntil,
      })),
    };
  }

  /**
   * Runs `fn` (a provider's whole call: build the request, consult a cache, `postJson`) once one of
   * `maxPending` admission permits is free, first in, first out. Requests are still limited to
   * `maxConcurrency` in flight by postJson itself; this bounds the work prepared ahead of them.
   */
  async admit<T>(fn: () => Promise<T>): Promise<T> {
    return this.admission.run(fn);
  }

  /** POSTs `body` (a JSON string, UTF-8 JSON bytes in a Buffer, or a value to serialise) to `path` (appended to the chosen replica's base URL) and returns the parsed JSON. Throws TransportError. */
  async postJson<T = unknown>(
    path: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<TransportResponse<T>> {
    const started = performance.now();
    this.counters.requests++;
    // Encoded once: undici would otherwise copy a string body into a new Buffer on every attempt.
    const payload = Buffer.isBuffer(body)
      ? body
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
    const requestId = options.requestId ?? `mmre-${randomUUID()}`;
    const headers = { ...this.headers, ...options.headers, 'x-request-id': requestId };
    const estimated = Math.max(0, Math.round(options.estimatedTokens ?? 0));
    try {
      return await this.send<T>(path, payload, headers, estimated, requestId, started, options.signal);
    } catch (e) {
      if (e instanceof TransportError) e.requestId = requestId;
      throw e;
    }
  }

  private async send<T>(
    path: string,
    payload: Buffer,
    headers: Record<string, string>,
    estimated: number,
    requestId: string,
    started: number,
    signal: AbortSignal | undefined,
  ): Promise<TransportResponse<T>> {
    let attempt = 0;
    let firstAttemptAt: number | undefined;
    for (;;) {
      attempt++;
      if (this.closed || signal?.aborted)
        throw this.fail('aborted', attempt - 1, undefined, 'request aborted before it was sent');
      const release = await this.semaphore.acquire();
      let attemptStart = 0;
      let replica: Replica | undefined;
      let outcome: AttemptOutcome;
      try {
        if (this.rpm) await this.rpm.take(1);
        if (this.tpm && estimated > 0) await this.tpm.take(estimated);
        try {
          replica = this.replicas.pick(this.clock.now());
        } catch (e) {
          if (!(e instanceof CircuitOpenError)) throw e;
          throw this.fail('circuit-open', attempt - 1, e.replica, e.message);
        }
        firstAttemptAt ??= this.clock.now();
        replica.inFlight++;
        this.counters.attempts++;
        attemptStart = performance.now();
        outcome = await this.attempt(replica, path, payload, headers, signal);
      } finally {
        if (replica) replica.inFlight--;
        release();
      }
      const r = replica as Replica;
      if (outcome.ok) {
        this.replicas.succeeded(r, this.clock.now());
        if (this.tpm && this.usedTokens) {
          const used = this.usedTokens(outcome.json);
          if (used !== undefined && Number.isFinite(used)) this.tpm.correct(used - estimated);
        }
        const latencyMs = performance.now() - started;
        outcome.timing.waitMs = attemptStart - started;
        if (this.onEvent) {
          const st = outcome.headers['server-timing'];
          this.onEvent({
            type: 'success',
            attempt,
            replica: r.label,
            status: outcome.status,
            timing: outcome.timing,
            serverTiming: Array.isArray(st) ? st.join(', ') : st,
          });
        }
        return {
          status: outcome.status,
          json: outcome.json as T,
          headers: outcome.headers,
          replica: r.label,
          attempts: attempt,
          requestId,
          latencyMs,
          timing: outcome.timing,
        };
      }
      const where = `${outcome.status !== undefined ? `HTTP ${outcome.status}` : outcome.reason} from ${r.label}`;
      if (!outcome.retryable) {
        throw this.fail(outcome.reason, attempt, r, `${where}: ${outcome.detail}`, outcome.status, outcome.code);
      }
      const dead =
        outcome.reason === 'connection' ||
        outcome.reason === 'timeout' ||
        (outcome.status !== undefined && outcome.status >= 500 && outcome.status !== 503);
      this.replicas.failed(r, this.clock.now(), outcome.retryAfterMs, dead, this.redact(`${where}: ${outcome.detail}`));
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > this.maxRetryAfterMs) {
        throw this.fail(
          'retry-after-too-long',
          attempt,
          r,
          `${where} asked to retry after ${Math.round(outcome.retryAfterMs / 1000)} s, longer than maxRetryAfterMs (${this.maxRetryAfterMs} ms): ${outcome.detail}`,
          outcome.status,
          outcome.code,
        );
      }
      if (attempt > this.maxRetries) {
        const finalReason: TransportFailureReason =
          outcome.reason === 'http-error' ? 'server-busy' : (outcome.reason as TransportFailureReason);
        throw this.fail(
          finalReason,
          attempt,
          r,
          `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (maxRetries ${this.maxRetries}); last: ${where}: ${outcome.detail}`,
          outcome.status,
          outcome.code,
        );
      }
      const delayMs = Math.max(outcome.retryAfterMs ?? 0, fullJitterDelay(attempt, this.backoff, this.random));
      const spent = this.clock.now() - (firstAttemptAt ?? this.clock.now());
      if (spent + delayMs > this.retryBudgetMs) {
        const finalReason: TransportFailureReason =
          outcome.reason === 'http-error' ? 'server-busy' : (outcome.reason as TransportFailureReason);
        throw this.fail(
          finalReason,
          attempt,
          r,
          `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${Math.round(spent / 1000)} s: the next wait (${Math.round(delayMs / 1000)} s) would pass retryBudgetMs (${this.retryBudgetMs} ms); last: ${where}: ${outcome.detail}`,
          outcome.status,
          outcome.code,
        );
      }
      this.counters.retries++;
      this.onEvent?.({
        type: 'retry',
        attempt,
        replica: r.label,
        status: outcome.status,
        reason: outcome.reason,
        delayMs,
        message: this.redact(outcome.detail),
      });
      await this.clock.sleep(delayMs);
    }
  }

  private fail(
    reason: TransportFailureReason,
    attempts: number,
    replica: Replica | undefined,
    message: string,
    status?: number,
    code?: string,
  ): TransportError {
    this.counters.failures++;
    const safe = this.redact(message);
    this.onEvent?.({
      type: 'failure',
      attempt: attempts,
      replica: replica?.label ?? '',
      status,
      reason,
      message: safe,
    });
    return new TransportError({
      reason,
      message: safe,
      status,
      attempts,
      replica: replica?.label,
      code: code === undefined ? undefined : this.redact(code),
    });
  }

  private async attempt(
    replica: Replica,
    path: string,
    payload: Buffer,
    headers: Record<string, string>,
    external: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new TimeoutSignal('timeout')), this.timeoutMs);
    const onAbort = () => ac.abort(external?.reason);
    external?.addEventListener('abort', onAbort, { once: true });
    let status = 0;
    let resHeaders: IncomingHttpHeaders = {};
    let text: string;
    const tSend = performance.now();
    let tHeaders = tSend;
    let tBody = tSend;
    try {
      const res = await replica.pool.request({
        path: `${replica.basePath}${path.startsWith('/') ? path : `/${path}`}`,
        method: 'POST',
        headers,
        body: payload,
        signal: ac.signal,
        headersTimeout: this.timeoutMs + 1_000,
        bodyTimeout: this.timeoutMs + 1_000,
      });
      tHeaders = performance.now();
      status = res.statusCode;
      resHeaders = res.headers as IncomingHttpHeaders;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.maxResponseBytes) {
          res.body.destroy();
          return {
            ok: false,
            retryable: false,
            reason: 'bad-response',
            status,
            detail: `response body larger than maxResponseBytes (${this.maxResponseBytes})`,
          };
        }
        chunks.push(chunk as Buffer);
      }
      text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8');
      tBody = performance.now();
    } catch (err) {
      if (ac.signal.aborted && ac.signal.reason instanceof TimeoutSignal) {
        return {
          ok: false,
          retryable: true,
          reason: 'timeout',
          detail: `no complete response within timeoutMs (${this.timeoutMs} ms)`,
        };
      }
      if (external?.aborted) return { ok: false, retryable: false, reason: 'aborted', detail: 'request aborted' };
      const e = err as { code?: string; message?: string };
      const retryable = status === 0 || status < 300 || isRetryableStatus(status);
      return {
        ok: false,
        retryable,
        reason: status >= 200 && status < 300 ? 'bad-response' : 'connection',
        ...(status ? { status } : {}),
        detail: `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}${status ? ' (while reading the body)' : ''}`,
      };
    } finally {
      clearTimeout(timer);
      external?.removeEventListener('abort', onAbort);
    }
    if (status >= 200 && status < 300) {
      try {
        const json: unknown = JSON.parse(text);
        const inBody = errorIn200(json);
        if (inBody) {
          const { message, code } = describeErrorBody(this.redact(text));
          const retryable = inBody.status !== undefined ? isRetryableStatus(inBody.status) : inBody.transient;
          return {
            ok: false,
            retryable,
            reason: 'error-in-200',
            status,
            detail: `the server answered 200 with an error${inBody.status !== undefined ? ` (code ${inBody.status})` : ''}: ${message}`,
            ...(code !== undefined ? { code } : {}),
          };
        }
        const timing: AttemptTiming = {
          waitMs: 0,
          ttfbMs: tHeaders - tSend,
          bodyMs: tBody - tHeaders,
          parseMs: performance.now() - tBody,
        };
        return { ok: true, status, json, headers: resHeaders, timing };
      } catch {
        const type = String(resHeaders['content-type'] ?? '');
        return {
          ok: false,
          retryable: true,
          reason: 'bad-response',
          status,
          detail: `a ${status} response whose body is not complete JSON (${text.length} bytes, content-type ${type || 'none'}): ${redactThenClip(this.redact, text.replace(/\s+/g, ' '), 120)}`,
        };
      }
    }
    // Redacted before describeErrorBody clips the message: a key cut in two by the clip is not recognisable.
    const { message, code } = describeErrorBody(this.redact(text));
    const retryAfterMs = parseRetryAfter(resHeaders['retry-after'], this.clock.now());
    const retryable = isRetryableStatus(status);
    return {
      ok: false,
      retryable,
      reason: retryable ? 'server-busy' : 'http-error',
      status,
      detail: message,
      ...(code !== undefined ? { code } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  /**
   * GETs `path` once from every replica, relative to its origin (`root`, e.g. `/health`, `/version`) or to its
   * base URL (e.g. `/models`), with the transport's headers (the key) and a short timeout, no retries: what a
   * readiness check needs. Never throws; messages are redacted.
   */
  async probe(path: string, options: { root?: boolean; timeoutMs?: number } = {}): Promise<ProbeResult[]> {
    const timeoutMs = options.timeoutMs ?? Math.min(this.timeoutMs, 10_000);
    const { 'content-type': _ct, ...headers } = this.headers;
    return Promise.all(
      this.replicas.replicas.map(async (r): Promise<ProbeResult> => {
        const full = `${options.root ? '' : r.basePath}${path.startsWith('/') ? path : `/${path}`}`;
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(new TimeoutSignal('timeout')), timeoutMs);
        try {
          const res = await r.pool.request({
            path: full,
            method: 'GET',
            headers,
            signal: ac.signal,
            headersTimeout: timeoutMs + 1_000,
            bodyTimeout: timeoutMs + 1_000,
          });
          const text = this.redact(await res.body.text());
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const message = res.statusCode >= 400 ? describeErrorBody(text).message : '';
          return { replica: r.label, status: res.statusCode, json, message };
        } catch (err) {
          const e = err as { code?: string; message?: string };
          const message = ac.signal.aborted
            ? `no answer within ${timeoutMs} ms`
            : `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
          return { replica: r.label, status: 0, message: this.redact(message) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  /** Closes the connection pools; later requests fail with reason `aborted`. */
  async close(): Promise<void> {
    this.closed = true;
    await this.replicas.close();
  }
}
