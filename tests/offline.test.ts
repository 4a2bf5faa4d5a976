// promptfoo 0.123 posts a "telemetry disabled" event to r.promptfoo.app even with
// PROMPTFOO_DISABLE_TELEMETRY=1. Our tests, .ci/run and the demo point its proxy variables at a closed
// local port so that attempt never leaves the machine. This test proves the mechanism on a real eval:
// with the proxy pointed at a local sink, every connection promptfoo opens goes to the sink, and the
// eval itself works; and the environment every test runs in has the proxy on loopback.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promptfooEval } from '@mmre-test/promptfoo';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('promptfoo stays offline', () => {
  let sink: Server;
  let port = 0;
  const requests: string[] = [];
  beforeAll(async () => {
    sink = createServer((socket: Socket) => {
      socket.once('data', (d) => {
        requests.push(d.toString('latin1').split('\r\n')[0] ?? '');
        socket.destroy();
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    port = (sink.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => sink.close(() => resolve())));

  it('every outbound attempt of a real eval goes to the local proxy, and the eval still succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmre-offline-'));
    const proxy = `http://127.0.0.1:${port}`;
    const run = await promptfooEval({
      dir,
      config: 'prompts: ["Say {{x}}"]\nproviders: [echo]\ntests:\n  - vars: { x: one }\n  - vars: { x: two }\n',
      env: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1,localhost,::1' },
    });
    expect(run.code).toBe(0);
    expect(run.output.results.results.map((r: { response: { output: string } }) => r.response.output).sort()).toEqual([
      'Say one',
      'Say two',
    ]);
    // What promptfoo tried to reach with telemetry disabled went to the proxy. (If a promptfoo upgrade stops
    // trying, this fails: then the proxy workaround in .ci/run, vitest.config.ts and the demo can go.)
    expect(requests.length, 'promptfoo made no outbound attempt: is the workaround still needed?').toBeGreaterThan(0);
    for (const line of requests) expect(line).toMatch(/^CONNECT r\.promptfoo\.app:443 /);
  });

  it('tests, .ci/run and the demo run promptfoo with its proxy on a closed loopback port', () => {
    expect(process.env.HTTPS_PROXY).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.NO_PROXY).toContain('127.0.0.1');
    expect(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8')).toMatch(/HTTPS_PROXY=\$OFFLINE_PROXY .*pnpm test/);
    expect(readFileSync(join(repoRoot, 'scripts', 'demo.mjs'), 'utf8')).toContain("HTTPS_PROXY: 'http://127.0.0.1:9'");
  });
});
