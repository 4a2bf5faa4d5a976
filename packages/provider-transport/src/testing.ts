// Test helpers, not part of the providers' API: `@mmre/provider-transport/testing`.
export { FakeClock } from './clock.js';

import { TransportError } from './errors.js';

/** Awaits `p` and returns the TransportError it rejects with; fails when it resolves or rejects with anything else. */
export async function transportFailure(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw new Error(`expected a TransportError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a TransportError, but the call succeeded');
}
