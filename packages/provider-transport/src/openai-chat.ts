import { makeRedactor, stubAbsentSourceMapSupport } from '@mmre/core';
import { sharedImageEncoder } from '@mmre/images';
import type { ChatMessage, Prices } from './chat.js';
import { costOf, neverThrow, openAIUsedTokens, readChatCompletion } from './chat.js';
import type { Clock } from './clock.js';
import type { CommonChatConfig } from './common-config.js';
import { TransportError } from './errors.js';
import type { CallContext, ProviderResponse, TokenUsage } from './promptfoo.js';
import type { BreakerOptions } from './replicas.js';
import { withResponseCache } from './response-cache.js';
import type { BackoffOptions } from './retry.js';
import type { TransportEvent } from './transport.js';
import { HttpTransport } from './transport.js';

/**
 * The call flow of an OpenAI-compatible chat provider, written once: admit the call, build its
 * request, look it up in promptfoo's response cache, POST it, read the answer, report usage, cost,
 * latency and metadata, and turn any failure into a redacted `{ error }` (callApi never throws).
 * A provider keeps what is its own: its config, the request body, the answer reader, the metadata.
 */

/** Hooks for tests (not promptfoo config): a fake clock, seeded jitter, transport events. */
export interface ProviderInternals {
  clock?: Clock;
  random?: () => number;
  onEvent?: (e: TransportEvent) => void;
  /** Backoff between retries (default 500 ms doubling to 30 s, full jitter). */
  backoff?: Partial<BackoffOptions>;
  /** Circuit breaker of the transport (tests shorten it). */
  breaker?: Partial<BreakerOptions>;
  /** Where the one-time notes go (readiness failure, a backend that cannot constrain…); default process.stderr. */
  notice?: (line: string) => void;
}

/**
 * A readiness check, run once per client: before the run's first row when the whole run is checked
 * ({@link OpenAIChatClient.readiness}, what the M-MRE extension's `beforeAll` calls), else before the first request
 * that reaches the server (cache hits need no server). It returns notes to print once (e.g. "this backend cannot
 * constrain decoding") and throws a {@link NotReadyError} naming what is wrong (URL, model, auth, still loading
 * after the wait). `notice` prints a line at once (e.g. "waiting for the server"), prefixed and redacted.
 */
export type ReadinessCheck = (
  transport: HttpTransport,
  notice: (line: string) => void,
) => Promise<string[] | undefined>;

export { NotReadyError } from './readiness.js';

/** One request. `payload`, when given, is the exact JSON text of `body`. */
export interface ChatRequest {
  path: string;
  body: Record<string, unknown>;
  estimatedTokens: number;
  payload?: string;
}

/**
 * The request as sent: image references in `body.messages` (what the @mmre/pfa prompts carry)
 * resolved to data URLs by the process's shared ImageEncoder. A request without references is
 * returned as it is.
 */
export async function resolveRequestImages(req: ChatRequest): Promise<ChatRequest> {
  const messages = req.body.messages;
  if (!Array.isArray(messages)) return req;
  const resolved = await sharedImageEncoder().resolveMessages(messages as { content?: unknown }[]);
  if (resolved.every((m, i) => m === messages[i])) return req;
  const { payload: _cachedForm, ...rest } = req;
  return { ...rest, body: { ...req.body, messages: resolved } };
}

/** What a provider reads from a 2xx answer (readChatCompletion's shape, or its own). */
export interface ChatReading {
  output: string;
  finishReason: string | undefined;
  tokenUsage: TokenUsage | undefined;
}

/**
 * The OpenAI chat-completions body every provider starts from: `model`, `messages`, `temperature`,
 * `max_tokens`, `stream: false`, then `top_p` and `seed` when set. Add provider options, then
 * `extraBody` (last).
 */
export function openAIChatBody(
  model: string,
  messages: readonly ChatMessage[],
  c: Pick<CommonChatConfig, 'temperature' | 'maxTokens' | 'topP' | 'seed'>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages,
    temperature: c.temperature,
    max_tokens: c.maxTokens,
    stream: false,
  };
  if (c.topP !== undefined) body.top_p = c.topP;
  if (c.seed !== undefined) body.seed = c.seed;
  return body;
}

export interface OpenAIChatClientOptions {
  /** Names the provider in errors (`<name>: <reason>`), e.g. `QwenLocalProvider`. */
  name: string;
  /** Namespace of promptfoo cache keys (`mmre:<cacheName>:v1:…`), e.g. `qwen-local`. */
  cacheName: string;
  baseUrls: readonly string[];
  config: CommonChatConfig & { prices?: Prices | undefined };
  /** Headers of every request (e.g. `authorization`). */
  headers?: Readonly<Record<string, string>>;
  /** API keys: redacted from every error and metadata, never stored in the cache. */
  secrets: readonly (string | undefined)[];
  /** What, besides the base URL paths, the request path and body, an answer depends on (backend, model…). */
  cacheParts: Record<string, unknown>;
  /** Reads a 2xx answer (default readChatCompletion). */
  read?: (json: unknown) => ChatReading;
  /** Tokens an answer used, for `tokensPerMinute` (default openAIUsedTokens). */
  usedTokens?: (json: unknown) => number | undefined;
  /** Run once before the first request sent (see ReadinessCheck). */
  ready?: ReadinessCheck;
  /** Total time one call may spend on retries (HttpTransport retryBudgetMs). */
  retryBudgetMs?: number;
  /** Longest Retry-After honoured (HttpTransport maxRetryAfterMs). */
  maxRetryAfterMs?: number;
  internals?: ProviderInternals;
}

