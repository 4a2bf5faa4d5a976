import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Peer } from '@mmre/provider-testkit';
import { startDashScopePeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { buildIfStale, filesUnder, runProcess } from '@mmre-test/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs a real `promptfoo eval` (the CLI, in a temp dir, with its config dir and cache inside it)
 * with API keys in the environment, through the BUILT provider loaded with file://, including
 * failing requests, then searches every file promptfoo wrote and its stdout/stderr for the keys.
 */
const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repoRoot = resolve(pkgDir, '../..');
const dist = join(pkgDir, 'dist', 'index.js');
const promptfooBin = join(repoRoot, 'node_modules', '.bin', 'promptfoo');

const KEY = 'sk-secret-test-6d1f0c9b8a7e4d3c2b1a';
const OTHER_KEY = 'sk-other-secret-0a9b8c7d6e5f4a3b';
const MARKER = 'VisibleMarker4242';

describe('secrets: a real promptfoo eval never writes the API key anywhere', () => {
  let peer: Peer;
  let strict: Peer;
  let tmp: string;

  beforeAll(async () => {
    buildIfStale('@mmre/provider-qwen-hosted', dist, [join(here, 'provider.ts')]);
    peer = await startDashScopePeer({ apiKey: KEY });
    strict = await startOpenAIPeer({ apiKey: 'the-only-accepted-key-000' }); // echoes a wrong key in its 401
    tmp = mkdtempSync(join(tmpdir(), 'mmre-secrets-'));
  });
  afterAll(async () => {
    await peer.close();
    await strict.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the eval, reports the failing requests, and no file or stream contains a key', async () => {
    const provider = `file://${dist}`;
    const cfg = [
      'description: secrets check',
      'prompts:',
      `  - 'Text: {{name}} met Bob in Paris'`,
      'providers:',
      `  - id: ${provider}`,
      '    label: dashscope-ok',
      `    config: { backend: dashscope, baseUrl: '${peer.url}', model: qwen-vl-max, maxRetries: 1 }`,
      `  - id: ${provider}`,
      '    label: dashscope-unknown-model',
      `    config: { backend: dashscope, baseUrl: '${peer.url}', model: qwen-vl-unknown, maxRetries: 1 }`,
      `  - id: ${provider}`,
      '    label: gateway-wrong-key',
      `    config: { backend: openai-compatible, baseUrl: '${strict.url}', model: m, apiKeyEnv: MMRE_OTHER_KEY, maxRetries: 0 }`,
      'tests:',
      `  - vars: { name: ${MARKER} }`,
      `  - vars: { name: Alice }`,
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'cfg.yaml'), cfg);
    // async spawn: the loopback peers live in this process and must keep answering
    const r = await runProcess(
      promptfooBin,
      ['eval', '-c', 'cfg.yaml', '-o', 'out.json', '--no-progress-bar', '--verbose'],
      {
        cwd: tmp,
        env: {
          ...process.env,
          DASHSCOPE_API_KEY: KEY,
          MMRE_OTHER_KEY: OTHER_KEY,
          PROMPTFOO_CONFIG_DIR: join(tmp, 'config'),
          PROMPTFOO_CACHE_PATH: join(tmp, 'cache'),
          PROMPTFOO_CACHE_ENABLED: 'true',
          PROMPTFOO_DISABLE_TELEMETRY: '1',
          PROMPTFOO_DISABLE_UPDATE: '1',
          PROMPTFOO_LOG_DIR: join(tmp, 'logs'),
          NO_COLOR: '1',
        },
        timeoutMs: 120_000,
      },
    );
    const streams = `${r.stdout}\n${r.stderr}`;
    expect(existsSync(join(tmp, 'out.json')), `promptfoo did not write out.json:\n${streams.slice(-3000)}`).toBe(true);

    const out = JSON.parse(readFileSync(join(tmp, 'out.json'), 'utf8'));
    const results = out.results.results as {
      provider: { label?: string };
      response?: { output?: string; error?: string };
      error?: string;
    }[];
    expect(results).toHaveLength(6);
    const by = (label: string) => results.filter((x) => x.provider.label === label);
    for (const x of by('dashscope-ok')) expect(x.response?.output).toContain('Task 1 Answer:');
    for (const x of by('dashscope-unknown-model'))
      expect(x.response?.error ?? x.error).toMatch(/HTTP 404 .*qwen-vl-unknown/);
    for (const x of by('gateway-wrong-key'))
      expect(x.response?.error ?? x.error).toMatch(/Incorrect API key provided: \[REDACTED\]/);
    // the peers really received the keys (so there was something to leak)
    expect(peer.requests.some((q) => q.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(strict.requests.some((q) => q.authorization === `Bearer ${OTHER_KEY}`)).toBe(true);

    const files = filesUnder(tmp);
    expect(files.some((f) => f.includes(join(tmp, 'config')))).toBe(true); // promptfoo wrote its DB/logs there
    let markerSeen = 0;
    for (const f of files) {
      const bytes = readFileSync(f);
      if (bytes.includes(MARKER)) markerSeen++;
      for (const k of [KEY, OTHER_KEY]) expect(bytes.includes(k), `${k.slice(0, 9)}… found in ${f}`).toBe(false);
    }
    // positive control: the search does see what promptfoo stored (out.json and its database at least)
    expect(markerSeen).toBeGreaterThanOrEqual(2);
    for (const k of [KEY, OTHER_KEY])
      expect(streams.includes(k), 'a key appears in promptfoo stdout/stderr').toBe(false);
  }, 150_000);
});
