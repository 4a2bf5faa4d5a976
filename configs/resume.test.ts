// promptfoo 0.123's `eval --retry-errors` and `eval --resume` do not call the prompt functions again: they send
// each prompt's stored text (main.js: `resumeEval.prompts.map((p) => ({ raw: p.raw, label: p.label, config:
// p.config }))`). Before, the PFA prompts' stored text was their source code, so a retry sent source code to the
// model, without the images, and stored the answers in the eval beside the real ones. Now the stored text is the
// function's name (pfaPromptText of @mmre/core), the M-MRE extension stops such a run before its first row with
// the fix, and a plain rerun of the same command sends only the rows that errored (the rest come from the cache).
// An interrupted run (kill -9) is finished the same way: every answer received is in the response log.
// Real `promptfoo eval` runs of the compare config (absolute paths, so promptfoo's resume can load it from the
// run's folder) against vLLM-style peers.
import { spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pfaPromptText } from '@mmre/core';
import { type Peer, startOpenAIPeer } from '@mmre/provider-testkit';
import { promptfooEntrypoint, promptfooEnv, promptfooEval } from '@mmre-test/promptfoo';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const built = ['assertions', 'dataset', 'pfa', 'provider-qwen-local'].every((p) =>
  existsSync(join(repoRoot, 'packages', p, 'dist', 'index.js')),
);
if (!built) console.warn('the resume eval test needs the built packages (pnpm build); skipping');

const lib = join(repoRoot, 'configs', 'lib');
const SAMPLES = 3;
const ROWS = SAMPLES * 3;
const FAILED = 2;

let tmp: string;
const peers: Peer[] = [];
const chats = (peer: Peer) =>
  peer.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/chat/completions')).length;

function config(url: string): string {
  return [
    'description: resume guard',
    'prompts:',
    ...['joint', 'summary', 'mner'].map((m) => `  - { id: "file://${lib}/pfa.mjs:${m}", label: ${m} }`),
    'providers:',
    '  - id: package:@mmre/provider-qwen-local:QwenLocalProvider',
    '    label: qwen',
    `    config: { backend: vllm, baseUrl: "${url}", model: Qwen/Qwen2.5-VL-7B-Instruct, maxRetries: 0 }`,
    'tests:',
    `  - { path: "file://${lib}/tests.mjs:generateTests", config: {} }`,
    'defaultTest:',
    '  assert: [{ type: javascript, value: "package:@mmre/assertions:mmre", config: { namedScores: false } }]',
    `extensions: ["file://${lib}/extension.mjs:mmre"]`,
    'env: { PROMPTFOO_DISABLE_JSON_AUTOESCAPE: "true" }',
    '',
  ].join('\n');
}

// vitest sets NODE_ENV=test, under which promptfoo keeps its cache in memory only
const ENV = {
  MMRE_SPLIT: '',
  MMRE_DATASET: '',
  MMRE_IMAGES: '',
  MMRE_LIMIT: String(SAMPLES),
  // the readiness check's requests would take the peer's first failures; these tests are about the rows
  MMRE_CHECK_READY: '0',
  PROMPTFOO_CACHE_TYPE: 'disk',
};
const run = (dir: string, args: string[], configs?: string[]) =>
  promptfooEval({ dir, configs, cache: true, args: ['-j', '2', ...args], env: ENV, okCodes: 'any' });

/** A run folder with the config for `peer`; `package:` resolves from it, as in a project with the packages installed. */
async function project(name: string, peer: Peer): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await writeFile(join(dir, 'promptfooconfig.yaml'), config(peer.url));
  return dir;
}
async function startPeer(latencyMs = 0): Promise<Peer> {
  const peer = await startOpenAIPeer({ models: ['Qwen/Qwen2.5-VL-7B-Instruct'], summaryChars: 80, latencyMs });
  peers.push(peer);
  return peer;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mmre-resume-'));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!built)('finishing a run with errored rows or one that was killed', () => {
  it('--retry-errors and --resume stop before their first row with the fix; the same command again sends only the errored rows', async () => {
    const peer = await startPeer();
    const dir = await project('retry', peer);
    peer.failNext('500', FAILED);
    const first = await run(dir, ['-j', '1'], ['promptfooconfig.yaml']);
    const rows = first.output.results.results as { failureReason: number; prompt: { raw: string } }[];
    expect(rows).toHaveLength(ROWS);
    expect(rows.filter((r) => r.failureReason === 2)).toHaveLength(FAILED);
    // what promptfoo stores, and would replay, as each prompt's text: its name, not its source code
    for (const p of first.output.results.prompts) expect(p.raw).toBe(pfaPromptText(p.label));
    const sent = chats(peer);
    expect(sent).toBe(ROWS);

    for (const flag of ['--retry-errors', '--resume']) {
      const r = await run(dir, [flag], []);
      const text = `${r.stdout}\n${r.stderr}`;
      expect(r.code, text).toBe(1);
      expect(text).toMatch(
        /M-MRE: the PFA prompts "joint", "summary", "mner" would be sent as their stored name instead of a prompt, so the run stops before its first row/,
      );
      expect(text).toMatch(/run the same `promptfoo eval` command again, without --resume or --retry-errors/);
      expect(text).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m); // one message, no stack trace
      expect(chats(peer), `${flag} sent nothing`).toBe(sent);
    }

    // the fix: the same command again; the answered rows come from the cache, the errored ones are sent
    const again = await run(dir, [], ['promptfooconfig.yaml']);
    const rerun = again.output.results.results as { failureReason: number; success: boolean }[];
    expect(rerun).toHaveLength(ROWS);
    expect(rerun.filter((r) => r.failureReason === 2)).toHaveLength(0);
    expect(chats(peer)).toBe(sent + FAILED);
  }, 240_000);

  it('an interrupted run (kill -9 mid-run): the same command again sends only the rows not answered before', async () => {
    const peer = await startPeer(300);
    const dir = await project('killed', peer);
    const child = spawn(
      process.execPath,
      [promptfooEntrypoint, 'eval', '-c', 'promptfooconfig.yaml', '-o', 'out.json', '-j', '1', '--no-progress-bar'],
      { cwd: dir, env: promptfooEnv(dir, ENV), stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // kill it while the fourth request is with the model
    const deadline = Date.now() + 120_000;
    while (chats(peer) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const sent = chats(peer);
    expect(sent).toBeGreaterThanOrEqual(4);
    expect(sent).toBeLessThan(ROWS);
    expect(existsSync(join(dir, 'out.json')), 'the killed run wrote no result').toBe(false);
    // every answer received before the kill is in the response log, one JSON line each
    const log = await readFile(join(dir, '.cache', 'mmre-responses.jsonl'), 'utf8');
    const logged = log.split('\n').filter((l) => {
      try {
        return typeof JSON.parse(l).k === 'string';
      } catch {
        return false;
      }
    }).length;
    expect(logged).toBeGreaterThanOrEqual(sent - 1);
    expect(logged).toBeLessThanOrEqual(sent);

    const again = await run(dir, [], ['promptfooconfig.yaml']);
    const rows = again.output.results.results as { failureReason: number }[];
    expect(rows).toHaveLength(ROWS);
    expect(rows.filter((r) => r.failureReason === 2)).toHaveLength(0);
    expect(chats(peer) - sent, 'requests of the rerun').toBe(ROWS - logged);
  }, 240_000);
});
