import { describe, expect, it } from 'vitest';
import { neverThrow } from './chat.js';
import { TransportError } from './errors.js';

// promptfoo 0.123's scheduler (isProviderResponseRateLimited) re-calls a provider whose error text
// contains "429" or "rate limit" unless `metadata.rateLimitKind` is 'quota'. The transport has already
// retried, so every error this project's providers return must carry it — also when a loopback port
// or an id in the message happens to contain 429.
describe('neverThrow', () => {
  it('turns failures into redacted errors that promptfoo does not call again', async () => {
    const failures = [
      new TransportError({
        reason: 'http-error',
        message: 'HTTP 401 at http://127.0.0.1:42913/v1: Incorrect API key provided: sk-secret',
        status: 401,
        attempts: 1,
      }),
      new TransportError({ reason: 'server-busy', message: 'HTTP 429 rate limit', status: 429, attempts: 5 }),
      new Error('boom'),
    ];
    for (const e of failures) {
      const r = await neverThrow(
        'p',
        (t) => t.replaceAll('sk-secret', '[REDACTED]'),
        async () => {
          throw e;
        },
        () => ({ backend: 'x' }),
      );
      expect(r.output).toBeUndefined();
      expect(r.error).toMatch(/^p: /);
      expect(r.error).not.toContain('sk-secret');
      expect(r.metadata?.rateLimitKind).toBe('quota');
      expect(r.metadata?.backend).toBe('x');
    }
  });

  it('leaves a successful answer as it is', async () => {
    const ok = { output: 'fine', metadata: { backend: 'x' } };
    expect(
      await neverThrow(
        'p',
        (t) => t,
        async () => ok,
        () => ({}),
      ),
    ).toBe(ok);
  });
});
