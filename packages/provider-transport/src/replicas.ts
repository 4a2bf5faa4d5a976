import { urlWithoutCredentials } from '@mmre/core';
import { Pool } from 'undici';

export interface CooldownOptions {
  /** Cool-down after the first consecutive failure, in ms (default 1 000). */
  baseMs: number;
  /** Largest cool-down, in ms (default 60 000). */
  maxMs: number;
}

export const DEFAULT_COOLDOWN: Readonly<CooldownOptions> = Object.freeze({ baseMs: 1_000, maxMs: 60_000 });

export interface BreakerOptions {
  /**
   * Consecutive failures of a replica that open its circuit: connection errors, timeouts and 5xx other
   * than 503 (a 503 is "busy" or "loading": retried within the budget). Default 5.
   */
  threshold: number;
  /** How long an open circuit refuses requests before one is let through again, in ms (default 60 000). */
  openMs: number;
  /**
   * The replica must also have had no success for this long (since its last success, or since it was first
   * used), in ms (default 10 000): a flaky server that still answers most requests never opens the circuit.
   */
  minDownMs: number;
}

export const DEFAULT_BREAKER: Readonly<BreakerOptions> = Object.freeze({
  threshold: 5,
  openMs: 60_000,
  minDownMs: 10_000,
});

/** Thrown by ReplicaSet.pick when every replica's circuit is open. */
export class CircuitOpenError extends Error {
  constructor(
    message: string,
    readonly replica: Replica,
  ) {
    super(message);
  }
}

/** One server (base URL) the transport can send to. */
export class Replica {
  /** Base URL as given, trailing slash removed (used in messages; user:password stripped). */
  readonly label: string;
  readonly origin: string;
  /** Path prefix of the base URL, e.g. `/v1` (no trailing slash). */
  readonly basePath: string;
  readonly pool: Pool;
  inFlight = 0;
  served = 0;
  failures = 0;
  consecutiveFailures = 0;
  coolingUntil = 0;
  /** Consecutive failures that count towards the circuit breaker (see BreakerOptions). */
  deadStreak = 0;
  /** While > now, the circuit is open: requests fail at once. */
  openUntil = 0;
  /** Why the circuit opened (the last failure, redacted by the caller). */
  openReason = '';
  /** When the replica last answered, or was first used (clock ms; 0 = never used). */
  lastOkAt = 0;

  constructor(baseUrl: string, connections: number, keepAliveTimeout: number) {
    let url: URL;
    const shown = urlWithoutCredentials(baseUrl);
    try {
      url = new URL(baseUrl);
    } catch {
      throw new TypeError(`baseUrl "${shown}" is not a valid URL (expected e.g. http://127.0.0.1:8000/v1)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`baseUrl "${shown}" must use http: or https:`);
    if (url.search || url.hash) throw new TypeError(`baseUrl "${shown}" must not have a query string or fragment`);
    // Credentials in a URL would be sent nowhere (undici does not turn them into a header) and copied into
    // every message, result file and report that names the URL: refused, with the way to send a key instead.
    if (url.username || url.password)
      throw new TypeError(
        `baseUrl "${shown}" carries credentials (user:password@); they are refused so they are never copied into results or logs. Put the key in an environment variable and name it with apiKeyEnv (sent as Authorization: Bearer)`,
      );
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.label = `${url.origin}${this.basePath}`;
    this.pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout,
      keepAliveMaxTimeout: Math.max(keepAliveTimeout, 600_000),
    });
  }
}

/**
 * Picks a replica per attempt: the least-busy healthy one (fewest requests in flight, then fewest
 * served, then list order). A replica that fails is cooled down for an exponentially growing time
 * (or the server's Retry-After if longer) and only used again when every replica is cooling, in
 * which case the one whose cool-down ends first is used. A success resets its failure streak.
 */
export class ReplicaSet {
  readonly replicas: Replica[];

  constructor(
    baseUrls: readonly string[],
    connections: number,
    private readonly cooldown: CooldownOptions = DEFAULT_COOLDOWN,
    keepAliveTimeout = 30_000,
    private readonly breaker: BreakerOptions = DEFAULT_BREAKER,
  ) {
    if (baseUrls.length === 0) throw new TypeError('at least one base URL is required');
    const seen = new Set<string>();
    this.replicas = [];
    for (const u of baseUrls) {
      const r = new Replica(u, connections, keepAliveTimeout);
      if (seen.has(r.label)) {
        void r.pool.close();
        throw new TypeError(`baseUrls lists ${r.label} twice`);
      }
      seen.add(r.label);
      this.replicas.push(r);
    }
  }

  /**
   * The replica for the next attempt; throws CircuitOpenError when every replica's circuit is open (a dead
   * or hung server is not sent more work: the calls waiting for it fail at once, naming the reason).
   */
  pick(now: number): Replica {
    const closed = this.replicas.filter((r) => r.openUntil <= now);
    if (closed.length === 0) {
      const r = this.replicas.reduce((a, b) => (b.openUntil < a.openUntil ? b : a));
      throw new CircuitOpenError(
        `circuit open: ${this.replicas.length === 1 ? r.label : `all ${this.replicas.length} replicas`} failed ${r.deadStreak} times in a row (last: ${r.openReason}); no request is sent for ${Math.ceil((r.openUntil - now) / 1000)} s`,
        r,
      );
    }
    let best: Replica | undefined;
    for (const r of closed) {
      if (r.coolingUntil > now) continue;
      if (!best || r.inFlight < best.inFlight || (r.inFlight === best.inFlight && r.served < best.served)) best = r;
    }
    if (best) {
      if (best.lastOkAt === 0) best.lastOkAt = now;
      return best;
    }
    let soonest = closed[0] as Replica;
    for (const r of closed) if (r.coolingUntil < soonest.coolingUntil) soonest = r;
    if (soonest.lastOkAt === 0) soonest.lastOkAt = now;
    return soonest;
  }

  succeeded(r: Replica, now?: number): void {
    if (now !== undefined) r.lastOkAt = now;
    r.served++;
    r.consecutiveFailures = 0;
    r.coolingUntil = 0;
    r.deadStreak = 0;
    r.openUntil = 0;
  }

  /** `dead`: the failure counts towards the breaker (connection, timeout, 5xx but 503); `reason` names it. */
  failed(r: Replica, now: number, retryAfterMs?: number, dead = false, reason = ''): void {
    if (dead) {
      r.deadStreak++;
      if (r.deadStreak >= this.breaker.threshold && now - r.lastOkAt >= this.breaker.minDownMs) {
        r.openUntil = now + this.breaker.openMs;
        r.openReason = reason;
      }
    } else r.deadStreak = 0;
    r.failures++;
    r.consecutiveFailures++;
    const backoff = Math.min(this.cooldown.maxMs, this.cooldown.baseMs * 2 ** (r.consecutiveFailures - 1));
    r.coolingUntil = now + Math.max(backoff, retryAfterMs ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.pool.close().catch(() => undefined)));
  }
}
