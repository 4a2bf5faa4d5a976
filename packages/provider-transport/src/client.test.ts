import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakePromptfooCache } from '@mmre/provider-testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { readChatCompletion } from './chat.js';
import { FakeClock } from './clock.js';
import type { OpenAIChatClientOptions } from './openai-chat.js';
import { NotReadyError, OpenAIChatClient } from './openai-chat.js';
import type { CallContext } from './promptfoo.js';

const servers: Server[] = [];
const clients: OpenAIChatClient[] = [];

/** A server that answers the n-th request with `answer(n)`, as JSON with `status`. */
async function serve(answer: (n: number) => unknown, status = 200): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(n)));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, hits: () => n };
}

const config = {
  temperature: 0,
  maxTokens: 16,
  timeoutMs: 2_000,
  maxRetries: 0,
  retryBudgetMs: 10_000,
  maxRetryAfterMs: 1_000,
  maxConcurrency: 4,
};

function client(url: string, o: Partial<OpenAIChatClientOptions> = {}): OpenAIChatClient {
  const c = new OpenAIChatClient({
    name: 'P',
    cacheName: 'test',
    baseUrls: [url],
    config,
    secrets: [],
    cacheParts: {},
    internals: { clock: new FakeClock(), notice: () => {} },
    ...o,
  });
  clients.push(c);
  return c;
}

/**
 * A client with the readiness check `ready` (its runs counted) on a server that answers every call, and the
 * notices it printed.
 */
async function checkedClient(ready: NonNullable<OpenAIChatClientOptions['ready']>) {
  const s = await serve(() => ({ choices: [{ message: { content: 'x' }, finish_reason: 'stop' }] }));
  let checks = 0;
  const notices: string[] = [];
  const c = client(s.url, {
    ready: (...args) => {
      checks++;
      return ready(...args);
    },
    internals: { clock: new FakeClock(), notice: (l) => notices.push(l) },
  });
  return { s, c, notices, checks: () => checks };
}

const call = (c: OpenAIChatClient, context?: CallContext) =>
  c.call({
    context,
    prepare: () => ({ path: '/chat/completions', body: { model: 'm', messages: [] }, estimatedTokens: 1 }),
    send: async (r) => r,
    metadata: () => ({ mode: 'joint' }),
  });

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

describe('answers that are not answers', () => {
  it('content null is an error, never cached or scored as an empty answer', async () => {
    const s = await serve(() => ({ choices: [{ message: { content: null }, finish_reason: 'stop' }] }));
    const cache = fakePromptfooCache();
    const c = client(s.url);
    const r = await call(c, { getCache: () => cache });
    expect(r.output).toBeUndefined();
    expect(r.error).toMatch(/^P: bad-response: the server answered with message\.content null/);
    expect(cache.map.size).toBe(0);
    expect(() => readChatCompletion({ choices: [{ message: { content: null } }] })).toThrow(/content null/);
  });

  it('finish_reason length is kept as the answer but flagged on the row (metadata.truncated)', async () => {
    const s = await serve((n) => ({
      choices: [{ message: { content: `Task 1 Answer: cut ${n}` }, finish_reason: n === 1 ? 'length' : 'stop' }],
    }));
    const c = client(s.url);
    const cut = await call(c);
    expect(cut.output).toBe('Task 1 Answer: cut 1');
    expect(cut.metadata).toMatchObject({ finishReason: 'length', truncated: true });
    const whole = await call(c);
    // "stop" is implied: not stored (promptfoo keeps a response's metadata twice per row)
    expect(whole.metadata).not.toHaveProperty('finishReason');
    expect(whole.metadata).not.toHaveProperty('truncated');
    expect(whole.metadata && 'truncated' in whole.metadata).toBe(false);
  });
});

