import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '@mmre/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import type { TransportError } from './errors.js';
import { transportFailure } from './testing.js';
import type { TransportOptions } from './transport.js';
import { errorIn200, HttpTransport } from './transport.js';

// Small loopback servers with one behaviour each (the testkit peers cover the protocols).
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: Server[] = [];
const transports: HttpTransport[] = [];

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    req.resume();
    req.on('end', () => handler(req, res, n));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, hits: () => n };
}

function make(o: Partial<TransportOptions> & { baseUrls: string[] }): HttpTransport {
  const t = new HttpTransport({ timeoutMs: 2_000, clock: new FakeClock(), random: mulberry32(3), ...o });
  transports.push(t);
  return t;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const completion = { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] };

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

describe('retry budget', () => {
  it('a 429 without Retry-After is retried with growing backoff until the budget, not for a fixed 7.5 s', async () => {
    const s = await serve((_q, res) =>
      json(res, 429, { error: { message: 'Requests rate limit exceeded', code: 429 } }),
    );
    const clock = new FakeClock();
    const t = make({ baseUrls: [s.url], clock, maxRetries: 50, retryBudgetMs: 120_000 });
    const e = await transportFailure(t.postJson('/chat/completions', {}));
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    expect(e.reason).toBe('server-busy');
    expect(e.message).toMatch(/would pass retryBudgetMs \(120000 ms\)/);
    expect(waited).toBeLessThanOrEqual(120_000);
    expect(waited).toBeGreaterThan(60_000); // about the budget, far more than the old 7.5 s
    expect(s.hits()).toBe(e.attempts);
    // backoff grows: the late waits are far longer than the first
    expect(Math.max(...clock.sleeps.slice(-3))).toBeGreaterThan(clock.sleeps[0] as number);
  });

  it('Retry-After past maxRetryAfterMs fails at once, naming the wait, after one request', async () => {
    const s = await serve((_q, res) => json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '3600' }));
    const t = make({ baseUrls: [s.url], maxRetries: 20 });
    const e = await transportFailure(t.postJson('/chat/completions', {}));
    expect(e.reason).toBe('retry-after-too-long');
    expect(e.message).toMatch(/retry after 3600 s, longer than maxRetryAfterMs \(120000 ms\)/);
    expect(s.hits()).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('a server that answers 500 to everything is not hammered: the circuit opens and later calls send nothing', async () => {
    const s = await serve((_q, res) => json(res, 500, { error: { message: 'CUDA error: out of memory' } }));
    const t = make({ baseUrls: [s.url], maxRetries: 2, breaker: { threshold: 5, openMs: 60_000, minDownMs: 0 } });
    const errors: TransportError[] = [];
    for (let i = 0; i < 6; i++) errors.push(await transportFailure(t.postJson('/chat/completions', {})));
    expect(s.hits()).toBe(5); // 3 attempts of the first call, 2 of the second: then the circuit is open
    expect(errors[0]?.reason).toBe('server-busy');
    const open = errors.filter((e) => e.reason === 'circuit-open');
    expect(open).toHaveLength(5);
    for (const e of open)
      expect(e.message).toMatch(/circuit open: .* failed \d+ times in a row \(last: HTTP 500 .*out of memory\)/);
    const before = s.hits();
    expect((await transportFailure(t.postJson('/chat/completions', {}))).reason).toBe('circuit-open');
    expect(s.hits()).toBe(before);
  });

  it('a hung server: every row ends after about one timeout, not 5 × timeout each', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    const t = make({
      baseUrls: [s.url],
      timeoutMs: 150,
      maxRetries: 4,
      maxConcurrency: 8,
      breaker: { threshold: 5, openMs: 60_000, minDownMs: 0 },
    });
    const t0 = performance.now();
    const errors = await Promise.all(
      Array.from({ length: 40 }, () => transportFailure(t.postJson('/chat/completions', {}))),
    );
    const wall = performance.now() - t0;
    expect(wall).toBeLessThan(150 * 4); // far below 40 rows × 5 attempts × 150 ms / 8
    expect(s.hits()).toBeLessThanOrEqual(16);
    expect(
      errors.filter((e) => e.reason === 'timeout').length + errors.filter((e) => e.reason === 'circuit-open').length,
    ).toBe(40);
    expect(errors.filter((e) => e.reason === 'circuit-open').length).toBeGreaterThan(20);
  });

  it('a flaky server that still answers does not open it: 10 s without a success are needed too', async () => {
    const s = await serve((_q, res, n) =>
      n % 7 === 0 ? json(res, 200, completion) : json(res, 502, { error: { message: 'bad gateway' } }),
    );
    const clock = new FakeClock();
    const t = make({ baseUrls: [s.url], clock, maxRetries: 10, backoff: { baseMs: 100, maxMs: 200 } });
    for (let i = 0; i < 5; i++) expect((await t.postJson('/chat/completions', {})).status).toBe(200);
    expect(s.hits()).toBe(35);
  });

  it('a 503 (busy or loading) does not open the circuit', async () => {
    const s = await serve((_q, res, n) =>
      n <= 6 ? json(res, 503, { error: { message: 'Loading model' } }) : json(res, 200, completion),
    );
    const t = make({ baseUrls: [s.url], maxRetries: 10, breaker: { threshold: 3, openMs: 60_000, minDownMs: 0 } });
    const r = await t.postJson('/chat/completions', {});
    expect(r.attempts).toBe(7);
  });
});

