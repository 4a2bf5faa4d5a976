import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { NotReadyError, probeUntilAnswered } from './readiness.js';
import { HttpTransport } from './transport.js';

const servers: Server[] = [];
const transports: HttpTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that answers GET /health with the statuses given, one per request, then 200. */
async function serve(statuses: number[]): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    const status = statuses.shift() ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        status === 200 ? { ok: true } : { error: { message: status === 401 ? 'bad key' : 'Loading model' } },
      ),
    );
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}
const transport = (url: string) => {
  const t = new HttpTransport({ baseUrls: [url], timeoutMs: 2_000 });
  transports.push(t);
  return t;
};

describe('probeUntilAnswered', () => {
  it('waits for a loading server on the clock, telling once that it waits, and returns its answer', async () => {
    const t = transport(await serve([503, 503, 503]));
    const clock = new FakeClock();
    const lines: string[] = [];
    const r = await probeUntilAnswered(t, '/health', {
      root: true,
      readyTimeoutMs: 60_000,
      keyHint: 'check the key',
      clock,
      onWaiting: (l) => lines.push(l),
    });
    expect(r.waited).toBe(true);
    expect(r.results.map((x) => x.status)).toEqual([200]);
    expect(clock.now()).toBeGreaterThanOrEqual(6_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /does not answer yet \(HTTP 503: Loading model\); waiting up to 60 s for it \(readyTimeoutMs\)/,
    );
  });

  it('a refused key fails at once with the hint and the status; a server loading past the deadline fails naming it', async () => {
    const keyed = transport(await serve([401]));
    const e = await probeUntilAnswered(keyed, '/health', {
      root: true,
      readyTimeoutMs: 60_000,
      keyHint: 'check K',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotReadyError);
    expect((e as NotReadyError).message).toMatch(/refused the key \(HTTP 401: bad key\): check K$/);
    expect((e as NotReadyError).status).toBe(401);
    const slow = transport(await serve(Array(100).fill(503)));
    await expect(
      probeUntilAnswered(slow, '/health', {
        root: true,
        readyTimeoutMs: 5_000,
        keyHint: 'k',
        slowHint: 'try again later',
        clock: new FakeClock(),
      }),
    ).rejects.toThrow(/is still not ready after 5 s \(HTTP 503: Loading model\); try again later$/);
  });
});
