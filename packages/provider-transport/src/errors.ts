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
  | 'aborted';

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

const REDACTED = '[REDACTED]';

/**
 * Builds a redactor that removes the given secret values (exact matches, and their URL-encoded
 * form) plus anything that looks like an `Authorization`/`Bearer` credential or an `api-key`
 * header value. Secrets shorter than 4 characters are ignored (they would redact ordinary text).
 */
export function makeRedactor(secrets: readonly (string | undefined | null)[]): (text: string) => string {
  const values = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    values.add(s);
    values.add(encodeURIComponent(s));
  }
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = String(text);
    for (const v of sorted) out = out.split(v).join(REDACTED);
    out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`);
    out = out.replace(
      /\b(authorization|x-api-key|api-key)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',}]+/gi,
      `$1$2${REDACTED}`,
    );
    out = out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED);
    return out;
  };
}