export interface ChatCall {
  context?: CallContext | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Builds the request as it is cached: images as the prompt carries them (references), so a cache
   * hit makes no image. Runs inside admission, so a burst of calls does not build every body up front; may throw.
   */
  prepare: () => ChatRequest;
  /**
   * Turns the prepared request into the one sent, on a cache miss only (default
   * {@link resolveRequestImages}); a provider whose wire format is not OpenAI's (Ollama) builds it here.
   */
  send?: (req: ChatRequest) => Promise<ChatRequest>;
  /** The call's metadata (on success and on failure); may read what `prepare` found (e.g. the mode). */
  metadata: () => Record<string, unknown>;
}

/** The secret values of credential headers (`Bearer x` → x and the whole value). */
function secretsOfHeaders(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([k]) => /authorization|api-key|token|secret/i.test(k))
    .flatMap(([, v]) => [v, v.replace(/^(Bearer|Basic)\s+/i, '')]);
}

/** An OpenAI-compatible chat endpoint behind an HttpTransport, promptfoo's cache and neverThrow. */
export class OpenAIChatClient {
  readonly transport: HttpTransport;
  private readonly name: string;
  private readonly cacheName: string;
  private readonly redact: (t: string) => string;
  /** Known keys only: a server that echoes the key inside an answer must not get it into results, cache or DB. */
  private readonly redactAnswer: (t: string) => string;
  private readonly secrets: readonly (string | undefined)[];
  private readonly cacheParts: Record<string, unknown>;
  private readonly prices: Prices | undefined;
  private readonly read: (json: unknown) => ChatReading;
  private readonly readyCheck: ReadinessCheck | undefined;
  /** The readiness check's outcome, once per client (never rejects). */
  private readyOutcome: Promise<{ ok: true } | { ok: false; message: string; status?: number }> | undefined;
  /** The not-ready message was printed (by a call) or handed to the caller of readiness(): not printed again. */
  private notReadyReported = false;
  /** A failure every later call would repeat (a refused key, an unknown model or URL): later calls fail at once. */
  private latched: TransportError | undefined;
  private readonly notice: (line: string) => void;
  /** More than one base URL: the metadata names the replica that answered. */
  private readonly severalReplicas: boolean;

  constructor(o: OpenAIChatClientOptions) {
    // promptfoo's logger would retry a failed import on every debug call (see @mmre/core promptfoo-logger.ts)
    stubAbsentSourceMapSupport();
    const c = o.config;
    const internals = o.internals ?? {};
    this.name = o.name;
    this.cacheName = o.cacheName;
    this.redact = makeRedactor(o.secrets);
    this.redactAnswer = makeRedactor([...o.secrets, ...secretsOfHeaders(o.headers ?? {})], { generic: false });
    this.secrets = o.secrets;
    this.prices = c.prices;
    this.read = o.read ?? readChatCompletion;
    this.readyCheck = o.ready;
    this.notice = internals.notice ?? ((line) => process.stderr.write(`${line}\n`));
    this.severalReplicas = new Set(o.baseUrls).size > 1;
    // The URL paths of the base URLs: the cache key leaves the (replica) hosts out.
    const basePaths = [...new Set(o.baseUrls.map((u) => new URL(u).pathname.replace(/\/+$/, '')))].sort();
    this.cacheParts = { ...o.cacheParts, basePaths };
    this.transport = new HttpTransport({
      baseUrls: o.baseUrls,
      timeoutMs: c.timeoutMs,
      maxRetries: c.maxRetries,
      maxConcurrency: c.maxConcurrency,
      requestsPerMinute: c.requestsPerMinute,
      tokensPerMinute: c.tokensPerMinute,
      headers: o.headers ?? {},
      secrets: o.secrets,
      usedTokens: o.usedTokens ?? openAIUsedTokens,
      clock: internals.clock,
      random: internals.random,
      onEvent: internals.onEvent,
      backoff: internals.backoff,
      breaker: internals.breaker,
      retryBudgetMs: o.retryBudgetMs ?? c.retryBudgetMs,
      maxRetryAfterMs: o.maxRetryAfterMs ?? c.maxRetryAfterMs,
    });
  }

