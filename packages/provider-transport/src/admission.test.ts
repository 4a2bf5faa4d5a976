import type { Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, startOpenAIPeer } from '@mmre/provider-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';
import type { TransportEvent } from './transport.js';
import { HttpTransport } from './transport.js';

describe('Semaphore queue', () => {
  it('serves thousands of waiters strictly in arrival order (queue compaction keeps FIFO)', async () => {
    const s = new Semaphore(3);
    const order: number[] = [];
    let running = 0;
    let most = 0;
    const N = 3_000;
    const jobs = Array.from({ length: N }, (_, i) =>
      s.run(async () => {
        order.push(i);
        running++;
        most = Math.max(most, running);
        await Promise.resolve();
        running--;
      }),
    );
    expect(s.inUse).toBe(3);
    expect(s.waiting).toBe(N - 3);
    await Promise.all(jobs);
    expect(order).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(most).toBe(3);
    expect(s.inUse).toBe(0);
    expect(s.waiting).toBe(0);
  });
});

describe('HttpTransport.admit and per-attempt timing', () => {
  let peer: Peer;
  let payload: string;
  beforeAll(async () => {
    peer = await startOpenAIPeer({ latencyMs: 40, imageValidation: 'light', serverTiming: true });
    payload = JSON.stringify({
      model: 'm',
      max_tokens: 64,
      messages: JSON.parse(await buildChatPrompt({ mode: 'joint', segments: 1 })),
    });
  });
  afterAll(async () => {
    await peer.close();
  });

  it('prepares at most maxPending calls at once, in FIFO order, with maxConcurrency requests in flight', async () => {
    const t = new HttpTransport({ baseUrls: [peer.url], maxConcurrency: 2, maxPending: 4 });
    const started: number[] = [];
    let preparing = 0;
    let most = 0;
    const calls = Array.from({ length: 12 }, (_, i) =>
      t.admit(async () => {
        started.push(i);
        preparing++;
        most = Math.max(most, preparing);
        try {
          return await t.postJson('/chat/completions', payload);
        } finally {
          preparing--;
        }
      }),
    );
    // only the first maxPending calls have started preparing; the rest wait before building anything
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([0, 1, 2, 3]);
    const results = await Promise.all(calls);
    await t.close();
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(started).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(most).toBe(4);
    expect(peer.maxConcurrent).toBeLessThanOrEqual(2);
  });

  it('reports where the successful attempt spent its time', async () => {
    const t = new HttpTransport({ baseUrls: [peer.url], maxConcurrency: 1 });
    const [a, b] = await Promise.all([
      t.postJson('/chat/completions', payload),
      t.postJson('/chat/completions', payload),
    ]);
    await t.close();
    for (const r of [a, b]) {
      if (!r) throw new Error('missing response');
      // the peer waits 40 ms before answering: the time to first byte includes it
      expect(r.timing.ttfbMs).toBeGreaterThanOrEqual(39);
      expect(r.timing.bodyMs).toBeGreaterThanOrEqual(0);
      expect(r.timing.parseMs).toBeGreaterThanOrEqual(0);
      expect(r.latencyMs).toBeGreaterThanOrEqual(r.timing.waitMs + r.timing.ttfbMs);
      expect(String(r.headers['server-timing'])).toMatch(/wait;dur=/);
    }
    // with one slot, the second call waited for the first one's whole request
    const waits = [a?.timing.waitMs ?? 0, b?.timing.waitMs ?? 0].sort((x, y) => x - y);
    expect(waits[1]).toBeGreaterThanOrEqual(39);
    expect(waits[0]).toBeLessThan(39);
  });

  it('hands the timing and the server-timing header to success events', async () => {
    const events: TransportEvent[] = [];
    const t = new HttpTransport({ baseUrls: [peer.url], onEvent: (e) => events.push(e) });
    await t.postJson('/chat/completions', payload);
    await t.close();
    const ok = events.filter((e) => e.type === 'success');
    expect(ok).toHaveLength(1);
    expect(ok[0]?.timing?.ttfbMs).toBeGreaterThanOrEqual(39);
    expect(ok[0]?.serverTiming).toMatch(
      /^read;dur=[\d.]+, parse;dur=[\d.]+, handle;dur=[\d.]+, wait;dur=(3[89]|[4-9]\d|\d{3,})/,
    );
  });

  it('rejects a maxPending that is not a positive integer', () => {
    expect(() => new HttpTransport({ baseUrls: [peer.url], maxPending: 0 })).toThrow(
      /maxPending must be an integer >= 1/,
    );
  });
});
