import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import {
  buildChatPrompt,
  fakePromptfooCache as fakeCache,
  startOllamaPeer,
  startOpenAIPeer,
} from '@mmre/provider-testkit';
import { buildIfStale, runProcess } from '@mmre-test/process';
import { promptfooEntrypoint } from '@mmre-test/promptfoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenLocalConfigInput } from './config.js';
import { QwenLocalProvider } from './provider.js';

const providers: QwenLocalProvider[] = [];
function make(config: QwenLocalConfigInput): QwenLocalProvider {
  // request counts below are chat requests: the readiness check (tested in readiness.test.ts) is off
  const p = new QwenLocalProvider({ config: { checkReady: false, ...config } }, { random: mulberry32(7) });
  providers.push(p);
  return p;
}

let vllm: Peer;
let replica: Peer;
let ollama: Peer;
let joint: string;
beforeAll(async () => {
  vllm = await startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-7B-Instruct'] });
  replica = await startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-7B-Instruct'] });
  ollama = await startOllamaPeer({ models: ['qwen2.5vl:7b'] });
  joint = await buildChatPrompt({ mode: 'joint', segments: 2, width: 64, height: 48 });
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.cleanup()));
  await Promise.all([vllm.close(), replica.close(), ollama.close()]);
});

describe('QwenLocalProvider behind promptfoo’s cache (context.getCache)', () => {
  it('vLLM: a second identical call does not reach the server and says cached: true', async () => {
    const cache = fakeCache();
    const p = make({ backend: 'vllm', baseUrl: vllm.url, seed: 0 });
    const ctx = { vars: { mode: 'joint' }, getCache: () => cache };
    const before = vllm.requests.length;
    const a = await p.callApi(joint, ctx);
    expect(a.error).toBeUndefined();
    expect(a.cached).toBeUndefined();
    expect(vllm.requests.length).toBe(before + 1);
    const b = await p.callApi(joint, ctx);
    expect(vllm.requests.length).toBe(before + 1);
    expect(b.cached).toBe(true);
    expect(b.output).toBe(a.output);
    expect(b.tokenUsage).toEqual({ total: a.tokenUsage?.total, cached: a.tokenUsage?.total, numRequests: 1 });
    // another sampling option is another request body: a miss
    const q = make({ backend: 'vllm', baseUrl: vllm.url, seed: 1 });
    expect((await q.callApi(joint, ctx)).cached).toBeUndefined();
    expect(vllm.requests.length).toBe(before + 2);
    // another repeat (promptfoo --repeat) is its own answer; a busted call goes to the server
    expect((await p.callApi(joint, { ...ctx, repeatIndex: 1 })).cached).toBeUndefined();
    expect((await p.callApi(joint, { ...ctx, bustCache: true })).cached).toBeUndefined();
    expect(vllm.requests.length).toBe(before + 4);
    expect(cache.map.size).toBe(3);
  });

  it('the key is the request, not the replica: another host serving the same model and path hits', async () => {
    const cache = fakeCache();
    const ctx = { vars: { mode: 'joint' }, getCache: () => cache };
    const a = make({ backend: 'vllm', baseUrl: vllm.url });
    const b = make({ backend: 'vllm', baseUrls: [replica.url, vllm.url] });
    const before = vllm.requests.length + replica.requests.length;
    await a.callApi(joint, ctx);
    const hit = await b.callApi(joint, ctx);
    expect(hit.cached).toBe(true);
    expect(vllm.requests.length + replica.requests.length).toBe(before + 1);
  });

  it('Ollama: a second identical call does not reach the server; failures are never stored', async () => {
    const cache = fakeCache();
    const p = make({ backend: 'ollama', baseUrl: ollama.origin });
    const ctx = { vars: { mode: 'joint' }, getCache: () => cache };
    const before = ollama.requests.length;
    const a = await p.callApi(joint, ctx);
    expect(a.error).toBeUndefined();
    const b = await p.callApi(joint, ctx);
    expect([b.cached, b.output]).toEqual([true, a.output]);
    expect(ollama.requests.length).toBe(before + 1);
    // an unknown model: 404, reported, not cached, so the retry reaches the server again
    // (a new provider each time, as in a new run: within one, the first 404 stops further requests)
    const bad = () => make({ backend: 'ollama', baseUrl: ollama.origin, model: 'nope:1b', maxRetries: 0 });
    const e1 = await bad().callApi(joint, ctx);
    const e2 = await bad().callApi(joint, ctx);
    expect(e1.error).toMatch(/404/);
    expect(e2.error).toMatch(/404/);
    expect(ollama.requests.length).toBe(before + 3);
    expect(cache.map.size).toBe(1);
  });

  it('with promptfoo’s cache disabled (PROMPTFOO_CACHE_ENABLED=false) every call reaches the server', async () => {
    const cache = fakeCache();
    const p = make({ backend: 'vllm', baseUrl: vllm.url, seed: 3 });
    const ctx = { vars: { mode: 'joint' }, getCache: () => cache };
    const before = vllm.requests.length;
    const saved = process.env.PROMPTFOO_CACHE_ENABLED;
    process.env.PROMPTFOO_CACHE_ENABLED = 'false';
    try {
      await p.callApi(joint, ctx);
      expect((await p.callApi(joint, ctx)).cached).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.PROMPTFOO_CACHE_ENABLED;
      else process.env.PROMPTFOO_CACHE_ENABLED = saved;
    }
    expect(vllm.requests.length).toBe(before + 2);
    expect(cache.map.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// A real `promptfoo eval`, run as users do, against a loopback peer in this process.

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const dist = join(pkgDir, 'dist', 'index.js');

async function run(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; out: string }> {
  const r = await runProcess(process.execPath, [promptfooEntrypoint, ...args], { cwd, env, timeoutMs: 120_000 });
  return { status: r.code, out: r.stdout + r.stderr };
}

describe('a real promptfoo eval, run twice: the second run is served from promptfoo’s cache', () => {
  let peer: Peer;
  let tmp: string;
  beforeAll(async () => {
    buildIfStale('@mmre/provider-qwen-local', dist, [join(here, 'provider.ts')]);
    peer = await startOpenAIPeer({ models: ['qwen-test'] });
    tmp = mkdtempSync(join(tmpdir(), 'mmre-local-cache-'));
  });
  afterAll(async () => {
    await peer?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('first run: N requests; second: 0 requests and every row cached; with --no-cache or evaluateOptions.cache: false, N again', async () => {
    const provider = [
      'providers:',
      `  - id: file://${dist}`,
      '    label: local',
      `    config: { backend: openai-compatible, baseUrl: '${peer.url}', model: qwen-test, maxRetries: 0 }`,
    ];
    const cfg = [
      'prompts:',
      `  - 'Text: {{name}} met Bob in Paris. Task 1 Answer:'`,
      ...provider,
      'tests:',
      '  - vars: { name: Alice, mode: summary }',
      '  - vars: { name: Carol, mode: summary }',
      '  - vars: { name: Dave, mode: summary }',
      // the same request again: with the cache on, answered from it within the run (-j 1 runs in order)
      '  - vars: { name: Alice, mode: summary }',
      '',
    ];
    writeFileSync(join(tmp, 'cfg.yaml'), cfg.join('\n'));
    // promptfoo reads `evaluateOptions.cache: false` from the default config file of the folder
    // (promptfooconfig.yaml, no -c): it then calls disableCache() before it builds its cache.
    mkdirSync(join(tmp, 'off'));
    writeFileSync(
      join(tmp, 'off', 'promptfooconfig.yaml'),
      [...cfg, 'evaluateOptions: { cache: false }', ''].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PROMPTFOO_CONFIG_DIR: join(tmp, 'config'),
      PROMPTFOO_CACHE_PATH: join(tmp, 'cache'),
      // vitest sets NODE_ENV=test, under which promptfoo keeps its cache in memory only
      PROMPTFOO_CACHE_TYPE: 'disk',
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      NO_COLOR: '1',
    };
    delete env.PROMPTFOO_CACHE_ENABLED;
    const evalOnce = async (name: string, extra: string[] = [], cwd = tmp) => {
      // chat requests (the readiness check adds one GET /models on the first miss of a run)
      const posts = () => peer.requests.filter((q) => q.method === 'POST').length;
      const before = posts();
      const out = join(tmp, `${name}.json`);
      const config = cwd === tmp ? ['-c', 'cfg.yaml'] : [];
      const r = await run(
        ['eval', ...config, '-o', out, '--no-progress-bar', '--no-table', '-j', '1', ...extra],
        cwd,
        env,
      );
      expect(existsSync(out), `promptfoo wrote no ${name}.json (exit ${r.status}):\n${r.out.slice(-3000)}`).toBe(true);
      const rows = JSON.parse(readFileSync(out, 'utf8')).results.results as {
        response?: { output?: string; cached?: boolean };
        error?: string;
      }[];
      expect(rows.map((x) => x.error ?? null)).toEqual([null, null, null, null]);
      return { requests: posts() - before, rows };
    };

    const cachedFlags = (rows: { response?: { cached?: boolean } }[]) => rows.map((x) => x.response?.cached ?? false);
    const first = await evalOnce('first');
    expect(first.requests).toBe(3);
    expect(cachedFlags(first.rows).sort()).toEqual([false, false, false, true]);

    const second = await evalOnce('second');
    expect(second.requests).toBe(0);
    expect(cachedFlags(second.rows)).toEqual([true, true, true, true]);
    expect(second.rows.map((x) => x.response?.output).sort()).toEqual(first.rows.map((x) => x.response?.output).sort());

    // cache off: every call reaches the server, the repeated one too (promptfoo's cache then is an
    // empty in-memory one: without the off-detection the 4th call would be served from it)
    const noCache = await evalOnce('no-cache', ['--no-cache']);
    expect(noCache.requests).toBe(4);
    expect(cachedFlags(noCache.rows)).toEqual([false, false, false, false]);
    const offByConfig = await evalOnce('off', [], join(tmp, 'off'));
    expect(offByConfig.requests).toBe(4);
    expect(cachedFlags(offByConfig.rows)).toEqual([false, false, false, false]);
  }, 180_000);
});
