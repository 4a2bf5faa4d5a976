/** Why a request failed, for callers and reports. */
export type TransportFailureReason =
  /** The server answered with a status that is not retried (400, 401, 403, 404, 422, …). */
  | 'http-error'
  /** 429 or 5xx on every attempt. */
  | 'server-busy'
  /** Connection refused/reset/closed on every attempt. */
  | 'connection'
  /** No complete response within `timeoutMs` on every attempt. */
  | 'timeout'
  /** A 2xx whose body was truncated, empty or not JSON on every attempt. */
  | 'bad-response'
  /** The server asked to wait longer (Retry-After) than `maxRetryAfterMs`. */
  | 'retry-after-too-long'
  /** The caller aborted or the transport was closed. */
  | 'aborted'
  /** A 2xx whose body is an error (`{error: …}`, as OpenRouter sends once generation has started). */
  | 'error-in-200'
  /** The replica (every replica) failed too often in a row: its circuit is open, nothing was sent. */
  | 'circuit-open'
  /** The server was not ready before the first request (wrong URL, model not served, failed auth, still loading). */
  | 'not-ready';

export interface TransportErrorInit {
  reason: TransportFailureReason;
  message: string;
  status?: number | undefined;
  attempts: number;
  replica?: string | undefined;
  /** Machine code from the server's error body (e.g. `invalid_api_key`, `Throttling`), when given. */
  code?: string | undefined;
}

/**
 * A failed request. Its message is already redacted (no API key, no Authorization header) and
 * names the reason, the HTTP status if any, the number of attempts and the replica.
 */
export class TransportError extends Error {
  readonly reason: TransportFailureReason;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly replica: string | undefined;
  readonly code: string | undefined;
  /** The `x-request-id` the failed call sent (set by HttpTransport.postJson). */
  requestId: string | undefined;

  constructor(init: TransportErrorInit) {
    super(init.message);
    this.name = 'TransportError';
    this.reason = init.reason;
    this.status = init.status;
    this.attempts = init.attempts;
    this.replica = init.replica;
    this.code = init.code;
  }
}

/**
 * The redactor every provider message goes through: `makeRedactor` of @mmre/core (one definition for the
 * transport, the providers and the report), re-exported here for the transport's own users.
 */
export { makeRedactor } from '@mmre/core';
