// The root README's commands, run as a user would type them. Each runs in a scratch "checkout" (a temporary
// folder with `configs/` and `node_modules/` linked to this repository), so relative paths such as
// `out/compare.json` or `$PWD/preds.jsonl` mean what they say. `pnpm exec promptfoo …` runs promptfoo's CLI
// (with --no-cache, -j 4, its config dir inside the scratch folder), `pnpm exec mmre …` the built `mmre` bin.
// GPU servers and hosted APIs are replaced by the loopback peers of @mmre/provider-testkit, reached through the
// base-URL variables the presets read. The guard at the end extracts every command from the README (```sh blocks
// with `\` continuations joined, plus inline `mmre …` / `pnpm exec …` spans) and fails when one is neither run
// here nor listed in COVERAGE with the reason, so the README and the tests cannot drift apart.
// promptfoo loads the built packages (dist/): run `pnpm build` first (`pnpm test` does).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAnswer, type Mode, type Sample } from '@mmre/core';
import { type Peer, startDashScopePeer, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { promptfooEval, requireDist } from '@mmre-test/promptfoo';
import { repoRoot, sharedPath } from '@mmre-test/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const README = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const MMRE_BIN = join(repoRoot, 'packages', 'cli', 'bin', 'mmre.js');
const CHANGESET_BIN = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
const SAMPLE = join(repoRoot, 'datasets', 'mmre-sample');
const BUILT = [
  'assertions',
  'cli',
  'dataset',
  'pfa',
  'provider-offline',
  'provider-qwen-local',
  'provider-qwen-hosted',
  'report',
].every((p) => existsSync(join(repoRoot, 'packages', p, 'dist', 'index.js')));
if (!BUILT) console.warn('README command tests need the built packages (pnpm build); skipping them');

// ---------------------------------------------------------------------------------------------------------
// The README's commands (exact text) and how each is covered.

const CMD = {
  demo: 'pnpm install && pnpm demo',
  test: 'pnpm test',
  vllmServe: `vllm serve Qwen/Qwen2.5-VL-7B-Instruct --port 8000 --limit-mm-per-prompt '{"image":8}'`,
  vllmEval: 'pnpm exec promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/vllm.yaml -o out/compare.json',
  report: 'pnpm exec mmre report out/compare.json --html out/report.html',
  dashscope:
    'DASHSCOPE_API_KEY=... pnpm exec promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/dashscope.yaml -o out/compare.json',
  openrouter:
    'OPENROUTER_API_KEY=... pnpm exec promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/openrouter.yaml -o out/compare.json',
  replay:
    'MMRE_PREDICTIONS=$PWD/preds.jsonl pnpm exec promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/replay.yaml -o out/replay.json',
  replayReport: 'pnpm exec mmre report out/replay.json',
  convert:
    'pnpm exec mmre dataset convert --from gmner --root gmner/ --images gmner/images --summaries summaries.jsonl --min-segments 1 --max-segments 5 --out datasets/mmre-gmner',
  split: 'pnpm exec mmre dataset split datasets/mmre-gmner --ratio 7:3 --seed 42',
  validate: 'pnpm exec mmre dataset validate datasets/mmre-gmner',
  llava: 'mmre dataset convert --from mmre-llava --input data.json --images DIR --out OUT',
  paperEval:
    'MMRE_DATASET=$PWD/datasets/mmre-gmner MMRE_MIN_PIXELS=3136 MMRE_MAX_PIXELS=802816 pnpm exec promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/vllm.yaml -o out/paper.json',
  paperReport: 'pnpm exec mmre report out/paper.json --html out/paper.html --bootstrap 10000 --seed 1',
  merge: 'mmre report shard-*.json',
  sweep:
    'DASHSCOPE_API_KEY=... pnpm exec promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/sweep.yaml -o out/sweep.json',
  sweepReport: 'pnpm exec mmre report out/sweep.json --html out/sweep.html',
  sweepMerge: 'mmre report sweep-*.json',
  changesetAdd: 'pnpm changeset',
  changesetVersion: 'pnpm changeset version',
  changesetPublish: 'pnpm build && pnpm changeset publish',
} as const;

const RUN_HERE = 'run by this file';
/** Every README command, exact text → how it is covered. */
const COVERAGE = new Map<string, string>([
  [
    CMD.demo,
    `${RUN_HERE} (pnpm demo = the build, which this file requires, then scripts/demo.mjs); pnpm install: covered by .ci/run`,
  ],
  [CMD.test, 'covered by .ci/run (it runs exactly `pnpm test`)'],
  [CMD.vllmServe, 'needs a GPU server: covered by running the same eval against a loopback peer (VLLM_BASE_URL)'],
  [CMD.vllmEval, `${RUN_HERE}, against a loopback OpenAI peer, and with each local preset`],
  [CMD.report, RUN_HERE],
  [CMD.dashscope, `${RUN_HERE}, against a loopback DashScope peer (DASHSCOPE_BASE_URL)`],
  [CMD.openrouter, `${RUN_HERE}, against a loopback OpenAI peer with a key (OPENROUTER_BASE_URL)`],
  [CMD.replay, RUN_HERE],
  [CMD.replayReport, RUN_HERE],
  [CMD.convert, `${RUN_HERE}, on a slice of the real GMNER annotations with placeholder images made with sharp`],
  [CMD.split, RUN_HERE],
  [CMD.validate, RUN_HERE],
  [CMD.llava, `${RUN_HERE}, on the sample dataset exported to LLaVA JSON`],
  [CMD.paperEval, `${RUN_HERE}, against a loopback OpenAI peer (VLLM_BASE_URL)`],
  [CMD.paperReport, RUN_HERE],
  [CMD.merge, `${RUN_HERE}: shards made with --filter-range and with --filter-prompts, merged`],
  [CMD.sweep, `${RUN_HERE}, against three loopback vLLM peers (VLLM_3B_URL, …) and a DashScope peer`],
  [CMD.sweepReport, RUN_HERE],
  [CMD.sweepMerge, 'the same merge of shards as `mmre report shard-*.json` (run here), of several models'],
  [
    CMD.changesetAdd,
    'interactive, writes .changeset/*.md: not run; `changeset status` here parses every changeset file and the config',
  ],
  [
    CMD.changesetVersion,
    'rewrites package versions and CHANGELOGs: never run in tests; what it releases is covered by tests/pack.test.ts and tests/pack-install.test.ts',
  ],
  [
    CMD.changesetPublish,
    'publishes to the npm registry: never run in tests; the packed tarballs are covered by tests/pack.test.ts and tests/pack-install.test.ts',
  ],
]);

/**
 * Commands shown in a markdown text: every line of ```sh blocks (comments dropped, `\` continuations joined) and
 * inline code spans that run `mmre` or `pnpm exec` with arguments.
 */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  const prose: string[] = [];
  let fence: string | null = null;
  let pending = '';
  for (const line of markdown.split('\n')) {
    const f = line.match(/^\s*```(\w*)/);
    if (f) {
      fence = fence === null ? (f[1] ?? '') : null;
      continue;
    }
    if (fence === null) {
      prose.push(line);
      continue;
    }
    if (fence !== 'sh' && fence !== 'bash' && fence !== 'shell') continue;
    const text = line.replace(/(^|\s)#\s.*$/, '').trim();
    if (!text && !pending) continue;
    if (text.endsWith('\\')) {
      pending += `${text.slice(0, -1).trim()} `;
      continue;
    }
    commands.push((pending + text).trim());
    pending = '';
  }
  for (const m of prose.join('\n').matchAll(/`([^`\n]+)`/g)) {
    const span = (m[1] as string).trim();
    if (/^(?:pnpm exec |npx )?mmre \S+ \S/.test(span) || /^pnpm exec \S+ \S/.test(span)) commands.push(span);
  }
  return [...new Set(commands)];
}

// ---------------------------------------------------------------------------------------------------------
// Running a README command in a scratch checkout.

const executed = new Set<string>();
const skippedSections = new Set<string>();
let tmp: string;
let runs = 0;

/** A scratch checkout: `configs/` and `node_modules/` linked to this repository. */
async function checkout(name: string): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  await symlink(join(repoRoot, 'configs'), join(dir, 'configs'));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function tokenize(cmd: string): string[] {
  return [...cmd.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

interface RunOptions {
  cwd: string;
  /** Values for the README's placeholders: env values written `...` and whole-word tokens (DIR, OUT). */
  fill?: Record<string, string>;
  /** Environment added to what the command sets (peers' URLs, MMRE_LIMIT). */
  env?: Record<string, string>;
  /** Arguments appended (promptfoo filters). */
  args?: string[];
  /** Text replaced in the command before it runs (derived commands: another preset, another output). */
  replace?: [string, string][];
  okCodes?: number[];
}

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: promptfoo's output JSON
  output?: any;
}

/** Runs one README command (or a variant of it, with `replace`) the way a shell in `cwd` would. */
async function runReadme(command: string, o: RunOptions): Promise<CommandResult> {
  if (!COVERAGE.get(command)?.startsWith(RUN_HERE)) throw new Error(`not a README command run here: ${command}`);
  executed.add(command);
  let text: string = command;
  for (const [from, to] of o.replace ?? []) {
    if (!text.includes(from)) throw new Error(`"${from}" is not in: ${text}`);
    text = text.replace(from, to);
  }
  const fill = o.fill ?? {};
  const tokens = tokenize(text.replaceAll('$PWD', o.cwd));
  const env: Record<string, string> = {};
  while (tokens[0] && /^[A-Z_][A-Z0-9_]*=/.test(tokens[0])) {
    const t = tokens.shift() as string;
    const [name, value] = [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)];
    const filled = value === '...' ? fill[name] : value;
    if (filled === undefined) throw new Error(`${command}: give a value for ${name}`);
    env[name] = filled;
  }
  if (tokens[0] === 'pnpm' && tokens[1] === 'exec') tokens.splice(0, 2);
  if (tokens[0] === 'npx') tokens.splice(0, 1);
  const [program, ...rest] = tokens;
  const args = rest.flatMap((t) => {
    if (Object.hasOwn(fill, t)) return [fill[t] as string];
    if (!t.includes('*')) return [t];
    const re = new RegExp(`^${t.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
    const hits = readdirSync(o.cwd)
      .filter((f) => re.test(f))
      .sort();
    if (!hits.length) throw new Error(`${command}: ${t} matches no file in ${o.cwd}`);
    return hits;
  });
  const allEnv = { ...env, ...o.env };
  if (program === 'promptfoo') {
    expect(args[0]).toBe('eval');
    const configs: string[] = [];
    const more: string[] = [];
    let out: string | undefined;
    for (let i = 1; i < args.length; i++) {
      if (args[i] === '-c') configs.push(args[++i] as string);
      else if (args[i] === '-o') out = args[++i];
      else more.push(args[i] as string);
    }
    // Own promptfoo database per run, so runs in one checkout can overlap.
    const r = await promptfooEval({
      dir: o.cwd,
      configs,
      out,
      args: [...more, '-j', '4', ...(o.args ?? [])],
      env: { PROMPTFOO_CONFIG_DIR: join(o.cwd, `.promptfoo-${++runs}`), ...allEnv },
      timeoutMs: 150_000,
    });
    return r;
  }
  if (program !== 'mmre') throw new Error(`${command}: cannot run ${program}`);
  return node(MMRE_BIN, [...args, ...(o.args ?? [])], o.cwd, allEnv, o.okCodes ?? [0]);
}

function node(
  script: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  okCodes: number[] = [0],
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 1 << 26, timeout: 150_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        if (!okCodes.includes(code))
          reject(new Error(`node ${script} ${args.join(' ')} exited ${code} in ${cwd}\n${stderr}\n${stdout}`));
        else resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

interface Row {
  vars: { id: string };
  prompt: { label: string };
  provider: { id: string; label?: string };
  response?: { output?: string; cached?: boolean };
  error?: string;
}
const rowsOf = (output: { results: { results: Row[] } }): Row[] => output.results.results;

/** The markdown table row of a mode in `mmre report` output: its cells after the mode name. */
function tableRow(markdown: string, mode: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${mode} |`));
  if (!line) throw new Error(`no "${mode}" row in:\n${markdown}`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

/** The report's markdown without the lines naming its input files (paths, eval ids). */
const numbersOnly = (markdown: string) =>
  markdown
    .split('\n')
    .filter((l) => !/^- .*\.json/.test(l))
    .join('\n');

async function testSplit(): Promise<Sample[]> {
  return (await readFile(join(SAMPLE, 'samples.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Sample)
    .filter((s) => s.split === 'test');
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mmre-readme-'));
  if (BUILT) {
    requireDist(join(repoRoot, 'packages', 'cli', 'dist', 'bin.js'), '@mmre/cli');
    requireDist(join(repoRoot, 'packages', 'provider-qwen-local', 'dist', 'index.js'), '@mmre/provider-qwen-local');
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const LIMIT = '2';

// ---------------------------------------------------------------------------------------------------------

describe.skipIf(!BUILT)('README: the two commands', () => {
  it('pnpm demo: prints the table and the HTML path; the second run is served from promptfoo’s cache', async () => {
    const out = join(tmp, 'demo');
    executed.add(CMD.demo);
    const env = { MMRE_DEMO_OUT: out, MMRE_BOOTSTRAP: '200' };
    const rows = (await testSplit()).length * 3;
    const first = await node(join(repoRoot, 'scripts', 'demo.mjs'), [], repoRoot, env);
    const second = await node(join(repoRoot, 'scripts', 'demo.mjs'), [], repoRoot, env);
    for (const r of [first, second]) {
      expect(r.stdout).toMatch(
        /^\| Mode \| ROUGE-1 \| ROUGE-2 \| ROUGE-L \| BLEU \| NER F1 \| Image–Entity Accuracy \|$/m,
      );
      for (const mode of ['Single TS', 'Single MNER', 'M-MRE (joint)'])
        expect(tableRow(r.stdout, mode)).toHaveLength(6);
      expect(r.stdout).toContain(`HTML report: ${join(out, 'report.html')}`);
      expect(r.stdout).toContain(`promptfoo eval: ${rows} rows (0 errors)`);
    }
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(first.stdout).toContain(`promptfoo cache: 0 of ${rows} answers from the cache`);
    expect(second.stdout).toContain(`promptfoo cache: all ${rows} of ${rows} answers came from promptfoo's cache`);
    // the same numbers from the cache
    for (const mode of ['Single TS', 'Single MNER', 'M-MRE (joint)'])
      expect(tableRow(second.stdout, mode)).toEqual(tableRow(first.stdout, mode));
  }, 150_000);
});

// ---------------------------------------------------------------------------------------------------------

/** Local presets: the env var that points each at the peer, and the peer kind. */
const LOCAL = [
  { preset: 'vllm', urlVar: 'VLLM_BASE_URL', peer: 'openai' },
  { preset: 'sglang', urlVar: 'SGLANG_BASE_URL', peer: 'openai' },
  { preset: 'lmdeploy', urlVar: 'LMDEPLOY_BASE_URL', peer: 'openai' },
  { preset: 'llamacpp', urlVar: 'LLAMACPP_BASE_URL', peer: 'openai' },
  { preset: 'ollama', urlVar: 'OLLAMA_BASE_URL', peer: 'ollama' },
] as const;

/** Checks a compare run answered by `peers`: every row from the preset's provider, one peer answer per row. */
function expectServed(output: unknown, label: string | string[], peers: Peer[], chatPath: string) {
  const rows = rowsOf(output as { results: { results: Row[] } });
  expect(rows).toHaveLength(3 * Number(LIMIT));
  expect(rows.filter((r) => r.error)).toEqual([]);
  expect(new Set(rows.map((r) => r.prompt.label))).toEqual(new Set(['summary', 'mner', 'joint']));
  const labels = Array.isArray(label) ? label : [label];
  expect(new Set(rows.map((r) => r.provider.label))).toEqual(new Set(labels));
  const answered = peers.flatMap((p) => p.requests.filter((q) => q.path === chatPath && q.outcome === 'ok'));
  expect(answered).toHaveLength(rows.length);
  for (const r of rows) expect(r.response?.output).toMatch(/Answer:/);
}

async function expectReport(cwd: string, command: string = CMD.report, html = 'out/report.html') {
  const rep = await runReadme(command, { cwd });
  expect(rep.stdout).toContain(`${LIMIT} paired samples`);
  for (const mode of ['Single TS', 'Single MNER', 'M-MRE (joint)']) expect(tableRow(rep.stdout, mode)).toHaveLength(6);
  expect(existsSync(join(cwd, html))).toBe(true);
  return rep;
}

describe.skipIf(!BUILT)('README: evaluate on a local server (loopback peers stand in for the GPU servers)', () => {
  for (const { preset, urlVar, peer: kind } of LOCAL)
    it(`${preset}.yaml through ${urlVar}, then mmre report`, async () => {
      const cwd = await checkout(`local-${preset}`);
      const peer = kind === 'ollama' ? await startOllamaPeer() : await startOpenAIPeer();
      try {
        const r = await runReadme(CMD.vllmEval, {
          cwd,
          replace: [['providers/vllm.yaml', `providers/${preset}.yaml`]],
          env: { [urlVar]: peer.url, MMRE_LIMIT: LIMIT },
        });
        expectServed(
          r.output,
          `qwen2.5-vl-${preset}`,
          [peer],
          kind === 'ollama' ? '/api/chat' : '/v1/chat/completions',
        );
        if (preset === 'vllm') {
          // one resolution: the prompt's bounds (MMRE_MIN/MAX_PIXELS defaults) reach vLLM, and each row records them
          const body = peer.requests.find((q) => q.outcome === 'ok' && q.method === 'POST')?.body as Record<
            string,
            unknown
          >;
          expect(body.mm_processor_kwargs).toEqual({ min_pixels: 200_704, max_pixels: 1_003_520 });
          for (const row of rowsOf(r.output))
            expect(
              (row as { response?: { metadata?: { resolution?: unknown } } }).response?.metadata?.resolution,
            ).toEqual({
              minPixels: 200_704,
              maxPixels: 1_003_520,
              factor: 28,
              sentAs: 'mm_processor_kwargs',
            });
        }
        await expectReport(cwd);
      } finally {
        await peer.close();
      }
    }, 150_000);

  it('vllm-per-mode.yaml: each mode’s prompts go to its own server (VLLM_JOINT_URL, VLLM_SUMMARY_URL, VLLM_MNER_URL)', async () => {
    const cwd = await checkout('local-per-mode');
    const peers = { joint: await startOpenAIPeer(), summary: await startOpenAIPeer(), mner: await startOpenAIPeer() };
    try {
      const r = await runReadme(CMD.vllmEval, {
        cwd,
        replace: [['providers/vllm.yaml', 'providers/vllm-per-mode.yaml']],
        env: {
          VLLM_JOINT_URL: peers.joint.url,
          VLLM_SUMMARY_URL: peers.summary.url,
          VLLM_MNER_URL: peers.mner.url,
          MMRE_LIMIT: LIMIT,
        },
      });
      expectServed(r.output, ['joint-ckpt', 'summary-ckpt', 'mner-ckpt'], Object.values(peers), '/v1/chat/completions');
      for (const [mode, peer] of Object.entries(peers)) {
        // chat requests (the readiness check also GETs /health and /v1/models once per server)
        const models = peer.requests
          .filter((q) => q.method === 'POST')
          .map((q) => (q.body as { model?: string }).model);
        expect(models).toEqual(Array(Number(LIMIT)).fill(`mmre-${mode}`));
      }
      for (const row of rowsOf(r.output)) expect(row.provider.label).toBe(`${row.prompt.label}-ckpt`);
      await expectReport(cwd);
    } finally {
      await Promise.all(Object.values(peers).map((p) => p.close()));
    }
  }, 150_000);
});

describe.skipIf(!BUILT)(
  'README: compare several models (loopback peers for the three vLLM servers and DashScope)',
  () => {
    it('sweep.yaml: every model answers every sample in every mode; mmre report has a block per model and compares them', async () => {
      const cwd = await checkout('sweep');
      const key = 'sk-readme-sweep-key';
      const sizes = ['3B', '7B', '72B'] as const;
      // each peer serves only its model, as `vllm serve Qwen/Qwen2.5-VL-<size>-Instruct` does
      const vllm = await Promise.all(sizes.map((n) => startOpenAIPeer({ models: [`Qwen/Qwen2.5-VL-${n}-Instruct`] })));
      const hosted = await startDashScopePeer({ apiKey: key });
      try {
        const r = await runReadme(CMD.sweep, {
          cwd,
          fill: { DASHSCOPE_API_KEY: key },
          env: {
            ...Object.fromEntries(sizes.map((n, i) => [`VLLM_${n}_URL`, (vllm[i] as Peer).url])),
            DASHSCOPE_BASE_URL: hosted.url,
            MMRE_LIMIT: LIMIT,
          },
        });
        const labels = ['qwen2.5-vl-3b', 'qwen2.5-vl-7b', 'qwen2.5-vl-72b', 'qwen-vl-max-dashscope'];
        const rows = rowsOf(r.output as { results: { results: Row[] } });
        expect(rows).toHaveLength(3 * Number(LIMIT) * labels.length);
        expect(rows.filter((x) => x.error)).toEqual([]);
        expect([...new Set(rows.map((x) => x.provider.label))].sort()).toEqual([...labels].sort());
        sizes.forEach((n, i) => {
          const chats = (vllm[i] as Peer).requests.filter((q) => q.method === 'POST' && q.outcome === 'ok');
          expect(chats).toHaveLength(3 * Number(LIMIT));
          expect(new Set(chats.map((q) => (q.body as { model?: string }).model))).toEqual(
            new Set([`Qwen/Qwen2.5-VL-${n}-Instruct`]),
          );
        });
        expect(hosted.requests.filter((q) => q.method === 'POST' && q.outcome === 'ok')).toHaveLength(
          3 * Number(LIMIT),
        );

        const md = await runReadme(CMD.sweepReport, { cwd });
        for (const label of labels) expect(md.stdout).toContain(`## Model \`${label}\``);
        expect(md.stdout).toContain('## Model against model');
        expect(md.stdout).not.toContain(key);
        expect(existsSync(join(cwd, 'out', 'sweep.html'))).toBe(true);
        const json = await runReadme(CMD.sweepReport, { cwd, args: ['--json'] });
        const rep = JSON.parse(json.stdout) as {
          systems: { key: string; pairedSamples: number }[];
          comparisons: { a: string; b: string }[];
        };
        expect(rep.systems.map((x) => x.key).sort()).toEqual([...labels].sort());
        expect(rep.systems.every((x) => x.pairedSamples === Number(LIMIT))).toBe(true);
        // 4 models: 6 pairs
        expect(new Set(rep.comparisons.map((c) => `${c.a}|${c.b}`)).size).toBe(6);
      } finally {
        await Promise.all([...vllm, hosted].map((p) => p.close()));
      }
    }, 180_000);
  },
);

describe.skipIf(!BUILT)('README: evaluate on DashScope or OpenRouter (loopback peers, keys from the env)', () => {
  it('dashscope.yaml through DASHSCOPE_BASE_URL with DASHSCOPE_API_KEY', async () => {
    const cwd = await checkout('dashscope');
    const key = 'sk-readme-dashscope';
    const peer = await startDashScopePeer({ apiKey: key });
    try {
      const r = await runReadme(CMD.dashscope, {
        cwd,
        fill: { DASHSCOPE_API_KEY: key },
        env: { DASHSCOPE_BASE_URL: peer.url, MMRE_LIMIT: LIMIT },
      });
      expectServed(r.output, 'qwen2.5-vl-dashscope', [peer], '/compatible-mode/v1/chat/completions');
      expect(new Set(peer.requests.map((q) => q.authorization))).toEqual(new Set([`Bearer ${key}`]));
      const rep = await expectReport(cwd);
      expect(rep.stdout).not.toContain(key);
      expect(await readFile(join(cwd, 'out', 'report.html'), 'utf8')).not.toContain(key);
    } finally {
      await peer.close();
    }
  }, 150_000);

  it('openrouter.yaml through OPENROUTER_BASE_URL with OPENROUTER_API_KEY', async () => {
    const cwd = await checkout('openrouter');
    const key = 'sk-or-readme';
    const peer = await startOpenAIPeer({ apiKey: key, basePath: '/api/v1' });
    try {
      const r = await runReadme(CMD.openrouter, {
        cwd,
        fill: { OPENROUTER_API_KEY: key },
        env: { OPENROUTER_BASE_URL: peer.url, MMRE_LIMIT: LIMIT },
      });
      expectServed(r.output, 'qwen2.5-vl-openrouter', [peer], '/api/v1/chat/completions');
      // the chat requests (the readiness check's GET /key has no body)
      const chats = peer.requests.filter((q) => q.method === 'POST');
      expect(new Set(chats.map((q) => (q.body as { model?: string }).model))).toEqual(
        new Set(['qwen/qwen2.5-vl-72b-instruct']),
      );
      const rep = await expectReport(cwd);
      expect(rep.stdout).not.toContain(key);
    } finally {
      await peer.close();
    }
  }, 150_000);
});

// ---------------------------------------------------------------------------------------------------------

describe.skipIf(!BUILT)('README: score saved predictions (replay)', () => {
  it('gold answers replayed score 100 on every metric', async () => {
    const cwd = await checkout('replay');
    const samples = await testSplit();
    const modes: Mode[] = ['summary', 'mner', 'joint'];
    await writeFile(
      join(cwd, 'preds.jsonl'),
      samples
        .flatMap((s) => modes.map((mode) => JSON.stringify({ id: s.id, mode, output: formatAnswer(s.gold, mode) })))
        .join('\n'),
    );
    const r = await runReadme(CMD.replay, { cwd, env: { MMRE_LIMIT: '4' } });
    const rows = rowsOf(r.output);
    expect(rows).toHaveLength(12);
    expect(rows.filter((x) => x.error)).toEqual([]);
    expect(new Set(rows.map((x) => x.provider.label))).toEqual(new Set(['replay']));
    const rep = await runReadme(CMD.replayReport, { cwd });
    expect(rep.stdout).toContain('4 paired samples');
    expect(tableRow(rep.stdout, 'Single TS')).toEqual(['100.00', '100.00', '100.00', '100.00', 'n/a', 'n/a']);
    expect(tableRow(rep.stdout, 'Single MNER')).toEqual(['n/a', 'n/a', 'n/a', 'n/a', '100.00', '100.00']);
    expect(tableRow(rep.stdout, 'M-MRE (joint)')).toEqual(Array(6).fill('100.00'));
  }, 150_000);
});

// ---------------------------------------------------------------------------------------------------------

interface Tweet {
  id: string;
  block: string;
  boxes: number;
  size?: { width: number; height: number };
}

/** Tweets of a GMNER split file with their box counts and image sizes (from the XML). */
function readTweets(root: string, split: string): Tweet[] {
  return readFileSync(join(root, 'txt', `${split}.txt`), 'utf8')
    .split(/\r?\n\s*\r?\n/)
    .map((b) => b.trim())
    .filter((b) => b.startsWith('IMGID:'))
    .map((block) => {
      const id = (block.split('\n')[0] as string).slice('IMGID:'.length).trim();
      const xml = join(root, 'xml', `${id}.xml`);
      if (!existsSync(xml)) return { id, block, boxes: 0 };
      const text = readFileSync(xml, 'utf8');
      const num = (tag: string) => Number(text.match(new RegExp(`<${tag}>\\s*(\\d+)`))?.[1]);
      return {
        id,
        block,
        boxes: (text.match(/<object>/g) ?? []).length,
        size: { width: num('width'), height: num('height') },
      };
    });
}

const gmner = sharedPath('datasets', 'gmner');
if (!gmner) skippedSections.add('gmner');

describe.skipIf(!BUILT)("README: reproduce the paper's protocol", () => {
  it.skipIf(!gmner)(
    'convert a slice of the real GMNER annotations (placeholder images), split 7:3, validate, run the three modes, report',
    async () => {
      const root = gmner as string;
      const cwd = await checkout('paper');
      await mkdir(join(cwd, 'gmner', 'txt'), { recursive: true });
      await mkdir(join(cwd, 'gmner', 'xml'));
      await mkdir(join(cwd, 'gmner', 'images'));
      // Per split: the first 4 tweets with 1–5 boxes (kept) and the first without boxes (dropped by
      // --min-segments 1); in test also the one tweet with 27 boxes (dropped by --max-segments 5).
      const slice: Tweet[] = [];
      const kept: string[] = [];
      for (const split of ['train', 'dev', 'test']) {
        const all = readTweets(root, split);
        const ok = all.filter((t) => t.boxes >= 1 && t.boxes <= 5).slice(0, 4);
        const dropped = [all.find((t) => t.boxes === 0), all.find((t) => t.boxes > 5)].filter(
          (t): t is Tweet => t !== undefined,
        );
        expect(dropped.length).toBeGreaterThanOrEqual(split === 'test' ? 2 : 1);
        const mine = [...ok, ...dropped];
        kept.push(...ok.map((t) => t.id));
        slice.push(...mine);
        await writeFile(join(cwd, 'gmner', 'txt', `${split}.txt`), `${mine.map((t) => t.block).join('\n\n')}\n`);
      }
      for (const t of slice) {
        if (t.boxes > 0)
          await writeFile(join(cwd, 'gmner', 'xml', `${t.id}.xml`), await readFile(join(root, 'xml', `${t.id}.xml`)));
        const { width, height } = t.size ?? { width: 320, height: 240 };
        await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 150 } } })
          .jpeg({ quality: 60 })
          .toFile(join(cwd, 'gmner', 'images', `${t.id}.jpg`));
      }
      await writeFile(
        join(cwd, 'summaries.jsonl'),
        slice.map((t) => JSON.stringify({ id: t.id, summary: `A placeholder photo for tweet ${t.id}.` })).join('\n'),
      );

      const converted = await runReadme(CMD.convert, { cwd });
      expect(converted.stdout + converted.stderr).toContain(`wrote ${kept.length} samples`);
      const dataset = join(cwd, 'datasets', 'mmre-gmner');
      const read = async () =>
        (await readFile(join(dataset, 'samples.jsonl'), 'utf8'))
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Sample);
      const samples = await read();
      expect(samples.map((s) => s.id).sort()).toEqual([...kept].sort());
      for (const s of samples) {
        expect(s.segments.length).toBeGreaterThanOrEqual(1);
        expect(s.segments.length).toBeLessThanOrEqual(5);
        expect(s.gold.summary).toBe(`A placeholder photo for tweet ${s.id}.`);
        for (const seg of s.segments) expect(seg.path && existsSync(join(dataset, seg.path))).toBe(true);
      }

      await runReadme(CMD.split, { cwd });
      const resplit = await read();
      const counts = {
        train: resplit.filter((s) => s.split === 'train'),
        test: resplit.filter((s) => s.split === 'test'),
      };
      expect(counts.train.length).toBe(Math.round((kept.length * 7) / 10));
      expect(counts.test.length).toBe(kept.length - counts.train.length);
      const validated = await runReadme(CMD.validate, { cwd });
      expect(validated.code).toBe(0);

      const peer = await startOpenAIPeer();
      try {
        const r = await runReadme(CMD.paperEval, { cwd, env: { VLLM_BASE_URL: peer.url } });
        const rows = rowsOf(r.output);
        expect(rows).toHaveLength(3 * counts.test.length);
        expect(rows.filter((x) => x.error)).toEqual([]);
        expect(new Set(rows.map((x) => x.vars.id))).toEqual(new Set(counts.test.map((s) => s.id)));
        expect(peer.requests.filter((q) => q.outcome === 'ok' && q.method === 'POST')).toHaveLength(rows.length);
      } finally {
        await peer.close();
      }
      const rep = await runReadme(CMD.paperReport, { cwd });
      expect(rep.stdout).toContain(`${counts.test.length} paired samples`);
      expect(rep.stdout).toContain('10000 resamples, seed 1');
      expect(existsSync(join(cwd, 'out', 'paper.html'))).toBe(true);
    },
    150_000,
  );

  it('the M-MRE release in LLaVA format: convert --from mmre-llava (the sample dataset exported to LLaVA JSON)', async () => {
    const cwd = await checkout('llava');
    await node(
      MMRE_BIN,
      ['dataset', 'export', SAMPLE, '--to', 'llava', '--mode', 'joint', '--out', 'data.json'],
      cwd,
      {},
    );
    await runReadme(CMD.llava, { cwd, fill: { DIR: SAMPLE } });
    const original = new Map(
      (await readFile(join(SAMPLE, 'samples.jsonl'), 'utf8'))
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Sample)
        .map((s) => [s.id, s]),
    );
    const converted = (await readFile(join(cwd, 'OUT', 'samples.jsonl'), 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Sample);
    expect(converted.map((s) => s.id).sort()).toEqual([...original.keys()].sort());
    for (const s of converted) {
      expect(s.gold.entities).toEqual(original.get(s.id)?.gold.entities);
      expect(s.gold.summary).toBe(original.get(s.id)?.gold.summary);
      expect(s.segments.map((g) => g.id)).toEqual(original.get(s.id)?.segments.map((g) => g.id));
    }
    await node(MMRE_BIN, ['dataset', 'validate', 'OUT'], cwd, {});
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------

describe.skipIf(!BUILT)('README: scale out (shards with promptfoo filters, merged by mmre report)', () => {
  it('shards by test index and by mode merge to the unsharded numbers, in any order', async () => {
    const cwd = await checkout('shards');
    const base = CMD.vllmEval;
    const variant = (out: string): [string, string][] => [
      ['providers/vllm.yaml', 'providers/baseline.yaml'],
      ['out/compare.json', out],
    ];
    const env = { MMRE_LIMIT: '4' };
    const [all, ...shards] = await Promise.all([
      runReadme(base, { cwd, env, replace: variant('all.json') }),
      runReadme(base, { cwd, env, replace: variant('shard-0.json'), args: ['--filter-range', '0:2'] }),
      runReadme(base, { cwd, env, replace: variant('shard-1.json'), args: ['--filter-range', '2:4'] }),
    ]);
    expect(rowsOf(all?.output)).toHaveLength(12);
    expect(shards.map((s) => rowsOf(s.output).length)).toEqual([6, 6]);
    const whole = await node(MMRE_BIN, ['report', 'all.json'], cwd, {});
    const merged = await runReadme(CMD.merge, { cwd });
    expect(numbersOnly(merged.stdout)).toBe(numbersOnly(whole.stdout));
    const reversed = await node(MMRE_BIN, ['report', 'shard-1.json', 'shard-0.json'], cwd, {});
    expect(numbersOnly(reversed.stdout)).toBe(numbersOnly(whole.stdout));

    // by mode: one shard per prompt label
    const byMode = await Promise.all(
      ['summary', 'mner', 'joint'].map((mode) =>
        runReadme(base, { cwd, env, replace: variant(`mode-${mode}.json`), args: ['--filter-prompts', `^${mode}$`] }),
      ),
    );
    expect(byMode.map((s) => new Set(rowsOf(s.output).map((r) => r.prompt.label)).size)).toEqual([1, 1, 1]);
    const modes = await node(MMRE_BIN, ['report', 'mode-summary.json', 'mode-mner.json', 'mode-joint.json'], cwd, {});
    expect(numbersOnly(modes.stdout)).toBe(numbersOnly(whole.stdout));
  }, 150_000);
});

// ---------------------------------------------------------------------------------------------------------

describe('README: publish with changesets', () => {
  it('changeset status reads the config and every changeset (read-only)', async () => {
    const out = join(tmp, 'changeset-status.json');
    await node(CHANGESET_BIN, ['status', `--output=${out}`], repoRoot, {});
    const status = JSON.parse(await readFile(out, 'utf8')) as {
      changesets: { id: string; releases: { name: string }[] }[];
      releases: { name: string; type: string }[];
    };
    const files = readdirSync(join(repoRoot, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(status.changesets.map((c) => `${c.id}.md`).sort()).toEqual(files.sort());
    // workspace packages: packages/* and examples/*
    const packages = new Set(
      ['packages', 'examples'].flatMap((folder) =>
        readdirSync(join(repoRoot, folder))
          .map((p) => join(repoRoot, folder, p, 'package.json'))
          .filter((f) => existsSync(f))
          .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { name: string }).name),
      ),
    );
    expect(status.releases.length).toBeGreaterThan(0);
    for (const r of status.releases) expect(packages.has(r.name)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('README ↔ tests guard', () => {
  const commands = readmeCommands(README);

  it('finds the README’s commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(COVERAGE.size);
    expect(commands).toContain(CMD.paperEval); // a `\` continuation, joined
  });

  it('every README command is run here or listed with the reason it is not', () => {
    expect(commands.filter((c) => !COVERAGE.has(c))).toEqual([]);
    // and nothing listed is gone from the README (stale entries hide drift)
    expect([...COVERAGE.keys()].filter((c) => !commands.includes(c))).toEqual([]);
  });

  it.skipIf(!BUILT)('every command listed as run here was run (this test runs last)', (ctx) => {
    // With a -t filter, tests of this file were left out on purpose: nothing to check.
    type Task = { type: string; mode: string; tasks?: Task[] };
    const all = (t: Task): Task[] => (t.tasks ? t.tasks.flatMap(all) : [t]);
    const leftOut = all(ctx.task.file as unknown as Task).filter((t) => t.mode === 'skip' || t.mode === 'todo');
    if (leftOut.length > skippedSections.size) ctx.skip();
    const sections: Record<string, string[]> = {
      gmner: [CMD.convert, CMD.split, CMD.validate, CMD.paperEval, CMD.paperReport],
    };
    const skipped = new Set([...skippedSections].flatMap((s) => sections[s] ?? []));
    const notRun = [...COVERAGE]
      .filter(([c, how]) => how.startsWith(RUN_HERE) && !skipped.has(c) && !executed.has(c))
      .map(([c]) => c);
    expect(notRun).toEqual([]);
  });
});
