import { type Clock, systemClock } from './clock.js';
import type { HttpTransport, ProbeResult } from './transport.js';

/**
 * The parts of a readiness check that every provider shares: wait for the server(s) to answer a GET, a bounded
 * time, and fail at once on a refused key. A provider adds what is its own (the served models, a version).
 */

/** The server is not usable: every call of the provider fails with this message, and nothing more is sent. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
  /** The HTTP status the server answered, when that is what is wrong (401/403 a refused key, 404 a wrong URL). */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

// What a provider's readiness check reports, and the providers that can tell: declared in @mmre/core, beside
// promptfoo's other provider types, because the M-MRE extension (@mmre/assertions) reads them too.
export type { ReadinessAware, ReadinessReport } from '@mmre/core';

export interface WaitOptions {
  /** How long to wait for a server that does not answer yet (connection refused, 502, 503, 504), in ms. */
  readyTimeoutMs: number;
  /** GET `path` from the replica's origin (`/health`) rather than its base URL (`/models`). */
  root?: boolean;
  /** The fix named when the key is refused (401/403), e.g. "check apiKeyEnv and the server's --api-key". */
  keyHint: string;
  /** The fix named when a server answers 5xx for the whole wait (default: a model that loads slowly). */
  slowHint?: string;
  clock?: Clock;
  /** Pause between polls while waiting, in ms (default 2 000). */
  pollMs?: number;
  /** Told once, when the wait starts: what does not answer yet and for how long it is waited for. */
  onWaiting?: (line: string) => void;
}

/** No answer (connection refused, reset, timeout) or a gateway/loading status: worth waiting for. */
export const isWaiting = (r: ProbeResult): boolean =>
  r.status === 0 || r.status === 502 || r.status === 503 || r.status === 504;

/** Throws NotReadyError when a replica refused the key (401/403). */
export function throwOnRefusedKey(rs: readonly ProbeResult[], keyHint: string): void {
  const auth = rs.find((r) => r.status === 401 || r.status === 403);
  if (auth)
    throw new NotReadyError(
      `${auth.replica} refused the key (HTTP ${auth.status}${auth.message ? `: ${auth.message}` : ''}): ${keyHint}`,
      auth.status,
    );
}

/**
 * GETs `path` from every replica until each answers with something other than "not yet" (see {@link isWaiting}),
 * for at most `readyTimeoutMs`. A refused key fails at once; a server still silent or loading at the deadline
 * fails with one message naming it and the fix. Returns the last answers and whether it had to wait.
 */
export async function probeUntilAnswered(
  t: HttpTransport,
  path: string,
  o: WaitOptions,
): Promise<{ results: ProbeResult[]; waited: boolean }> {
  const clock = o.clock ?? systemClock;
  const pollMs = o.pollMs ?? 2_000;
  const deadline = clock.now() + o.readyTimeoutMs;
  const seconds = Math.round(o.readyTimeoutMs / 1000);
  let waited = false;
  for (;;) {
    const results = await t.probe(path, { root: o.root ?? false });
    throwOnRefusedKey(results, o.keyHint);
    const pending = results.filter(isWaiting);
    if (pending.length === 0) return { results, waited };
    const p = pending[0] as ProbeResult;
    const what = p.status === 0 ? p.message : `HTTP ${p.status}${p.message ? `: ${p.message}` : ''}`;
    if (clock.now() + pollMs > deadline)
      throw new NotReadyError(
        p.status === 0
          ? `no server answers at ${p.replica} after waiting ${seconds} s (${what}): is it running, and is baseUrl right?`
          : `${p.replica} is still not ready after ${seconds} s (${what}); ${o.slowHint ?? 'raise readyTimeoutMs for a model that loads slowly'}`,
      );
    if (!waited)
      o.onWaiting?.(`${p.replica} does not answer yet (${what}); waiting up to ${seconds} s for it (readyTimeoutMs)`);
    waited = true;
    await clock.sleep(pollMs);
  }
}
