// A wrong URL, a wrong model or a refused key fails the whole run with ONE message (project issue 11): a real
// `promptfoo eval` of configs/mmre-compare.yaml, whose M-MRE extension checks in `beforeAll` every provider of
// ours in the suite, in parallel, before the first row. Each run here must end with exit code 1 and one message
// naming each failing provider, its URL and the fix; no chat request reaches a peer and no result file is
// written (promptfoo has already made an empty eval record in its database: that is all it keeps). A server that
// is still loading is waited for, and the run then goes on. With MMRE_CHECK_READY=0 (no check before the first
// row, as without the extension) the rows fail as before: each at once, with the same message, none sent.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Peer, startDashScopePeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { promptfooEval } from '@mmre-test/promptfoo';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const built = ['assertions', 'dataset', 'pfa', 'provider-qwen-local', 'provider-qwen-hosted'].every((p) =>
  existsSync(join(repoRoot, 'packages', p, 'dist', 'index.js')),
);
if (!built) console.warn('the readiness eval tests need the built packages (pnpm build); skipping');

const COMPARE = join(repoRoot, 'configs', 'mmre-compare.yaml');
const preset = (name: string) => join(repoRoot, 'configs', 'providers', `${name}.yaml`);
const KEY = 'sk-ready-test-0123456789abcdef';
const WRONG_KEY = 'sk-wrong-key-fedcba9876543210';

let tmp: string;
const peers: Peer[] = [];
async function peer(p: Promise<Peer>): Promise<Peer> {
  const started = await p;
  peers.push(started);
  return started;
}
const posts = (...ps: Peer[]) => ps.reduce((n, p) => n + p.requests.filter((q) => q.method === 'POST').length, 0);
/** A port nothing listens on: a peer started and closed. */
async function deadUrl(): Promise<string> {
  const gone = await startOpenAIPeer();
  await gone.close();
  return gone.url;
}

const ENV = { MMRE_SPLIT: '', MMRE_DATASET: '', MMRE_IMAGES: '', MMRE_MIN_PIXELS: '', MMRE_MAX_PIXELS: '' };

async function evalRun(name: string, configs: string[], env: Record<string, string>) {
  const r = await promptfooEval({ dir: join(tmp, name), configs, env: { ...ENV, ...env }, okCodes: 'any' });
  // (the helper appends node's "Command failed: …" error, which repeats stderr, to a run that exited 1)
  const stderr = r.stderr.split('\nCommand failed: ')[0] ?? '';
  return { code: r.code, text: `${r.stdout}\n${stderr}`, output: r.output };
}

