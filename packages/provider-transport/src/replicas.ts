import { Pool } from 'undici';

export interface CooldownOptions {
  /** Cool-down after the first consecutive failure, in ms (default 1 000). */
  baseMs: number;
  /** Largest cool-down, in ms (default 60 000). */
  maxMs: number;
}

export const DEFAULT_COOLDOWN: Readonly<CooldownOptions> = Object.freeze({ baseMs: 1_000, maxMs: 60_000 });

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

  constructor(baseUrl: string, connections: number, keepAliveTimeout: number) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new TypeError(`baseUrl "${baseUrl}" is not a valid URL (expected e.g. http://127.0.0.1:8000/v1)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`baseUrl "${baseUrl}" must use http: or https:`);
    if (url.search || url.hash) throw new TypeError(`baseUrl "${baseUrl}" must not have a query string or fragment`);
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

  pick(now: number): Replica {
    let best: Replica | undefined;
    for (const r of this.replicas) {
      if (r.coolingUntil > now) continue;
      if (!best || r.inFlight < best.inFlight || (r.inFlight === best.inFlight && r.served < best.served)) best = r;
    }
    if (best) return best;
    let soonest = this.replicas[0] as Replica;
    for (const r of this.replicas) if (r.coolingUntil < soonest.coolingUntil) soonest = r;
    return soonest;
  }

  succeeded(r: Replica): void {
    r.served++;
    r.consecutiveFailures = 0;
    r.coolingUntil = 0;
  }

  failed(r: Replica, now: number, retryAfterMs?: number): void {
    r.failures++;
    r.consecutiveFailures++;
    const backoff = Math.min(this.cooldown.maxMs, this.cooldown.baseMs * 2 ** (r.consecutiveFailures - 1));
    r.coolingUntil = now + Math.max(backoff, retryAfterMs ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.pool.close().catch(() => undefined)));
  }
}
