import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { makeRedactor } from './errors.js';
import { TokenBucket } from './rate-limit.js';
import { fullJitterDelay, isRetryableStatus, parseRetryAfter } from './retry.js';
import { Semaphore } from './semaphore.js';
import { describeErrorBody } from './transport.js';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it('reads delta-seconds, including decimals', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter(['2', '9'], now)).toBe(2000);
  });
  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(parseRetryAfter(new Date(now - 7000).toUTCString(), now)).toBe(0);
  });
  it('returns undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('full jitter stays below an exponentially growing, capped ceiling', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect(fullJitterDelay(1, o, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, o, () => 0.999)).toBe(399);
    expect(fullJitterDelay(10, o, () => 0.999)).toBe(999);
    expect(fullJitterDelay(4, o, () => 0)).toBe(0);
    expect(fullJitterDelay(2, o, () => 0.5)).toBe(100);
  });
  it('retries only 408/425/429 and 5xx', () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('Semaphore', () => {
  it('never exceeds its limit and serves waiters first in, first out', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    const tasks = Array.from({ length: 8 }, (_, i) =>
      s.run(async () => {
        order.push(i);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
      }),
    );
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.inUse).toBe(0);
  });
  it('rejects a bad limit', () => {
    expect(() => new Semaphore(0)).toThrow(/>= 1/);
  });
});

describe('TokenBucket', () => {
  it('spaces requests at the per-minute rate after the burst', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(60, clock); // 1 per second, burst 1
    const start = clock.now();
    for (let i = 0; i < 5; i++) await b.take(1);
    expect(clock.now() - start).toBeGreaterThanOrEqual(4000);
    expect(clock.now() - start).toBeLessThan(4100);
  });
  it('lets an oversized take through once, then makes later takes pay the debt', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(6000, clock); // 100/s, burst 100
    await b.take(500); // more than the burst: waits for a full bucket (it is full), goes to -400
    const t0 = clock.now();
    await b.take(100); // needs 500 tokens of refill: 5 s
    expect(clock.now() - t0).toBeGreaterThanOrEqual(5000);
    expect(clock.now() - t0).toBeLessThan(5100);
  });
  it('correct() charges extra usage', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(6000, clock);
    await b.take(10);
    b.correct(90); // actually used 100
    expect(b.available).toBeCloseTo(0, 5);
  });
});

describe('redaction', () => {
  const key = 'sk-live-1234567890abcdef';
  const redact = makeRedactor([key, undefined, 'ab']);
  it('removes the key, its URL-encoded form and bearer credentials', () => {
    const out = redact(`bad key ${key}; url ?k=${encodeURIComponent(key)}; Authorization: Bearer other-token-999`);
    expect(out).not.toContain(key);
    expect(out).not.toContain('other-token-999');
    expect(out).toContain('[REDACTED]');
  });
  it('leaves ordinary text alone (short secrets are ignored)', () => {
    expect(redact('a cab drove by')).toBe('a cab drove by');
  });
});

describe('describeErrorBody', () => {
  it('reads vLLM (current and legacy), DashScope, Ollama, FastAPI and HTML bodies', () => {
    expect(describeErrorBody('{"error":{"message":"bad","type":"BadRequestError","param":null,"code":400}}')).toEqual({
      message: 'bad',
      code: '400',
    });
    expect(describeErrorBody('{"object":"error","message":"old","type":"BadRequestError","code":400}')).toEqual({
      message: 'old',
      code: '400',
    });
    expect(
      describeErrorBody('{"error":{"message":"Incorrect","type":"x","code":"invalid_api_key"},"request_id":"r"}'),
    ).toEqual({ message: 'Incorrect', code: 'invalid_api_key' });
    expect(describeErrorBody('{"error":"model not found"}')).toEqual({ message: 'model not found' });
    expect(describeErrorBody('{"detail":"Not Found"}').message).toBe('Not Found');
    expect(describeErrorBody('<html><head><title>502 Bad Gateway</title></head></html>').message).toBe(
      'HTML page: 502 Bad Gateway',
    );
    expect(describeErrorBody('').message).toBe('(empty body)');
  });
});