/** The run ended before its first row, with one message. */
function expectStoppedOnce(run: { code: number; text: string; output: unknown }): void {
  expect(run.code, run.text).toBe(1);
  expect(run.text.match(/M-MRE: .*not ready/g) ?? [], run.text).toHaveLength(1);
  expect(run.text).toMatch(/the run stops before its first row/);
  expect(run.text).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m); // no stack trace
  expect(run.text).not.toMatch(/Extension hook|Error in transform|Provider call failed|not-ready:/);
  expect(run.output, 'no result file').toBeNull();
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mmre-ready-'));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!built)('a wrong URL, model or key fails the whole run once, before any row', () => {
  it('wrong model (the vLLM preset, MMRE_MODEL): one message listing the served names; no chat request', async () => {
    const vllm = await peer(startOpenAIPeer({ models: ['mmre-joint'] }));
    const run = await evalRun('model', [COMPARE, preset('vllm')], {
      VLLM_BASE_URL: vllm.url,
      MMRE_MODEL: 'Qwen/Qwen2.5-VL-7B-Instruct',
    });
    expectStoppedOnce(run);
    expect(run.text).toMatch(
      /the provider is not ready.*\n {2}- qwen2\.5-vl-vllm: model "Qwen\/Qwen2\.5-VL-7B-Instruct" is not served by http:\/\/127\.0\.0\.1:\d+\/v1; it serves "mmre-joint"\. Set MMRE_MODEL .*--served-model-name/,
    );
    expect(posts(vllm)).toBe(0);
  }, 120_000);

  it('refused key (the DashScope preset): one message naming the variable, never the key; no chat request', async () => {
    const ds = await peer(startDashScopePeer({ apiKey: KEY }));
    const run = await evalRun('key', [COMPARE, preset('dashscope')], {
      DASHSCOPE_BASE_URL: ds.url,
      DASHSCOPE_API_KEY: WRONG_KEY,
    });
    expectStoppedOnce(run);
    expect(run.text).toMatch(
      /- qwen2\.5-vl-dashscope: http:\/\/127\.0\.0\.1:\d+\/compatible-mode\/v1 refused the key \(HTTP 401: .*\): check the key in DASHSCOPE_API_KEY/,
    );
    expect(run.text).not.toContain(WRONG_KEY);
    expect(run.text).not.toContain(KEY);
    expect(posts(ds)).toBe(0);
  }, 120_000);

  it('a sweep: every failing model is named in one message (checked in parallel); the good server gets no row', async () => {
    const good = await peer(startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-3B-Instruct'] }));
    const other = await peer(startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-3B-Instruct'] }));
    const ds = await peer(startDashScopePeer({ apiKey: KEY }));
    const dead = await deadUrl();
    const sweep = join(tmp, 'sweep.yaml');
    const entry = (label: string, url: string, model: string) =>
      [
        '  - id: package:@mmre/provider-qwen-local:QwenLocalProvider',
        `    label: ${label}`,
        `    config: { backend: vllm, baseUrl: "${url}", model: ${model}, readyTimeoutMs: 3000 }`,
      ].join('\n');
    await writeFile(
      sweep,
      [
        'prompts: []',
        'providers:',
        entry('qwen2.5-vl-3b', good.url, 'Qwen/Qwen2.5-VL-3B-Instruct'),
        entry('qwen2.5-vl-7b', other.url, 'Qwen/Qwen2.5-VL-7B-Instruct'),
        entry('qwen2.5-vl-72b', dead, 'Qwen/Qwen2.5-VL-72B-Instruct'),
        '  - id: package:@mmre/provider-qwen-hosted:QwenHostedProvider',
        '    label: qwen-vl-max-dashscope',
        `    config: { backend: dashscope, baseUrl: "${ds.url}", model: qwen-vl-max, apiKeyEnv: DASHSCOPE_API_KEY }`,
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const run = await evalRun('sweep', [COMPARE, sweep], { DASHSCOPE_API_KEY: WRONG_KEY });
    expectStoppedOnce(run);
    expect(run.text).toMatch(/3 of 4 providers are not ready/);
    expect(run.text).toMatch(/- qwen2\.5-vl-7b: model "Qwen\/Qwen2\.5-VL-7B-Instruct" is not served by/);
    expect(run.text).toMatch(/- qwen2\.5-vl-72b: no server answers at http:\/\/127\.0\.0\.1:\d+\/v1 after waiting 3 s/);
    expect(run.text).toMatch(/- qwen-vl-max-dashscope: .* refused the key \(HTTP 401/);
    expect(run.text).not.toMatch(/- qwen2\.5-vl-3b:/);
    expect(run.text).not.toContain(WRONG_KEY);
    expect(posts(good, other, ds)).toBe(0);
    // the checks ran side by side: the dead server's 3 s wait is not added to the others'
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('a server that is still loading (llama.cpp 503 Loading model) is waited for, and the run goes on', async () => {
    // (promptfoo takes a few seconds to start: the peer still loads when the check begins)
    const llama = await peer(startOpenAIPeer({ backend: 'llamacpp', loadingMs: 8_000 }));
    const run = await evalRun('loading', [COMPARE, preset('llamacpp')], {
      LLAMACPP_BASE_URL: llama.url,
      MMRE_LIMIT: '1',
    });
    expect(run.code, run.text).toBe(0);
    expect(run.text).toMatch(/does not answer yet \(HTTP 503: Loading model\); waiting up to 120 s/);
    expect(run.text).not.toMatch(/M-MRE: .*not ready/);
    expect(llama.requests.some((q) => q.path === '/health' && q.status === 503)).toBe(true);
    expect(posts(llama)).toBe(3);
    expect(run.output?.results?.results).toHaveLength(3);
  }, 120_000);

  it('MMRE_CHECK_READY=0 (as without the extension): every row fails at once with the message, none is sent', async () => {
    const ds = await peer(startDashScopePeer({ apiKey: KEY }));
    const run = await evalRun('unchecked', [COMPARE, preset('dashscope')], {
      DASHSCOPE_BASE_URL: ds.url,
      DASHSCOPE_API_KEY: WRONG_KEY,
      MMRE_CHECK_READY: '0',
    });
    expect(run.code, run.text).toBe(100); // promptfoo's "some test failed"
    expect(run.text).not.toMatch(/M-MRE: .*not ready/);
    expect(run.text.match(/QwenHostedProvider: not ready, no request will be sent/g) ?? []).toHaveLength(1);
    const rows = run.output?.results?.results ?? [];
    expect(rows).toHaveLength(66); // 22 samples × 3 modes, each an error row
    for (const r of rows)
      expect(r.response?.error ?? r.error).toMatch(/QwenHostedProvider: not-ready: .*refused the key/);
    expect(run.text).not.toContain(WRONG_KEY);
    expect(posts(ds)).toBe(0);
  }, 120_000);
});