describe('answers that are not answers', () => {
  it('a 200 carrying an error (OpenRouter) surfaces the server message and is retried when transient', async () => {
    const s = await serve((_q, res, n) =>
      n === 1
        ? json(res, 200, { error: { code: 502, message: 'Provider returned error: upstream overloaded' } })
        : json(res, 200, completion),
    );
    const t = make({ baseUrls: [s.url], maxRetries: 2 });
    const r = await t.postJson('/chat/completions', {});
    expect(r.attempts).toBe(2);
    const p = await serve((_q, res) =>
      json(res, 200, { error: { code: 400, message: 'This model does not support image input' } }),
    );
    const t2 = make({ baseUrls: [p.url], maxRetries: 3 });
    const e = await transportFailure(t2.postJson('/chat/completions', {}));
    expect(e.reason).toBe('error-in-200');
    expect(e.message).toContain('This model does not support image input');
    expect(e.message).not.toMatch(/not an OpenAI chat completion/);
    expect(p.hits()).toBe(1);
  });

  it('errorIn200 reads numeric and word codes, and leaves real answers alone', () => {
    expect(errorIn200({ error: { code: 429, message: 'x' } })).toEqual({ status: 429, transient: false });
    expect(errorIn200({ error: { message: 'Rate limit exceeded' } })).toEqual({ transient: true });
    expect(errorIn200({ error: 'Model is overloaded' })).toEqual({ transient: true });
    expect(errorIn200(completion)).toBeUndefined();
    expect(errorIn200({ message: { content: 'ollama' }, error: null })).toBeUndefined();
  });
});

describe('secrets on the wire', () => {
  const KEY = 'tok-LEAKY-5c8e1f0a9b7d6c4e3f2a';

  it('redacts an error body before clipping it, in every form the server echoes it', async () => {
    const s = await serve((_q, res) =>
      json(res, 401, {
        error: {
          message: `${'x'.repeat(490)} key ${KEY} / escaped ${[...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')} / b64 ${Buffer.from(`u:${KEY}`).toString('base64')}`,
        },
      }),
    );
    const t = make({ baseUrls: [s.url], headers: { authorization: `Bearer ${KEY}` }, maxRetries: 0 });
    const e = await transportFailure(t.postJson('/chat/completions', {}));
    expect(e.status).toBe(401);
    expect(e.message).not.toContain('LEAKY');
    expect(e.message).not.toContain(KEY.slice(0, 8));
  });

  it('refuses credentials in a base URL without echoing them', () => {
    expect(() => make({ baseUrls: ['http://alice:PassW0rd-secret@127.0.0.1:9/v1'] })).toThrow(
      /carries credentials .*apiKeyEnv/,
    );
    try {
      make({ baseUrls: ['http://alice:PassW0rd-secret@127.0.0.1:9/v1'] });
    } catch (e) {
      expect((e as Error).message).not.toContain('PassW0rd');
    }
  });
});

describe('probe', () => {
  it('GETs a path of every replica once, from the origin or the base URL, and never throws', async () => {
    const paths: string[] = [];
    const s = await serve((q, res) => {
      paths.push(q.url ?? '');
      json(res, q.url === '/health' ? 200 : 404, q.url === '/health' ? {} : { error: { message: 'no route' } });
    });
    const t = make({ baseUrls: [s.url, 'http://127.0.0.1:9/v1'] });
    const [a, b] = await t.probe('/health', { root: true, timeoutMs: 1_000 });
    expect(a).toMatchObject({ status: 200 });
    expect(b?.status).toBe(0);
    expect(b?.message).toMatch(/ECONNREFUSED/);
    const [m] = await t.probe('/models');
    expect(m).toMatchObject({ status: 404, message: 'no route' });
    expect(paths).toEqual(['/health', '/v1/models']);
  });
});
