import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, startOpenAIPeer } from '@mmre/provider-testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { transportFailure } from './testing.js';
import type { TransportEvent, TransportOptions } from './transport.js';
import { HttpTransport } from './transport.js';

let peer: Peer;
let body: unknown;
const open: HttpTransport[] = [];

function make(o: Partial<TransportOptions> = {}): HttpTransport {
  const t = new HttpTransport({
    baseUrls: [peer.url],
    timeoutMs: 2_000,
    maxRetries: 4,
    clock: new FakeClock(),
    random: mulberry32(7),
    ...o,
  });
  open.push(t);
  return t;
}

beforeAll(async () => {
  peer = await startOpenAIPeer({ models: ['qwen'] });
  body = {
    model: 'qwen',
    messages: JSON.parse(await buildChatPrompt({ mode: 'joint', segments: 2 })),
    max_tokens: 256,
  };
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  await peer.close();
});

const count = () => peer.requests.length;

describe('HttpTransport against the loopback vLLM-style peer', () => {
  it('posts JSON and returns the parsed answer with replica, attempts and latency', async () => {
    const t = make();
    const r = await t.postJson<{ choices: { message: { content: string } }[] }>('/chat/completions', body);
    expect(r.status).toBe(200);
    expect(r.attempts).toBe(1);
    expect(r.replica).toBe(peer.url);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.json.choices[0]?.message.content).toContain('Task 1 Answer:');
    expect(r.json.choices[0]?.message.content).toContain("'a': 'Spurs'");
  });

  it('fails a 400 at once with the server message, without retrying', async () => {
    const t = make();
    const before = count();
    const e = await transportFailure(
      t.postJson('/chat/completions', { ...(body as object), model: 'qwen', temperature: 9 }),
    );
    expect(count() - before).toBe(1);
    expect(e.reason).toBe('http-error');
    expect(e.status).toBe(400);
    expect(e.attempts).toBe(1);
    expect(e.message).toContain('temperature must be a number in [0, 2]');
    expect(e.message).toContain(peer.url);
  });

  it('fails a 404 (unknown model) at once', async () => {
    const t = make();
    const e = await transportFailure(t.postJson('/chat/completions', { ...(body as object), model: 'nope' }));
    expect(e.status).toBe(404);
    expect(e.attempts).toBe(1);
    expect(e.message).toContain('The model `nope` does not exist.');
  });

  it('honours Retry-After in seconds (fake clock) and then succeeds', async () => {
    const clock = new FakeClock();
    const t = make({ clock });
    peer.failNext('429', 2);
    const r = await t.postJson('/chat/completions', body);
    expect(r.attempts).toBe(3);
    // the peer sends Retry-After: 1 (default)
    expect(clock.sleeps).toHaveLength(2);
    for (const s of clock.sleeps) expect(s).toBeGreaterThanOrEqual(1000);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const datePeer = await startOpenAIPeer({
      faults: { rate: 0, retryAfterSeconds: 5, retryAfterFormat: 'http-date' },
    });
    try {
      const start = Date.now();
      const clock = new FakeClock(start);
      const t = make({ clock, baseUrls: [datePeer.url] });
      datePeer.failNext('429');
      const r = await t.postJson('/chat/completions', { ...(body as object), model: 'any' });
      // the peer dates its answer by the real clock, which ran on while the fake one stood at `start`
      const elapsed = Date.now() - start;
      expect(r.attempts).toBe(2);
      // HTTP-dates have 1 s resolution: 5 s ahead, minus up to 1 s of rounding
      expect(clock.sleeps[0]).toBeGreaterThanOrEqual(3900);
      expect(clock.sleeps[0]).toBeLessThanOrEqual(5000 + elapsed);
    } finally {
      await datePeer.close();
    }
  });

  it('fails at once when Retry-After is longer than maxRetryAfterMs', async () => {
    const t = make({ maxRetryAfterMs: 500 });
    peer.failNext('429');
    const e = await transportFailure(t.postJson('/chat/completions', body));
    expect(e.reason).toBe('retry-after-too-long');
    expect(e.message).toMatch(/retry after 1 s, longer than maxRetryAfterMs/);
  });

  it.each([
    ['500', 'server-busy'],
    ['503', 'server-busy'],
    ['reset', 'connection'],
    ['truncated', 'bad-response'],
    ['html', 'server-busy'],
  ] as const)('retries a %s fault and succeeds; gives up with reason %s after maxRetries', async (kind, reason) => {
    const events: TransportEvent[] = [];
    const t = make({ maxRetries: 2, onEvent: (e) => events.push(e) });
    peer.failNext(kind, 1);
    const before = count();
    const r = await t.postJson('/chat/completions', body);
    expect(r.attempts).toBe(2);
    expect(count() - before).toBe(2);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    peer.failNext(kind, 3);
    const e = await transportFailure(t.postJson('/chat/completions', body));
    expect(e.reason).toBe(reason);
    expect(e.attempts).toBe(3);
    expect(e.message).toMatch(/^gave up after 3 attempts \(maxRetries 2\); last: /);
    if (kind === 'html') expect(e.message).toContain('HTML page: 502 Bad Gateway');
  });

  it('times out a slow response, retries it, and reports timeouts', async () => {
    const slowPeer = await startOpenAIPeer({ faults: { rate: 0, slowMs: 1_500 } });
    try {
      const t = make({ baseUrls: [slowPeer.url], timeoutMs: 200, maxRetries: 1 });
      slowPeer.failNext('slow');
      const t0 = performance.now();
      const r = await t.postJson('/chat/completions', { ...(body as object), model: 'm' });
      expect(r.attempts).toBe(2);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
      slowPeer.failNext('slow', 2);
      const e = await transportFailure(t.postJson('/chat/completions', { ...(body as object), model: 'm' }));
      expect(e.reason).toBe('timeout');
      expect(e.message).toContain('timeoutMs (200 ms)');
    } finally {
      await slowPeer.close();
    }
  });

  it('reports connection errors on a closed port', async () => {
    const gone = await startOpenAIPeer();
    const url = gone.url;
    await gone.close();
    const t = make({ baseUrls: [url], maxRetries: 1 });
    const e = await transportFailure(t.postJson('/chat/completions', body));
    expect(e.reason).toBe('connection');
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const slow = await startOpenAIPeer({ latencyMs: 40 });
    try {
      const t = make({ baseUrls: [slow.url], maxConcurrency: 3 });
      await Promise.all(Array.from({ length: 12 }, () => t.postJson('/chat/completions', body)));
      expect(slow.maxConcurrent).toBe(3);
      expect(slow.requests).toHaveLength(12);
    } finally {
      await slow.close();
    }
  });

  it('spreads requests over replicas and cools down a failing one', async () => {
    const a = await startOpenAIPeer({ latencyMs: 20 });
    const b = await startOpenAIPeer({ latencyMs: 20 });
    try {
      const t = make({ baseUrls: [a.url, b.url], maxConcurrency: 8, clock: undefined, cooldown: { baseMs: 60_000 } });
      await Promise.all(Array.from({ length: 16 }, () => t.postJson('/chat/completions', body)));
      expect(a.requests.length).toBe(8);
      expect(b.requests.length).toBe(8);
      // replica a now resets connections: after its first failure it is cooled down and b takes the rest
      a.failNext('reset', 100);
      const rs = await Promise.all(
        Array.from({ length: 10 }, async () => (await t.postJson('/chat/completions', body)).replica),
      );
      expect(rs.filter((u) => u === b.url).length).toBe(10);
      expect(a.requests.length - 8).toBeLessThanOrEqual(8);
      const stats = t.stats();
      expect(stats.replicas.find((r) => r.url === a.url)?.coolingUntil).toBeGreaterThan(Date.now());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('applies requestsPerMinute on the clock', async () => {
    const clock = new FakeClock();
    const t = make({ clock, requestsPerMinute: 120 }); // 2/s, burst 2
    const start = clock.now();
    for (let i = 0; i < 6; i++) await t.postJson('/chat/completions', body);
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
  });

  it('applies tokensPerMinute to estimates, corrected by the usage the server reports', async () => {
    const run = async (correct: boolean) => {
      const clock = new FakeClock();
      const t = make({
        clock,
        tokensPerMinute: 60_000, // 1000/s, burst 1000
        usedTokens: correct ? (j) => (j as { usage?: { total_tokens?: number } }).usage?.total_tokens : undefined,
      });
      const start = clock.now();
      for (let i = 0; i < 4; i++) await t.postJson('/chat/completions', body, { estimatedTokens: 1000 });
      return clock.now() - start;
    };
    // uncorrected: 4 × 1000 tokens after a 1000-token burst → at least 3 s
    expect(await run(false)).toBeGreaterThanOrEqual(3000);
    // the peer reports far fewer tokens than estimated, so the bucket is refunded and barely waits
    expect(await run(true)).toBeLessThan(1000);
  });

  it('never puts the API key or Authorization header in an error', async () => {
    const secret = 'sk-test-DO-NOT-LEAK-0123456789';
    const authPeer = await startOpenAIPeer({ apiKey: 'sk-right-key-000000' });
    try {
      const events: TransportEvent[] = [];
      const t = make({
        baseUrls: [authPeer.url],
        headers: { authorization: `Bearer ${secret}` },
        secrets: [secret],
        onEvent: (e) => events.push(e),
      });
      const e = await transportFailure(t.postJson('/chat/completions', body));
      expect(e.status).toBe(401);
      expect(authPeer.requests[0]?.authorization).toBe(`Bearer ${secret}`); // the peer echoed it back…
      expect(e.message).toContain('Incorrect API key provided');
      expect(e.message).not.toContain(secret); // …and the transport redacted it
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(JSON.stringify(e)).not.toContain(secret);
    } finally {
      await authPeer.close();
    }
  });

  it('rejects invalid options with the option name', () => {
    expect(() => new HttpTransport({ baseUrls: [] })).toThrow(/at least one base URL/);
    expect(() => new HttpTransport({ baseUrls: ['ftp://x'] })).toThrow(/http: or https:/);
    expect(() => new HttpTransport({ baseUrls: ['http://127.0.0.1:1'], maxConcurrency: 0 })).toThrow(/maxConcurrency/);
    expect(() => new HttpTransport({ baseUrls: ['http://127.0.0.1:1', 'http://127.0.0.1:1/'] })).toThrow(/twice/);
  });
});