describe('readiness', () => {
  it('checks once, before the first request; a failure fails every call at once and sends nothing', async () => {
    const { s, c, notices, checks } = await checkedClient(async () => {
      throw new NotReadyError('model "m" is not served (served: other-model)');
    });
    const rows = await Promise.all(Array.from({ length: 12 }, () => call(c)));
    expect(checks()).toBe(1);
    expect(s.hits()).toBe(0);
    for (const r of rows) {
      expect(r.error).toBe('P: not-ready: model "m" is not served (served: other-model)');
      expect(r.metadata).toMatchObject({ failure: 'not-ready', rateLimitKind: 'quota' });
    }
    expect(notices).toEqual(['P: not ready, no request will be sent: model "m" is not served (served: other-model)']);
  });

  it('prints its notes once and then sends', async () => {
    const { s, c, notices, checks } = await checkedClient(async () => [
      'backend X cannot constrain decoding: constrainFormat is not applied',
    ]);
    await Promise.all([call(c), call(c), call(c)]);
    expect([checks(), s.hits()]).toEqual([1, 3]);
    expect(notices).toEqual(['P: backend X cannot constrain decoding: constrainFormat is not applied']);
  });
});

describe('readiness of the whole run (what the M-MRE extension asks before the first row)', () => {
  it('readiness() runs the same check once, returns a failure without printing it, and calls then fail at once', async () => {
    const { s, c, notices, checks } = await checkedClient(async (_t, notice) => {
      notice('http://x/v1 does not answer yet (ECONNREFUSED); waiting up to 1 s for it (readyTimeoutMs)');
      throw new NotReadyError('no server answers at http://x/v1 after waiting 1 s: is it running?');
    });
    const [a, b] = await Promise.all([c.readiness(), c.readiness()]);
    expect(a).toEqual({ ready: false, message: 'no server answers at http://x/v1 after waiting 1 s: is it running?' });
    expect(b).toEqual(a);
    const rows = await Promise.all(Array.from({ length: 5 }, () => call(c)));
    expect(checks()).toBe(1);
    expect(s.hits()).toBe(0);
    for (const r of rows) expect(r.error).toBe(`P: not-ready: ${a.ready ? '' : a.message}`);
    // the waiting line was printed at once (prefixed); the failure is the caller's to report, not printed here
    expect(notices).toEqual([
      'P: http://x/v1 does not answer yet (ECONNREFUSED); waiting up to 1 s for it (readyTimeoutMs)',
    ]);
  });

  it('a ready server: readiness() is ready, its notes are printed once, and calls do not check again', async () => {
    const { s, c, notices, checks } = await checkedClient(async () => ['a note']);
    expect(await c.readiness()).toEqual({ ready: true });
    await Promise.all([call(c), call(c)]);
    expect([checks(), s.hits()]).toEqual([1, 2]);
    expect(notices).toEqual(['P: a note']);
    // without a check: ready
    expect(await client(s.url).readiness()).toEqual({ ready: true });
  });

  it('a refused key found by a call is reported by readiness() too', async () => {
    const s = await serve(() => ({ error: { message: 'Incorrect API key provided' } }), 401);
    const c = client(s.url);
    await call(c);
    const r = await c.readiness();
    expect(r.ready).toBe(false);
    expect(r.ready ? '' : r.message).toMatch(/^the server refused the key; every call would fail the same way: /);
  });
});

describe('fail fast once on a refused key or an unknown model', () => {
  it('after the first 401 or 404 no request is sent and every row says why', async () => {
    for (const status of [401, 404]) {
      const s = await serve(
        () => ({
          error: { message: status === 401 ? 'Incorrect API key provided' : 'The model `m` does not exist.' },
        }),
        status,
      );
      const notices: string[] = [];
      const c = client(s.url, {
        internals: { clock: new FakeClock(), notice: (l) => notices.push(l) },
      });
      const first = await call(c);
      expect(first.error).toMatch(new RegExp(`^P: http-error: HTTP ${status} `));
      const rest = await Promise.all(Array.from({ length: 10 }, () => call(c)));
      expect(s.hits()).toBe(1);
      for (const r of rest)
        expect(r.error).toMatch(/^P: not-ready: (the server refused the key|the model or the URL is unknown)/);
      expect(notices).toHaveLength(1);
    }
  });
});