  /** Runs the readiness check once (concurrent callers share it); its notes are printed once. */
  private checkOnce(): Promise<{ ok: true } | { ok: false; message: string; status?: number }> {
    const check = this.readyCheck;
    if (!check) return Promise.resolve({ ok: true });
    this.readyOutcome ??= check(this.transport, (line) => this.notice(this.redact(`${this.name}: ${line}`))).then(
      (notes) => {
        for (const n of notes ?? []) this.notice(this.redact(`${this.name}: ${n}`));
        return { ok: true } as const;
      },
      (e: unknown) => {
        const message = this.redact(e instanceof Error ? e.message : String(e));
        const status = (e as { status?: unknown }).status;
        return typeof status === 'number' ? { ok: false, message, status } : { ok: false, message };
      },
    );
    return this.readyOutcome;
  }

  /**
   * The readiness check, for a check of the whole run before its first row (the M-MRE extension's `beforeAll`):
   * the same check, run once, that calls would run; a failure is returned, not printed (the caller reports every
   * provider's failure in one message), and every later call fails at once with it, sending nothing. Also
   * reports a failure latched by an earlier call (a refused key, an unknown model).
   */
  async readiness(): Promise<{ ready: true } | { ready: false; message: string }> {
    if (this.latched) return { ready: false, message: this.latched.message };
    const o = await this.checkOnce();
    if (o.ok) return { ready: true };
    this.notReadyReported = true;
    return { ready: false, message: o.message };
  }

  /**
   * The readiness check before a call's first request: concurrent first calls share it; its notes are printed
   * once; a failure is printed once and kept, so every later call fails at once with the same message and
   * sends nothing.
   */
  async ensureReady(): Promise<void> {
    if (this.latched) throw this.latched;
    const o = await this.checkOnce();
    if (o.ok) return;
    if (!this.notReadyReported) {
      this.notReadyReported = true;
      this.notice(`${this.name}: not ready, no request will be sent: ${o.message}`);
    }
    throw new TransportError({ reason: 'not-ready', message: o.message, attempts: 0, status: o.status });
  }

  /**
   * Builds and sends one request. Calls are admitted first in, first out, at most 2 × maxConcurrency at a
   * time (HttpTransport.admit): a burst of calls does not build every image-bearing body up front.
   * Never throws: a failure is `{ error, metadata }`, redacted.
   */
  call(call: ChatCall): Promise<ProviderResponse> {
    return this.transport.admit(() =>
      neverThrow(
        this.name,
        this.redact,
        async () => {
          const req = call.prepare();
          // The request as cached (never a key: it travels in a header). Images are references naming
          // the file's content digest and the resize settings, so the key changes with the image.
          const cached = req.payload ?? JSON.stringify(req.body);
          return withResponseCache(
            call.context,
            {
              provider: this.cacheName,
              parts: { ...this.cacheParts, path: req.path, body: cached },
              secrets: this.secrets,
            },
            async () => {
              await this.ensureReady();
              const wire = await (call.send ?? resolveRequestImages)(req);
              const res = await this.transport
                .postJson(wire.path, wire.payload ?? JSON.stringify(wire.body), {
                  estimatedTokens: wire.estimatedTokens,
                  signal: call.signal,
                })
                .catch((e: unknown) => {
                  this.latchIfFatal(e);
                  throw e;
                });
              const answer = this.read(res.json);
              const response: ProviderResponse = {
                output: this.redactAnswer(answer.output),
                latencyMs: Math.round(res.latencyMs),
                // promptfoo stores a response's metadata twice per result row (response.metadata and the
                // row's metadata): what is implied is left out — the replica with one base URL, the
                // finish reason when it is "stop".
                metadata: {
                  ...call.metadata(),
                  ...(this.severalReplicas ? { replica: res.replica } : {}),
                  attempts: res.attempts,
                  requestId: res.requestId,
                  ...(answer.finishReason && answer.finishReason !== 'stop'
                    ? { finishReason: answer.finishReason }
                    : {}),
                  // Cut at max tokens: kept as the answer (what the model said), flagged so the report counts it.
                  ...(answer.finishReason === 'length' ? { truncated: true } : {}),
                },
              };
              if (answer.tokenUsage) response.tokenUsage = answer.tokenUsage;
              const cost = costOf(answer.tokenUsage, this.prices);
              if (cost !== undefined) response.cost = cost;
              return response;
            },
          );
        },
        call.metadata,
      ),
    );
  }

  /**
   * A 401/403 (the key) or a 404 (the model or the URL) will be the answer to every call: the first one is
   * reported as it is, printed once, and every later call fails at once with `not-ready`, sending nothing.
   */
  private latchIfFatal(e: unknown): void {
    if (this.latched || !(e instanceof TransportError) || e.reason !== 'http-error') return;
    if (e.status !== 401 && e.status !== 403 && e.status !== 404) return;
    const what = e.status === 404 ? 'the model or the URL is unknown to the server' : 'the server refused the key';
    const message = this.redact(`${what}; every call would fail the same way: ${e.message}`);
    this.latched = new TransportError({ reason: 'not-ready', message, attempts: 0, status: e.status });
    this.notice(`${this.name}: no further request will be sent: ${message}`);
  }

  /** Closes the connection pools. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
