/**
 * Parses a `Retry-After` header: delta-seconds (`"3"`, `"1.5"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`), relative to `now`. Returns milliseconds (>= 0) or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw == null) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface BackoffOptions {
  /** First retry's ceiling in ms (default 500). */
  baseMs: number;
  /** Largest ceiling in ms (default 30 000). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 500, maxMs: 30_000 });

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform random delay in
 * `[0, min(maxMs, baseMs · 2^(retry-1)))` for retry number `retry` (1-based).
 */
export function fullJitterDelay(retry: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Statuses that are retried: 408 (request timeout), 425 (too early), 429 (too many requests) and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}
