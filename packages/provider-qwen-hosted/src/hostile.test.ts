import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base64Cores } from '@mmre/core';
import { buildIfStale, filesUnder, runProcess } from '@mmre-test/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A hostile loopback server: it echoes the API key it receives into every place it can — the answer text
 * (plain, JSON \u-escaped, base64 inside "Basic", URL-encoded, hex), response headers, error bodies (after 490
 * characters of padding, so a clip at 500 before redaction would leave a prefix), a non-JSON 500 body, a
 * 200-with-error and a 429 message. A real `promptfoo eval` (the CLI, through the BUILT provider, cache on
 * disk, PROMPTFOO_CONFIG_DIR and PROMPTFOO_LOG_DIR in a temp dir, --verbose) runs twice (the second from the
 * cache), then every file written and both output streams are searched for every form of the key.
 */
const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repoRoot = resolve(pkgDir, '../..');
const dist = join(pkgDir, 'dist', 'index.js');
const promptfooBin = join(repoRoot, 'node_modules', '.bin', 'promptfoo');

// Characters that URL-encoding and JSON escaping change, so every form differs from the plain key.
const KEY = 'sk-HOSTILE/9f8e+7d6c=5b4a~3f2e';
const PASSWORD = 'pw-Url-Cred/77aa+bb=';
const MARKER = 'VisibleMarker7171';

const uEscape = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/** Every form of a secret the search looks for. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    uEscape(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('hex'),
    ...base64Cores(secret),
  ];
}

function echoes(key: string): string {
  return [
    `plain ${key}`,
    `json-escaped ${uEscape(key)}`,
    `basic ${Buffer.from(`user:${key}`).toString('base64')}`,
    `b64 ${Buffer.from(key).toString('base64')}`,
    `url ${encodeURIComponent(key)}`,
    `hex ${Buffer.from(key).toString('hex')}`,
  ].join(' | ');
}

function hostile(): Promise<{ server: Server; url: string; auths: string[]; seen: string[] }> {
  const auths: string[] = [];
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      auths.push(auth);
      const key = auth.replace(/^Bearer /, '');
      const body = Buffer.concat(chunks).toString('utf8');
      const which = /behaviour (\w+)/.exec(body)?.[1] ?? 'answer';
      // chat requests only: the readiness check's GET /models (answered like a chat, key echoed) is not a row
      if (req.method === 'POST') seen.push(which);
      const headers = { 'content-type': 'application/json', 'x-echo-key': key, 'x-echo-auth': auth };
      const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, { ...headers, ...extra });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const padding = 'x'.repeat(490);
      switch (which) {
        case 'answer':
          return send(200, {
            choices: [
              {
                message: { content: `Task 1 Answer: ${MARKER} the key is ${echoes(key)}` },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
            echo: { authorization: auth },
          });
        case 'unauthorized':
          return send(401, { error: { message: `${padding} Incorrect API key provided: ${echoes(key)}` } });
        case 'crash':
          return send(500, `Traceback: KeyError ${uEscape(key)} / ${Buffer.from(key).toString('base64')} ${padding}`, {
            'content-type': 'text/plain',
          });
        case 'error200':
          return send(200, { error: { code: 400, message: `${padding} bad request for key ${echoes(key)}` } });
        case 'throttle':
          return send(429, { error: { message: `slow down, ${echoes(key)}` } }, { 'retry-after': '3600' });
        default:
          return send(404, { error: { message: `no ${which} for ${key}` } });
      }
    });
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, auths, seen }),
    ),
  );
}

describe('secrets, end to end: a hostile server echoes the key everywhere; nothing written holds it', () => {
  let srv: Awaited<ReturnType<typeof hostile>>;
  let tmp: string;

  beforeAll(async () => {
    buildIfStale('@mmre/provider-qwen-hosted', dist, [join(here, 'provider.ts'), join(here, 'config.ts')]);
    srv = await hostile();
    tmp = mkdtempSync(join(tmpdir(), 'mmre-hostile-'));
  });
  afterAll(async () => {
    srv.server.closeAllConnections();
    await new Promise<void>((r) => srv.server.close(() => r()));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs promptfoo twice (cache on) and no file, database row, cache entry, log or stream holds any form of the key', async () => {
    const provider = `file://${dist}`;
    const behaviours = ['answer', 'unauthorized', 'crash', 'error200', 'throttle'];
    const cfg = [
      'description: hostile secrets check',
      'prompts:',
      `  - 'Text: {{name}} met Bob. behaviour {{behaviour}}'`,
      'providers:',
      `  - id: ${provider}`,
      '    label: hostile',
      `    config: { backend: openai-compatible, baseUrl: '${srv.url}', model: m, apiKeyEnv: MMRE_HOSTILE_KEY, maxRetries: 1, retryBudgetMs: 5000 }`,
      'tests:',
      ...behaviours.map((b) => `  - vars: { name: ${MARKER}, behaviour: ${b} }`),
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'cfg.yaml'), cfg);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MMRE_HOSTILE_KEY: KEY,
      PROMPTFOO_CONFIG_DIR: join(tmp, 'config'),
      PROMPTFOO_CACHE_PATH: join(tmp, 'cache'),
      PROMPTFOO_CACHE_TYPE: 'disk',
      PROMPTFOO_CACHE_ENABLED: 'true',
      PROMPTFOO_LOG_DIR: join(tmp, 'logs'),
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      NO_COLOR: '1',
    };
    const streams: string[] = [];
    for (const run of ['first', 'second']) {
      const r = await runProcess(
        promptfooBin,
        [
          'eval',
          '-c',
          'cfg.yaml',
          '-o',
          `${run}.json`,
          '-o',
          `${run}.jsonl`,
          '--no-progress-bar',
          '--verbose',
          '-j',
          '1',
        ],
        { cwd: tmp, env, timeoutMs: 120_000 },
      );
      streams.push(r.stdout, r.stderr);
      expect(
        existsSync(join(tmp, `${run}.json`)),
        `${run}: no output:\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`,
      ).toBe(true);
    }
    // the server really got the key, so there was something to leak
    expect(srv.auths).toContain(`Bearer ${KEY}`);
    // Retry-After: 3600 fails at once, and promptfoo's scheduler does not call it again (once per run)
    expect(srv.seen.filter((b) => b === 'throttle').length).toBeLessThanOrEqual(2);
    // the cached answer is not asked again in the second run
    expect(srv.seen.filter((b) => b === 'answer')).toHaveLength(1);
    const out = JSON.parse(readFileSync(join(tmp, 'first.json'), 'utf8'));
    const rows = out.results.results as {
      vars: { behaviour: string };
      response?: { output?: string; error?: string };
      error?: string;
    }[];
    const by = (b: string) => rows.find((x) => x.vars.behaviour === b);
    expect(by('answer')?.response?.output).toContain(MARKER);
    expect(by('answer')?.response?.output).toContain('[REDACTED]');
    for (const b of ['unauthorized', 'crash', 'error200', 'throttle'])
      expect(by(b)?.response?.error ?? by(b)?.error).toBeTruthy();
    const second = JSON.parse(readFileSync(join(tmp, 'second.json'), 'utf8'));
    const cachedAnswer = (
      second.results.results as { vars: { behaviour: string }; response?: { cached?: boolean } }[]
    ).find((x) => x.vars.behaviour === 'answer');
    expect(cachedAnswer?.response?.cached).toBe(true);

    const files = filesUnder(tmp);
    // promptfoo wrote its database, the cache and logs inside the temp dir
    expect(files.some((f) => f.startsWith(join(tmp, 'config')))).toBe(true);
    expect(files.some((f) => f.startsWith(join(tmp, 'cache')))).toBe(true);
    let markerSeen = 0;
    const leaks: string[] = [];
    for (const f of files) {
      if (f.endsWith('cfg.yaml')) continue;
      const bytes = readFileSync(f);
      if (bytes.includes(MARKER)) markerSeen++;
      for (const form of forms(KEY)) if (bytes.includes(form)) leaks.push(`${f}: ${form.slice(0, 12)}…`);
    }
    const text = streams.join('\n');
    for (const form of forms(KEY)) if (text.includes(form)) leaks.push(`stdout/stderr: ${form.slice(0, 12)}…`);
    expect(leaks).toEqual([]);
    // positive control: the search sees what promptfoo stored (results, JSONL, database, cache)
    expect(markerSeen).toBeGreaterThanOrEqual(4);
  }, 240_000);

  it('a base URL with user:password@ is refused, and the password is written nowhere', async () => {
    const dir = join(tmp, 'urlcreds');
    const cfg = [
      'prompts:',
      `  - 'Text: hello'`,
      'providers:',
      `  - id: file://${dist}`,
      `    config: { backend: openai-compatible, baseUrl: '${srv.url.replace('//', `//alice:${encodeURIComponent(PASSWORD)}@`)}', model: m, apiKeyEnv: MMRE_HOSTILE_KEY }`,
      'tests:',
      '  - vars: {}',
      '',
    ].join('\n');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    writeFileSync(join(dir, 'cfg.yaml'), cfg);
    const before = srv.auths.length;
    const r = await runProcess(promptfooBin, ['eval', '-c', 'cfg.yaml', '-o', 'out.json', '--no-progress-bar'], {
      cwd: dir,
      env: {
        ...process.env,
        MMRE_HOSTILE_KEY: KEY,
        PROMPTFOO_CONFIG_DIR: join(dir, 'config'),
        PROMPTFOO_CACHE_PATH: join(dir, 'cache'),
        PROMPTFOO_LOG_DIR: join(dir, 'logs'),
        PROMPTFOO_DISABLE_TELEMETRY: '1',
        PROMPTFOO_DISABLE_UPDATE: '1',
        NO_COLOR: '1',
      },
      timeoutMs: 120_000,
    });
    const text = `${r.stdout}\n${r.stderr}`;
    expect(text).toMatch(/carries credentials \(user:password@\); they are refused/);
    expect(srv.auths.length).toBe(before); // nothing was sent
    const leaks: string[] = [];
    for (const f of filesUnder(dir)) {
      if (f.endsWith('cfg.yaml')) continue;
      const bytes = readFileSync(f);
      for (const form of forms(PASSWORD)) if (bytes.includes(form)) leaks.push(`${f}: ${form.slice(0, 8)}…`);
    }
    for (const form of forms(PASSWORD)) if (text.includes(form)) leaks.push(`stdout/stderr: ${form.slice(0, 8)}…`);
    expect(leaks).toEqual([]);
  }, 150_000);
});
