#!/usr/bin/env node
// The paper-size benchmark (project issue 9): what a user gets running the README's protocol at the M-MRE
// paper's size, side by side with promptfoo's own floor. Run after a build: `pnpm bench scale`.
//
// Sizes (MMRE_SCALE_SIZES, default "500,1660,5533"), all from one 5,533-sample dataset built by
// test-support/scale-dataset.ts (7:3 split, seed 42: 1,660 test samples; cached between runs):
//   500   the test split with MMRE_LIMIT=500        (1,500 rows)
//   1660  the test split, as the paper evaluates it  (4,980 rows)
//   5533  every sample: MMRE_SPLIT=all when the test generator supports it, else a 5,533-sample dataset
//         whose only split is `test` (the bench says which)  (16,599 rows)
//   (any other N: N ≤ 1,660 is the test split with MMRE_LIMIT=N, larger N a dataset of N `test` samples)
// Per size, in a fresh temp folder (promptfoo's config dir, database and disk cache inside it):
//   ours   promptfoo eval -c configs/mmre-compare.yaml -c configs/providers/vllm.yaml -o <out>/paper.json -j 16
//          --no-progress-bar --no-table, VLLM_BASE_URL = a zero-latency loopback vLLM-style peer in its own
//          process (bench/lib/peer.mjs, light image validation, summaries as long as the gold ones), with the README's resolution pins
//          MMRE_MIN_PIXELS=3136 MMRE_MAX_PIXELS=802816 (MMRE_SCALE_PIXELS=paper, the default) or none
//          (MMRE_SCALE_PIXELS=default: the PFA defaults, which scale small segments up to 256·28·28 pixels);
//   floor  the same promptfoo command on a trivial config with the same number of rows: 3 prompts
//          (`summary: {{text}}` …) × N tests, promptfoo's built-in echo provider, no assertions;
//   fetch floor  the same requests without promptfoo (bench/lib/fetch-floor.mjs): a plain fetch client
//          posts each sample's three modes with its images as data URLs of the files' bytes to the same
//          peer, -j at a time. promptfoo's floor + the fetch floor is what any promptfoo plugin that
//          sends these images pays before doing anything of its own;
//   rerun  ours again with the same config dir and cache: promptfoo's disk cache should answer every row
//          (0 requests at the peer) in at most half the first run's time;
//   report `mmre report <out>/paper.json --json > /dev/null`, then `--html` (default 10,000 resamples).
// Measured per run: wall time, peak RSS (GNU time -v: the largest process of the tree), output size, growth
// of promptfoo.db (+ -wal/-shm), requests at the peer, and — when the eval honours MMRE_IMAGE_STATS=<file>
// (image-encoder counters written at exit) — images encoded and ms per image.
// After all sizes, the growth between consecutive sizes (bench/lib/growth.ts): extra wall time per extra row
// of ours and of the floor and their ratio, with the fixed start-up cancelled out (the plain ratio rises with
// size because the floor's fixed part is larger; a constant per-row ratio is linear growth).
// Ends with `scale.<N>.<figure>: value unit (target …)` lines; exits 1 when a run failed (its stderr tail
// is printed; the bench goes on with the next size).
//
// Env: MMRE_SCALE_SIZES="500,1660"   MMRE_SCALE_KEEP=1 (keep the temp folders)   MMRE_SCALE_CACHE=<dir>
// (built datasets, default <tmp>/mmre-scale-datasets)   MMRE_SCALE_J=16 (promptfoo -j)
// MMRE_SCALE_PROFILE=floor|ours|both (an extra run under node --cpu-prof, top functions by self time; with both, ours'
// main thread without our own code as a ratio to the floor's: what promptfoo's work for our rows costs by itself)
// MMRE_SCALE_LADDER=500 (sizes that also run the ladder from the floor to ours, one component per step; default
// the first size, 0 for none)   MMRE_SCALE_MODEL_LATENCY_MS=1000 (the first run and rerun again against a peer that
// answers after that long, at MMRE_SCALE_MODEL_LATENCY_SIZES, default the first size; 0 for none)
// MMRE_SCALE_PAIRS=2 (more floor/ours pairs, alternated, at MMRE_SCALE_PAIR_SIZES, default the first size: the
// median ratio of all pairs and its range, since one pair varies by ±15% on a shared 2-core machine; 0 for none)
// MMRE_SCALE_TIMEOUT_S=3600 (per promptfoo run)   MMRE_SCALE_STALL_S=300 (a first run whose peer count stops
// growing that long is killed and reported)   MMRE_SCALE_REPORT=0 (skip the report timings)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildScaleDataset,
  meanGoldSummaryChars,
  PAPER_SAMPLES,
  PAPER_TEST_SAMPLES,
} from '../test-support/scale-dataset.ts';
import { marginalCosts } from './lib/growth.ts';
import { startPeerProcess } from './lib/peer-client.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const promptfoo = join(root, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');
const mmre = join(root, 'packages', 'cli', 'bin', 'mmre.js');
const GNU_TIME = '/usr/bin/time';

const sizes = (process.env.MMRE_SCALE_SIZES ?? `500,${PAPER_TEST_SAMPLES},${PAPER_SAMPLES}`)
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const keep = process.env.MMRE_SCALE_KEEP === '1';
const jobs = process.env.MMRE_SCALE_J ?? '16';
const profile = process.env.MMRE_SCALE_PROFILE ?? '';
// The ladder and the model-latency rerun run at these sizes (default: the first size only; "0" for none).
const sizesOf = (v, dflt) =>
  v === undefined ? dflt : v === '0' || v === '' ? [] : v.split(',').map((x) => Number(x.trim()));
const modelLatencyMs = Number(process.env.MMRE_SCALE_MODEL_LATENCY_MS ?? 1000);
const timeoutMs = Number(process.env.MMRE_SCALE_TIMEOUT_S ?? 3600) * 1000;
const withReport = process.env.MMRE_SCALE_REPORT !== '0';
const ladderSizes = sizesOf(process.env.MMRE_SCALE_LADDER, sizes.slice(0, 1));
const extraPairs = Number(process.env.MMRE_SCALE_PAIRS ?? 2);
const pairSizes = extraPairs > 0 ? sizesOf(process.env.MMRE_SCALE_PAIR_SIZES, sizes.slice(0, 1)) : [];
const latencySizes = modelLatencyMs > 0 ? sizesOf(process.env.MMRE_SCALE_MODEL_LATENCY_SIZES, sizes.slice(0, 1)) : [];
const stallMs = Number(process.env.MMRE_SCALE_STALL_S ?? 300) * 1000;
const pixels = process.env.MMRE_SCALE_PIXELS ?? 'paper';
if (pixels !== 'paper' && pixels !== 'default') {
  console.error(`MMRE_SCALE_PIXELS=${pixels}: use paper (the README's MMRE_MIN_PIXELS/MMRE_MAX_PIXELS) or default`);
  process.exit(2);
}
/** The README's paper-protocol command pins the resolution; `default` leaves the PFA defaults. */
const pixelEnv = pixels === 'paper' ? { MMRE_MIN_PIXELS: '3136', MMRE_MAX_PIXELS: '802816' } : {};

// Runs are spawned in process groups of their own (see `measured`): end them with the bench.
const activeGroups = new Set();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(sig, () => {
    for (const g of activeGroups)
      try {
        process.kill(-g, 'SIGKILL');
      } catch {}
    process.exit(130);
  });

const TARGETS = {
  eval_ratio: 1.5,
  eval_ratio_stretch: 1.2,
  peak_rss: 1024, // MiB
  output: 50, // MB
  db_growth: 100, // MB
  rerun_ratio: 0.5,
  rerun_requests: 0,
  report_s: (n) => (n >= PAPER_SAMPLES ? 15 : n >= PAPER_TEST_SAMPLES ? 5 : null),
};

/**
 * The issue states the size targets (peak RSS, output, database growth) for the paper's run of the test split,
 * 1,660 samples; at other sizes the bench names them as such, with the pro-rata value for output and database.
 */
function sizeTarget(n, value, { proRata }) {
  if (n === PAPER_TEST_SAMPLES) return `≤ ${value}`;
  const here = proRata ? `, pro rata ≤ ${((value * n) / PAPER_TEST_SAMPLES).toFixed(1)} here` : ', not scaled';
  return `≤ ${value} at ${PAPER_TEST_SAMPLES.toLocaleString('en-US')} samples${here}`;
}

const started = performance.now();
const secondsSince = (t) => (performance.now() - t) / 1000;
const log = (msg) => console.log(`[scale ${secondsSince(started).toFixed(0).padStart(4)} s] ${msg}`);
const MB = (bytes) => bytes / 1e6;
const fmt = (x, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
const int = (n) => (n === null || n === undefined ? 'n/a' : n.toLocaleString('en-US'));

if (!existsSync(GNU_TIME)) {
  console.error(`scale bench: ${GNU_TIME} (GNU time) is needed for peak RSS; install it (apt-get install time)`);
  process.exit(1);
}
for (const [p, fix] of [
  [promptfoo, 'pnpm install'],
  [join(root, 'packages', 'provider-testkit', 'dist', 'index.js'), 'pnpm build'],
  [join(root, 'packages', 'cli', 'dist', 'index.js'), 'pnpm build'],
])
  if (!existsSync(p)) {
    console.error(`scale bench: ${p} is missing; fix: ${fix}`);
    process.exit(1);
  }

/** The environment every promptfoo / mmre run gets: offline, writes inside `dir`, no inherited MMRE_* knobs. */
function runEnv(dir, extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MMRE_') || k.startsWith('PROMPTFOO_')) delete env[k];
  delete env.NODE_ENV;
  delete env.NODE_OPTIONS;
  return {
    ...env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    NO_COLOR: '1',
    // promptfoo 0.123 posts a "telemetry disabled" event even with telemetry off: a closed local port.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost,::1',
    PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
    PROMPTFOO_CACHE_PATH: join(dir, 'cache'),
    PROMPTFOO_CACHE_TYPE: 'disk',
    PROMPTFOO_LOG_DIR: join(dir, 'logs'),
    ...extra,
  };
}

async function sizeOf(path) {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
const dbSize = async (configDir) =>
  (await sizeOf(join(configDir, 'promptfoo.db'))) +
  (await sizeOf(join(configDir, 'promptfoo.db-wal'))) +
  (await sizeOf(join(configDir, 'promptfoo.db-shm')));
async function dirSize(dir) {
  let total = 0;
  let entries = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries)
    total += e.isDirectory() ? await dirSize(join(dir, e.name)) : await sizeOf(join(dir, e.name));
  return total;
}

/** promptfoo's `results.stats` (successes, failures, errors), read from the end of the output file (it follows the rows). */
async function outputStats(file) {
  const size = await sizeOf(file);
  if (size === 0) return null;
  const len = Math.min(size, 4 * 1024 * 1024);
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const tail = buf.toString('utf8');
    const all = [...tail.matchAll(/"stats":\s*\{\s*"successes":\s*(\d+),\s*"failures":\s*(\d+),\s*"errors":\s*(\d+)/g)];
    const m = all.at(-1);
    if (!m) return null;
    const [successes, failures, errors] = [m[1], m[2], m[3]].map(Number);
    return { successes, failures, errors, rows: successes + failures + errors };
  } finally {
    await fh.close();
  }
}

function parseGnuTime(text) {
  const kb = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(text);
  const status = /Exit status:\s*(\d+)/.exec(text);
  const signal = /Command terminated by signal (\d+)/.exec(text);
  const user = /User time \(seconds\):\s*([\d.]+)/.exec(text);
  const sys = /System time \(seconds\):\s*([\d.]+)/.exec(text);
  return {
    rssMiB: kb ? Number(kb[1]) / 1024 : null,
    cpuS: user && sys ? Number(user[1]) + Number(sys[1]) : null,
    exit: status ? Number(status[1]) : null,
    signal: signal ? Number(signal[1]) : null,
  };
}

const meaningful = (text) =>
  text.split('\n').filter((l) => l.trim() !== '' && !/ExperimentalWarning|--trace-warnings/.test(l));
const tailOf = (text, lines = 25) => meaningful(text).slice(-lines).join('\n');
/** What to show of a failed run: its first error lines (a stack trace's head), then the tails of stderr and stdout. */
function failureExcerpt(stderr, stdout) {
  const err = meaningful(stderr);
  const heads = err.filter((l) => /^\s*(\w*Error\b|error:|\[?ERROR|Dataset too large)/i.test(l)).slice(0, 5);
  const tail = err.filter((l) => !/^\s+at /.test(l)).slice(-12);
  return [
    ...(heads.length ? ['(first error lines of stderr)', ...heads] : []),
    '(stderr tail, stack frames left out)',
    ...tail,
    '(stdout tail)',
    ...meaningful(stdout).slice(-10),
  ].join('\n');
}

/**
 * Runs `node <args>` under GNU time in `cwd` with `env`; returns wall time, exit, peak RSS and output tails.
 * Prints a heartbeat every 30 s (with the peer's request count when a peer is given).
 */
async function measured(label, nodeArgs, { env, cwd, peer, stdoutFile }) {
  const timeFile = join(env.PROMPTFOO_CONFIG_DIR ?? cwd, '..', `${label.replace(/\W+/g, '-')}.time.txt`);
  await mkdir(dirname(timeFile), { recursive: true });
  const t0 = performance.now();
  // its own process group, so a timeout or a stall kills GNU time and the node process under it together
  const child = spawn(GNU_TIME, ['-v', '-o', timeFile, process.execPath, ...nodeArgs], {
    cwd,
    env,
    stdio: ['ignore', stdoutFile ? 'ignore' : 'pipe', 'pipe'],
    detached: true,
  });
  const group = child.pid;
  if (group) activeGroups.add(group);
  const killGroup = () => {
    try {
      if (group) process.kill(-group, 'SIGKILL');
    } catch {}
  };
  let stdout = '';
  let stderr = '';
  const cap = (s, d) => (s.length > 200_000 ? s.slice(-100_000) : s) + d;
  child.stdout?.setEncoding('utf8').on('data', (d) => {
    stdout = cap(stdout, d);
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = cap(stderr, d);
  });
  let killed = null;
  let lastCount = -1;
  let lastChange = performance.now();
  const heartbeat = setInterval(async () => {
    let extra = '';
    if (peer) {
      try {
        const s = await peer.peer.stats();
        const seen = s.chat - peer.before;
        extra = `, peer ${int(seen)}${peer.expected ? ` / ${int(peer.expected)}` : ''} requests`;
        if (seen !== lastCount) {
          lastCount = seen;
          lastChange = performance.now();
        } else if (peer.expected && seen < peer.expected && performance.now() - lastChange > stallMs && !killed) {
          killed = `stalled: no new request reached the peer for ${stallMs / 1000} s (${seen} of ${peer.expected}; MMRE_SCALE_STALL_S)`;
          killGroup();
        }
      } catch {}
    }
    log(`  ${label}: ${secondsSince(t0).toFixed(0)} s${extra}`);
  }, 30_000);
  const killer = setTimeout(() => {
    killed = `killed after ${timeoutMs / 1000} s (MMRE_SCALE_TIMEOUT_S)`;
    killGroup();
  }, timeoutMs);
  const [code, signal] = await new Promise((res) => {
    child.on('error', (e) => {
      stderr += `\nspawn error: ${e.message}`;
      res([null, null]);
    });
    child.on('close', (c, s) => res([c, s]));
  });
  clearInterval(heartbeat);
  clearTimeout(killer);
  if (group) activeGroups.delete(group);
  const wallS = secondsSince(t0);
  const gt = parseGnuTime(existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '');
  return {
    // GNU time reports a child killed by a signal as exit 0 plus a "terminated by signal" line
    code: gt.signal || signal ? null : (gt.exit ?? code),
    signal: gt.signal ?? signal,
    killed,
    wallS,
    rssMiB: gt.rssMiB,
    cpuS: gt.cpuS,
    stdout,
    stderr,
  };
}

/** One promptfoo eval in `dir` (config dir, cache, logs inside): the figures of the issue. */
async function promptfooRun(
  label,
  { dir, configs, out, extraEnv = {}, peer = null, expectedRows, cpuProf = null, expectRequests = true },
) {
  const env = runEnv(dir, extraEnv);
  const dbBefore = await dbSize(env.PROMPTFOO_CONFIG_DIR);
  const beforeStats = peer ? await peer.stats() : null;
  const before = beforeStats?.chat ?? 0;
  const args = [
    ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : []),
    promptfoo,
    'eval',
    ...configs.flatMap((c) => ['-c', c]),
    '-o',
    out,
    '-j',
    jobs,
    '--no-progress-bar',
    '--no-table',
  ];
  const r = await measured(label, args, {
    env,
    cwd: root,
    peer: peer ? { peer, before, expected: expectRequests ? expectedRows : 0 } : null,
  });
  const after = peer ? await peer.stats() : null;
  const outputBytes = existsSync(out) ? await sizeOf(out) : null;
  const dbAfter = {
    db: await sizeOf(join(env.PROMPTFOO_CONFIG_DIR, 'promptfoo.db')),
    wal:
      (await sizeOf(join(env.PROMPTFOO_CONFIG_DIR, 'promptfoo.db-wal'))) +
      (await sizeOf(join(env.PROMPTFOO_CONFIG_DIR, 'promptfoo.db-shm'))),
  };
  const stats = await outputStats(out);
  const imageStatsFile = extraEnv.MMRE_IMAGE_STATS;
  let imageStats = null;
  if (imageStatsFile && existsSync(imageStatsFile)) {
    try {
      imageStats = JSON.parse(await readFile(imageStatsFile, 'utf8'));
    } catch {}
  }
  const problems = [];
  if (r.killed) problems.push(r.killed);
  else if (r.signal) problems.push(`terminated by signal ${r.signal}`);
  else if (r.code !== 0) problems.push(`exit ${r.code}${r.code === 100 ? ' (promptfoo: some test failed)' : ''}`);
  if (!outputBytes) problems.push(`no output file ${out}`);
  else if (!stats) problems.push(`output ${out} has no results.stats (truncated?)`);
  else if (stats.rows !== expectedRows) problems.push(`${stats.rows} rows in the output, expected ${expectedRows}`);
  if (stats?.errors) problems.push(`${stats.errors} rows with errors`);
  const rejected = after && beforeStats ? after.rejected - beforeStats.rejected : null;
  if (rejected) problems.push(`the peer rejected ${rejected} requests (first: ${after.errors[0] ?? '?'})`);
  return {
    label,
    ok: problems.length === 0,
    problems,
    wallS: r.wallS,
    cpuS: r.cpuS,
    rssMiB: r.rssMiB,
    outputBytes,
    dbGrowth: dbAfter.db + dbAfter.wal - dbBefore,
    dbAfter,
    requests: after ? after.chat - before : null,
    rejected,
    rows: stats?.rows ?? null,
    errors: stats?.errors ?? null,
    imageStats,
    stderrTail: failureExcerpt(r.stderr, r.stdout),
    peerAfter: after,
  };
}

/** `mmre report <file> [args]` with stdout discarded; wall time and exit. */
async function reportRun(label, file, args, dir) {
  const env = runEnv(dir);
  const r = await measured(label, [mmre, 'report', file, ...args], { env, cwd: root, stdoutFile: '/dev/null' });
  return { ok: r.code === 0, wallS: r.wallS, rssMiB: r.rssMiB, code: r.code, stderrTail: tailOf(r.stderr, 15) };
}

/** The README's paper-protocol configs: what `ours` (and its rerun, profile and model-latency runs) evaluates. */
const OURS_CONFIGS = ['configs/mmre-compare.yaml', 'configs/providers/vllm.yaml'];

/** The floor's prompts, one per mode, as the PFA configs list them (the ladder's first step uses them too). */
const TRIVIAL_PROMPTS = [
  { raw: 'summary: {{text}}', label: 'summary' },
  { raw: 'mner: {{text}}', label: 'mner' },
  { raw: 'joint: {{text}}', label: 'joint' },
];

/** The floor's config: 3 prompts × the same samples' texts, promptfoo's echo provider, no assertions. */
async function writeFloorConfig(dir, datasetDir, selection) {
  const text = await readFile(join(datasetDir, 'samples.jsonl'), 'utf8');
  let samples = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  if (selection.split !== 'all') samples = samples.filter((s) => s.split === selection.split);
  if (selection.limit) samples = samples.slice(0, selection.limit);
  const config = {
    description: `promptfoo floor: 3 prompts x ${samples.length} tests, echo provider, no assertions`,
    prompts: TRIVIAL_PROMPTS,
    providers: ['echo'],
    tests: samples.map((s) => ({ description: s.id, vars: { id: s.id, text: s.text } })),
  };
  const file = join(dir, 'promptfooconfig.yaml');
  await mkdir(dir, { recursive: true });
  await writeFile(file, JSON.stringify(config)); // JSON is YAML
  return { file, tests: samples.length };
}

/**
 * The ladder from promptfoo's floor to ours, one component added per step (MMRE_SCALE_LADDER): what each of
 * our components costs inside promptfoo, measured in the same run. The configs sit under the repository's
 * node_modules/.cache, so `package:@mmre/…` ids resolve as they do for configs/. Each step is the one before
 * plus one thing; the last step plus the M-MRE extension is configs/mmre-compare.yaml, the `ours` run.
 */
const LADDER = [
  { key: 'vars', what: "+ our test generator (the samples' vars)" },
  { key: 'prompts', what: '+ the PFA prompt functions (image references)' },
  { key: 'provider', what: '+ our vLLM provider (images resolved, sent to the peer)' },
  { key: 'assert', what: '+ the mmre assertion (one score per row)' },
];
async function writeLadderConfig(step, dir) {
  const lib = (f) => `file://${join(root, 'configs', 'lib', f)}`;
  const pfa = ['summary', 'mner', 'joint'].map((m) => ({ id: lib(`pfa.mjs:${m}`), label: m }));
  const i = LADDER.findIndex((s) => s.key === step);
  const config = {
    description: `scale ladder: ${LADDER.slice(0, i + 1)
      .map((s) => s.key)
      .join(' + ')}`,
    prompts: i >= 1 ? pfa : TRIVIAL_PROMPTS,
    ...(i >= 2 ? {} : { providers: ['echo'] }),
    tests: [{ path: lib('tests.mjs:generateTests'), config: {} }],
    ...(i >= 3
      ? {
          defaultTest: {
            assert: [{ type: 'javascript', value: 'package:@mmre/assertions:mmre', config: { namedScores: false } }],
          },
        }
      : {}),
    // as configs/mmre-compare.yaml sets it for the PFA prompts
    ...(i >= 1 ? { env: { PROMPTFOO_DISABLE_JSON_AUTOESCAPE: 'true' } } : {}),
  };
  const cfgDir = join(root, 'node_modules', '.cache', 'mmre-scale-ladder', basename(dir));
  await mkdir(cfgDir, { recursive: true });
  const file = join(cfgDir, `${step}.json`);
  await writeFile(file, JSON.stringify(config, null, 2));
  // from the provider step on, our provider (the vLLM preset, as users combine it) talks to the peer
  return i >= 2 ? { configs: [file, OURS_CONFIGS[1]], peer: true } : { configs: [file], peer: false };
}

/** A profile frame's script path, relative to the repository when it is inside it. */
const scriptPath = (url) => url.replace(/^file:\/\//, '').replace(`${root}/`, '');

/** Whether a profile frame's script is this repository's own code (packages/*, configs/lib), not a dependency. */
const isOurScript = (url) => {
  const rel = scriptPath(url);
  return !rel.includes('node_modules/') && (rel.startsWith('packages/') || rel.startsWith('configs/lib/'));
};

/**
 * Top functions by self time of a .cpuprofile folder, and how much of the main thread's time ran our code:
 * samples with a frame of this repository's packages or configs anywhere on their (synchronous) stack, so
 * zod, sharp, undici… called from our code count as ours; promptfoo's work for our rows (its storage, logging,
 * the per-row import of the assertion) and async continuations outside our frames do not.
 */
async function summariseProfile(profDir, top = 18) {
  const files = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return { lines: ['no .cpuprofile written'], totalUs: null, oursUs: null };
  const self = new Map();
  const byFile = new Map();
  let total = 0;
  let ours = 0;
  for (const f of files) {
    const p = JSON.parse(await readFile(join(profDir, f), 'utf8'));
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const oursMemo = new Map();
    const underOurs = (id) => {
      const chain = [];
      let cur = id;
      let hit = false;
      while (cur !== undefined) {
        if (oursMemo.has(cur)) {
          hit = oursMemo.get(cur);
          break;
        }
        chain.push(cur);
        if (isOurScript(nodes.get(cur)?.callFrame.url ?? '')) {
          hit = true;
          break;
        }
        cur = parent.get(cur);
      }
      for (const c of chain) oursMemo.set(c, hit);
      return hit;
    };
    const dt = new Map();
    p.samples.forEach((id, i) => {
      dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    });
    for (const [id, us] of dt) {
      const n = nodes.get(id);
      if (!n) continue;
      const cf = n.callFrame;
      const short = scriptPath(cf.url)
        .replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
        .replace(/.*node_modules\//, '');
      const fn = `${cf.functionName || '(anonymous)'} ${short ? `${short}:${cf.lineNumber + 1}` : ''}`.trim();
      self.set(fn, (self.get(fn) ?? 0) + us);
      const where = short
        ? short
            .split('/')
            .slice(0, short.startsWith('@') ? 2 : 1)
            .join('/')
        : `(${cf.functionName || 'native'})`;
      const key = short.startsWith('promptfoo/') ? short.split(':')[0] : where;
      byFile.set(key, (byFile.get(key) ?? 0) + us);
      total += us;
      if (underOurs(id)) ours += us;
    }
  }
  const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(6)} s`;
  const lines = [
    `sampled ${(total / 1e6).toFixed(1)} s on the main thread; our code (packages/, configs/lib, with what it calls) ${pct(ours).trim()}`,
    'by file / package (self time):',
  ];
  for (const [k, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`  ${pct(us)}  ${k}`);
  lines.push('top functions (self time):');
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${k}`);
  return { lines, totalUs: total, oursUs: ours };
}

/** From the two profiles (MMRE_SCALE_PROFILE=both): ours' main thread without our own code, as a ratio to the floor's. */
function withoutOurCode(row) {
  const f = row.floorProfile;
  const o = row.oursProfile;
  if (!f?.totalUs || !o?.totalUs || o.oursUs === null) return null;
  return {
    floorS: f.totalUs / 1e6,
    oursS: o.totalUs / 1e6,
    ownS: o.oursUs / 1e6,
    ratio: (o.totalUs - o.oursUs) / f.totalUs,
  };
}

/** Whether the repository's test generator (configs/lib/tests.mjs) selects every sample with MMRE_SPLIT=all. */
async function splitAllSupported(datasetDir, total) {
  const saved = { ...process.env };
  const write = process.stderr.write;
  try {
    for (const k of Object.keys(process.env)) if (k.startsWith('MMRE_')) delete process.env[k];
    process.env.MMRE_DATASET = datasetDir;
    process.env.MMRE_SPLIT = 'all';
    process.stderr.write = () => true;
    const { generateTests } = await import(pathToFileURL(join(root, 'configs', 'lib', 'tests.mjs')).href);
    const tests = await generateTests({});
    return Array.isArray(tests) && tests.length === total;
  } catch {
    return false;
  } finally {
    process.stderr.write = write;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

// ---------------------------------------------------------------------------------------------------------

log(
  `sizes ${sizes.join(', ')}; promptfoo -j ${jobs}; resolution ${pixels === 'paper' ? 'MMRE_MIN_PIXELS=3136 MMRE_MAX_PIXELS=802816 (README)' : 'PFA defaults'} (MMRE_SCALE_PIXELS); ${keep ? 'keeping' : 'removing'} the temp folders (MMRE_SCALE_KEEP)`,
);
log(`building / reusing the ${int(PAPER_SAMPLES)}-sample dataset (7:3, seed 42)…`);
const paper = await buildScaleDataset({
  samples: PAPER_SAMPLES,
  split: 'paper',
  onProgress: (d, t) => {
    if (d % 1000 === 0 || d === t) log(`  dataset: ${int(d)}/${int(t)} samples`);
  },
});
log(
  `dataset ${paper.dir}: ${int(paper.samples)} samples (${Object.entries(paper.splits)
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(
      ', ',
    )}), ${int(paper.images)} images, ${paper.cached ? 'reused from the cache' : `built in ${(paper.ms / 1000).toFixed(1)} s`}`,
);
if (paper.splits.test !== PAPER_TEST_SAMPLES)
  throw new Error(`scale dataset: expected ${PAPER_TEST_SAMPLES} test samples, got ${paper.splits.test}`);

// The peer's summaries are as long as the test split's gold summaries, so rows (and the output file) have a
// real model's size; the testkit's default one-sentence summary would make them smaller than any real run's.
const summaryChars = await meanGoldSummaryChars(paper.dir, 'test');
const peer = await startPeerProcess({ latencyMs: 0, validation: 'light', maxImages: 16, summaryChars });
log(
  `peer ${peer.url} (pid ${peer.pid}): zero latency, light image validation, summaries of ${summaryChars} characters (the gold summaries' mean), own process`,
);

const results = [];
const failures = [];
/**
 * The second floor: bench/lib/fetch-floor.mjs posts the same rows (each sample's three modes, its images
 * as data URLs of the files' bytes) to the same peer with a plain fetch client, `-j` at a time, in its
 * own process under GNU time. What sending the requests costs without promptfoo.
 */
async function fetchFloorRun(label, { datasetDir, selection, dir }) {
  const before = (await peer.stats())?.chat ?? 0;
  const args = [
    join(root, 'bench', 'lib', 'fetch-floor.mjs'),
    '--dataset',
    datasetDir,
    '--url',
    peer.url,
    '--split',
    selection.split,
    '-j',
    jobs,
    ...(selection.limit ? ['--limit', String(selection.limit)] : []),
  ];
  const cwd = join(dir, 'fetch-floor');
  await mkdir(cwd, { recursive: true });
  const stdoutFile = join(cwd, 'out.json');
  const r = await measured(label, args, { env: { ...process.env }, cwd });
  const after = (await peer.stats())?.chat ?? 0;
  let out = null;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {}
  await writeFile(stdoutFile, r.stdout ?? '');
  const problems = [];
  if (r.code !== 0) problems.push(`exit ${r.code}${out?.firstError ? `: ${out.firstError}` : ''}`);
  if (!out) problems.push('no result line');
  return {
    label,
    ok: problems.length === 0,
    problems,
    wallS: r.wallS,
    rssMiB: r.rssMiB,
    requests: after - before,
    rows: out?.rows ?? null,
    errors: out?.errors ?? null,
    mbSent: out ? out.bytesSent / 1e6 : null,
  };
}

const summary = [];
const line = (name, value, unit, target) =>
  summary.push(`${name}: ${value}${unit && value !== 'n/a' ? ` ${unit}` : ''} (target ${target})`);

try {
  for (const n of sizes) {
    // what this size runs on
    let datasetDir = paper.dir;
    let selection;
    let note;
    if (n <= PAPER_TEST_SAMPLES) {
      selection = { split: 'test', limit: n < PAPER_TEST_SAMPLES ? n : undefined };
      note = n < PAPER_TEST_SAMPLES ? `test split, MMRE_LIMIT=${n}` : 'the test split (the paper)';
    } else if (n === PAPER_SAMPLES && (await splitAllSupported(paper.dir, PAPER_SAMPLES))) {
      selection = { split: 'all' };
      note = 'every split (MMRE_SPLIT=all)';
    } else {
      const single = await buildScaleDataset({ samples: n, split: 'test' });
      datasetDir = single.dir;
      selection = { split: 'test' };
      note =
        n === PAPER_SAMPLES
          ? 'MMRE_SPLIT=all is not supported by the test generator yet: a 5,533-sample dataset whose only split is test'
          : `a ${int(n)}-sample dataset whose only split is test`;
    }
    const rows = n * 3;
    console.log(`\n=== scale ${int(n)} samples: ${note}; ${int(rows)} rows`);
    const work = await mkdtemp(join(tmpdir(), `mmre-scale-${n}-`));
    const oursDir = join(work, 'ours');
    const floorDir = join(work, 'floor');
    await mkdir(oursDir, { recursive: true });
    const out = join(oursDir, 'paper.json');
    const selEnv = {
      MMRE_DATASET: datasetDir,
      MMRE_SPLIT: selection.split,
      ...(selection.limit ? { MMRE_LIMIT: String(selection.limit) } : {}),
      VLLM_BASE_URL: peer.url,
    };
    const row = { n, rows, note, work };
    results.push(row);
    try {
      // floor first: it also warms the OS file cache for promptfoo's own modules, like ours would be
      const floorCfg = await writeFloorConfig(floorDir, datasetDir, selection);
      if (floorCfg.tests !== n) throw new Error(`floor: ${floorCfg.tests} tests selected, expected ${n}`);
      log(`floor: promptfoo eval, echo provider, ${int(rows)} rows…`);
      row.floor = await promptfooRun(`floor ${n}`, {
        dir: floorDir,
        configs: [floorCfg.file],
        out: join(floorDir, 'paper.json'),
        expectedRows: rows,
      });
      log(`floor: ${fmt(row.floor.wallS)} s${row.floor.ok ? '' : ` FAILED: ${row.floor.problems.join('; ')}`}`);

      log(`fetch floor: a plain fetch client posts the same ${int(rows)} requests (images as data URLs)…`);
      row.fetchFloor = await fetchFloorRun(`fetch-floor ${n}`, { datasetDir, selection, dir: work });
      log(
        `fetch floor: ${fmt(row.fetchFloor.wallS)} s${row.fetchFloor.ok ? '' : ` FAILED: ${row.fetchFloor.problems.join('; ')}`}`,
      );

      log(`ours: promptfoo eval of configs/mmre-compare.yaml + configs/providers/vllm.yaml, ${int(rows)} rows…`);
      row.ours = await promptfooRun(`ours ${n}`, {
        dir: oursDir,
        configs: OURS_CONFIGS,
        out,
        extraEnv: { ...selEnv, ...pixelEnv, MMRE_IMAGE_STATS: join(oursDir, 'image-stats.json') },
        peer,
        expectedRows: rows,
      });
      log(`ours: ${fmt(row.ours.wallS)} s${row.ours.ok ? '' : ` FAILED: ${row.ours.problems.join('; ')}`}`);

      log('rerun of ours with the same config dir and cache…');
      row.rerun = await promptfooRun(`rerun ${n}`, {
        dir: oursDir,
        configs: OURS_CONFIGS,
        out: join(oursDir, 'paper-rerun.json'),
        extraEnv: { ...selEnv, ...pixelEnv, MMRE_IMAGE_STATS: join(oursDir, 'image-stats-rerun.json') },
        peer,
        expectedRows: rows,
        expectRequests: false,
      });
      log(
        `rerun: ${fmt(row.rerun.wallS)} s, ${int(row.rerun.requests)} requests at the peer${row.rerun.ok ? '' : ` FAILED: ${row.rerun.problems.join('; ')}`}`,
      );
      row.cacheBytes = await dirSize(join(oursDir, 'cache'));

      if (ladderSizes.includes(n)) {
        row.ladder = [];
        for (const step of LADDER) {
          const dir = join(work, `ladder-${step.key}`);
          log(`ladder ${step.key}: ${step.what}…`);
          const cfg = await writeLadderConfig(step.key, work);
          const r = await promptfooRun(`ladder-${step.key} ${n}`, {
            dir,
            configs: cfg.configs,
            out: join(dir, 'paper.json'),
            extraEnv: { ...selEnv, ...pixelEnv },
            peer: cfg.peer ? peer : null,
            expectedRows: rows,
          });
          row.ladder.push({ ...step, run: r });
          log(`ladder ${step.key}: ${fmt(r.wallS)} s${r.ok ? '' : ` FAILED: ${r.problems.join('; ')}`}`);
        }
      }

      if (pairSizes.includes(n)) {
        // More floor/ours pairs, each floor run right before its ours run, ours in a fresh config dir (no cache):
        // the ratio of one pair moves with the machine's load, the median of several much less.
        row.pairs = [];
        for (let i = 1; i <= extraPairs; i++) {
          const dir = join(work, `pair-${i}`);
          log(`pair ${i} of ${extraPairs}: floor, then ours…`);
          const f = await promptfooRun(`pair-${i}-floor ${n}`, {
            dir: join(dir, 'floor'),
            configs: [floorCfg.file],
            out: join(dir, 'floor', 'paper.json'),
            expectedRows: rows,
          });
          const o = await promptfooRun(`pair-${i}-ours ${n}`, {
            dir: join(dir, 'ours'),
            configs: OURS_CONFIGS,
            out: join(dir, 'ours', 'paper.json'),
            extraEnv: { ...selEnv, ...pixelEnv },
            peer,
            expectedRows: rows,
          });
          row.pairs.push({ floor: f, ours: o });
          log(`pair ${i}: floor ${fmt(f.wallS)} s, ours ${fmt(o.wallS)} s`);
        }
      }

      if (latencySizes.includes(n)) {
        // The rerun target at a model's pace: the same first run and rerun against a peer that answers after
        // MMRE_SCALE_MODEL_LATENCY_MS (default 1 s, below what Qwen2.5-VL-7B on one GPU takes for 4 images).
        const slow = await startPeerProcess({
          latencyMs: modelLatencyMs,
          validation: 'light',
          maxImages: 16,
          summaryChars,
        });
        try {
          const dir = join(work, 'model-latency');
          const env = { ...selEnv, ...pixelEnv, VLLM_BASE_URL: slow.url };
          log(`model latency ${modelLatencyMs} ms: first run…`);
          const first = await promptfooRun(`latency-first ${n}`, {
            dir,
            configs: OURS_CONFIGS,
            out: join(dir, 'paper.json'),
            extraEnv: env,
            peer: slow,
            expectedRows: rows,
          });
          log(`model latency: rerun…`);
          const again = await promptfooRun(`latency-rerun ${n}`, {
            dir,
            configs: OURS_CONFIGS,
            out: join(dir, 'paper-rerun.json'),
            extraEnv: env,
            peer: slow,
            expectedRows: rows,
            expectRequests: false,
          });
          row.latency = { ms: modelLatencyMs, first, rerun: again };
          log(
            `model latency: first ${fmt(first.wallS)} s, rerun ${fmt(again.wallS)} s (${int(again.requests)} requests)`,
          );
        } finally {
          await slow.close().catch(() => null);
        }
      }

      if (withReport) {
        const reportOn = row.ours.outputBytes ? out : row.rerun.outputBytes ? join(oursDir, 'paper-rerun.json') : null;
        if (reportOn) {
          log(`mmre report --json on ${int(MB(await sizeOf(reportOn)))} MB…`);
          row.report = await reportRun(`report ${n}`, reportOn, ['--json'], oursDir);
          log(`mmre report --html…`);
          row.html = await reportRun(`report-html ${n}`, reportOn, ['--html', join(oursDir, 'report.html')], oursDir);
          log(`report: --json ${fmt(row.report.wallS)} s, --html ${fmt(row.html.wallS)} s`);
        } else row.reportSkipped = 'the eval wrote no output';
      }

      for (const which of ['floor', 'ours']) {
        if (!(profile === which || profile === 'both')) continue;
        const profDir = join(work, `${which}-cpuprof`);
        log(`${which}: profiling run (node --cpu-prof)…`);
        const r =
          which === 'floor'
            ? await promptfooRun(`floor-prof ${n}`, {
                dir: join(work, 'floor-prof'),
                configs: [join(floorDir, 'promptfooconfig.yaml')],
                out: join(work, 'floor-prof', 'paper.json'),
                expectedRows: rows,
                cpuProf: profDir,
              })
            : await promptfooRun(`ours-prof ${n}`, {
                dir: join(work, 'ours-prof'),
                configs: OURS_CONFIGS,
                out: join(work, 'ours-prof', 'paper.json'),
                extraEnv: { ...selEnv, ...pixelEnv },
                peer,
                expectedRows: rows,
                cpuProf: profDir,
              });
        row[`${which}Profile`] = { wallS: r.wallS, ...(await summariseProfile(profDir)) };
      }
    } catch (err) {
      row.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    }
    printSize(row);
    if (!keep) {
      await rm(work, { recursive: true, force: true });
      await rm(join(root, 'node_modules', '.cache', 'mmre-scale-ladder', basename(work)), {
        recursive: true,
        force: true,
      });
    } else console.log(`kept ${work}`);
  }
} finally {
  const final = await peer.close().catch(() => null);
  if (final)
    log(
      `peer: ${int(final.chat)} chat requests in all, ${int(final.rejected)} rejected, ${int(final.retries)} retries, at most ${final.maxConcurrent} at once`,
    );
}

/** ours/floor (wall and CPU) of the table's pair and of the extra pairs, those where both runs succeeded; null without extra pairs. */
function pairRatiosOf(row) {
  if (!row.pairs?.length) return null;
  const all = [{ floor: row.floor, ours: row.ours }, ...row.pairs].filter((pr) => pr.floor?.ok && pr.ours?.ok);
  return all.length
    ? all.map((pr) => ({ wall: pr.ours.wallS / pr.floor.wallS, cpu: pr.ours.cpuS / pr.floor.cpuS }))
    : null;
}

function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

function printSize(row) {
  const { n, floor, ours, rerun } = row;
  const cell = (v, w = 12) => String(v).padStart(w);
  const head = `${'figure'.padEnd(22)}${cell('ours')}${cell('floor')}${cell('ours/floor')}${cell('rerun')}${cell('rerun/ours')}   target`;
  const ratio = (a, b) => (a !== null && b ? `${fmt(a / b, 2)}x` : 'n/a');
  const rowOf = (name, get, digits, target, { ratioFloor = true, ratioRerun = false } = {}) => {
    const o = ours ? get(ours) : null;
    const f = floor ? get(floor) : null;
    const r = rerun ? get(rerun) : null;
    return `${name.padEnd(22)}${cell(fmt(o, digits))}${cell(fmt(f, digits))}${cell(ratioFloor ? ratio(o, f) : '')}${cell(fmt(r, digits))}${cell(ratioRerun ? ratio(r, o) : '')}   ${target}`;
  };
  console.log(`\n--- scale ${int(n)}: ${row.note}`);
  if (row.error) console.log(`bench error: ${row.error}`);
  console.log(head);
  console.log(
    rowOf(
      'eval wall (s)',
      (x) => x.wallS,
      1,
      `ours ≤ ${TARGETS.eval_ratio}x floor (stretch ${TARGETS.eval_ratio_stretch}x); rerun ≤ ${TARGETS.rerun_ratio}x ours`,
      { ratioRerun: true },
    ),
  );
  const ff = row.fetchFloor;
  if (ff) {
    const both = ff.ok && floor?.ok ? ff.wallS + floor.wallS : null;
    console.log(
      `fetch floor: a plain fetch client, the same ${int(ff.rows)} requests (${fmt(ff.mbSent, 0)} MB of JSON): ${fmt(ff.wallS, 1)} s, peak ${fmt(ff.rssMiB, 0)} MiB${ff.ok ? '' : `, FAILED: ${ff.problems.join('; ')}`}; promptfoo's floor + fetch floor ${fmt(both, 1)} s, ours / that ${both && ours ? `${fmt(ours.wallS / both, 2)}x` : 'n/a'}`,
    );
  }
  console.log(rowOf('peak RSS (MiB)', (x) => x.rssMiB, 0, sizeTarget(n, TARGETS.peak_rss, { proRata: false })));
  console.log(
    rowOf(
      'output (MB)',
      (x) => (x.outputBytes === null ? null : MB(x.outputBytes)),
      1,
      sizeTarget(n, TARGETS.output, { proRata: true }),
    ),
  );
  console.log(
    rowOf(
      'promptfoo.db growth (MB)',
      (x) => MB(x.dbGrowth),
      1,
      `${sizeTarget(n, TARGETS.db_growth, { proRata: true })} per run`,
    ),
  );
  console.log(rowOf('rows', (x) => x.rows, 0, `${int(n * 3)}`, { ratioFloor: false }));
  console.log(rowOf('rows with errors', (x) => x.errors, 0, '0', { ratioFloor: false }));
  console.log(rowOf('peer requests', (x) => x.requests, 0, `${int(n * 3)}, rerun 0`, { ratioFloor: false }));
  if (row.ladder) {
    console.log(`\nladder: what each component costs inside promptfoo (${int(n * 3)} rows, -j ${jobs}, same peer)`);
    console.log(`${'step'.padEnd(62)}${cell('wall s', 9)}${cell('+ wall', 9)}${cell('cpu s', 9)}${cell('+ cpu', 9)}`);
    const steps = [
      { what: "promptfoo's floor (trivial prompts, echo provider)", run: floor },
      ...row.ladder,
      { what: '+ the M-MRE extension (= ours: configs/mmre-compare.yaml)', run: ours },
    ];
    let prev = null;
    for (const st of steps) {
      const r = st.run;
      const d = (get) => (prev && r?.ok && prev.ok ? fmt(get(r) - get(prev), 1) : '');
      console.log(
        `${st.what.padEnd(62)}${cell(fmt(r?.wallS, 1), 9)}${cell(
          d((x) => x.wallS),
          9,
        )}${cell(fmt(r?.cpuS, 1), 9)}${cell(
          d((x) => x.cpuS),
          9,
        )}${r?.ok === false ? `   FAILED: ${r.problems[0]}` : ''}`,
      );
      prev = r;
    }
  }
  const pairRatios = pairRatiosOf(row);
  if (pairRatios) {
    const list = (k) => pairRatios.map((r) => `${fmt(r[k], 2)}x`).join(', ');
    console.log(
      `\npairs (floor, then ours; the first is the table's): ours/floor wall ${list('wall')} → median ${fmt(median(pairRatios.map((r) => r.wall)), 2)}x; CPU ${list('cpu')} → median ${fmt(median(pairRatios.map((r) => r.cpu)), 2)}x`,
    );
  }
  if (row.latency) {
    const { ms, first, rerun: again } = row.latency;
    console.log(
      `\nat a model's pace (peer answers after ${int(ms)} ms): first run ${fmt(first.wallS, 1)} s, rerun ${fmt(again.wallS, 1)} s = ${first.ok && again.ok ? `${fmt(again.wallS / first.wallS, 2)}x` : 'n/a'} (target ≤ ${TARGETS.rerun_ratio}x), ${int(again.requests)} requests on the rerun${first.ok ? '' : `; first run FAILED: ${first.problems[0]}`}${again.ok ? '' : `; rerun FAILED: ${again.problems[0]}`}`,
    );
  }
  const img = (x) => x?.imageStats;
  const imgLine = (x) =>
    img(x) && Number.isFinite(img(x).processed)
      ? `${int(img(x).processed)} images made from ${int(img(x).decoded)} files (${int(img(x).encoded ?? img(x).processed)} resized and encoded by sharp, ${int(img(x).passedThrough ?? 0)} sent as the file's bytes), ${int(img(x).hits)} cache hits; ${fmt(img(x).decoded ? img(x).processMs / img(x).decoded : null, 2)} ms per file (wall time from read to its images made, ${fmt(img(x).processMs / 1000, 1)} s summed in a ${fmt(x.wallS, 1)} s run; up to 8 files overlap)`
      : 'n/a (no MMRE_IMAGE_STATS file)';
  console.log(`image encoder, ours:  ${imgLine(ours)}`);
  console.log(`image encoder, rerun: ${imgLine(rerun)}`);
  if (row.cacheBytes !== undefined)
    console.log(`promptfoo disk cache after both runs: ${fmt(MB(row.cacheBytes), 1)} MB`);
  const dbLine = (x) =>
    x?.dbAfter ? `${fmt(MB(x.dbAfter.db), 1)} MB + ${fmt(MB(x.dbAfter.wal), 1)} MB -wal/-shm` : 'n/a';
  console.log(`promptfoo.db after ours: ${dbLine(ours)}; after the rerun: ${dbLine(rerun)}; floor: ${dbLine(floor)}`);
  if (row.report)
    console.log(
      `mmre report: --json ${fmt(row.report.wallS, 2)} s (peak ${fmt(row.report.rssMiB, 0)} MiB${row.report.ok ? '' : `, FAILED exit ${row.report.code}`}), --html ${fmt(row.html.wallS, 2)} s (peak ${fmt(row.html.rssMiB, 0)} MiB${row.html.ok ? '' : `, FAILED exit ${row.html.code}`})${TARGETS.report_s(n) ? `; target ≤ ${TARGETS.report_s(n)} s` : ''}`,
    );
  else if (row.reportSkipped) console.log(`mmre report: not run (${row.reportSkipped})`);
  for (const run of [floor, ours, rerun].filter(Boolean))
    if (!run.ok) {
      failures.push(`${run.label}: ${run.problems.join('; ')}`);
      console.log(
        `\n${run.label} FAILED: ${run.problems.join('; ')}\n--- stderr/stdout tail of ${run.label}:\n${run.stderrTail}\n---`,
      );
    }
  for (const run of [
    ...(row.ladder ?? []).map((st) => st.run),
    ...(row.pairs ?? []).flatMap((pr) => [pr.floor, pr.ours]),
    row.latency?.first,
    row.latency?.rerun,
  ].filter(Boolean))
    if (!run.ok) failures.push(`${run.label}: ${run.problems.join('; ')}`);
  for (const r of [row.report, row.html].filter(Boolean))
    if (!r.ok) {
      failures.push(`mmre report ${n}: exit ${r.code}`);
      console.log(`\nmmre report FAILED (exit ${r.code}):\n${r.stderrTail}`);
    }
  if (row.error) failures.push(`scale ${n}: ${row.error.split('\n')[0]}`);
  for (const which of ['floor', 'ours'])
    if (row[`${which}Profile`]) {
      const { wallS, lines } = row[`${which}Profile`];
      console.log(`\nprofile of the ${which} run:\n  ${[`${fmt(wallS)} s under the profiler`, ...lines].join('\n  ')}`);
    }
  const withoutOurs = withoutOurCode(row);
  if (withoutOurs)
    console.log(
      `\nmain thread under the profiler: floor ${fmt(withoutOurs.floorS, 1)} s; ours ${fmt(withoutOurs.oursS, 1)} s, of which our code ${fmt(withoutOurs.ownS, 1)} s. Were our code free, the rest (promptfoo's work for these rows, its storage, GC, the HTTP client's callbacks) would still be ${fmt(withoutOurs.ratio, 2)}x the floor's main thread (target ≤ ${TARGETS.eval_ratio}x for the whole run)`,
    );

  // summary lines; a figure of a failed run says so in its parenthesis
  const p = `scale.${n}`;
  const v = (x, d) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
  const okv = (run, get, d) => (run ? v(get(run), d) : 'n/a');
  const failedNote = (...runs) =>
    runs
      .filter((r) => r && !r.ok)
      .map((r) => `; ${r.label} FAILED: ${r.problems[0]}`)
      .join('');
  const outMB = (x) => (x.outputBytes === null ? null : MB(x.outputBytes));
  line(
    `${p}.eval_s`,
    okv(ours, (x) => x.wallS, 1),
    's',
    `report; floor ${okv(floor, (x) => x.wallS, 1)} s${failedNote(ours, floor)}`,
  );
  line(
    `${p}.eval_ratio`,
    ours && floor ? v(ours.wallS / floor.wallS, 2) : 'n/a',
    'x',
    `≤ ${TARGETS.eval_ratio}, stretch ≤ ${TARGETS.eval_ratio_stretch}${failedNote(ours, floor)}`,
  );
  if (pairRatios)
    line(
      `${p}.eval_ratio_median`,
      v(median(pairRatios.map((r) => r.wall)), 2),
      'x',
      `≤ ${TARGETS.eval_ratio}: median of ${pairRatios.length} floor/ours pairs, range ${fmt(Math.min(...pairRatios.map((r) => r.wall)), 2)}–${fmt(Math.max(...pairRatios.map((r) => r.wall)), 2)}x`,
    );
  line(
    `${p}.fetch_floor_s`,
    ff?.ok ? v(ff.wallS, 1) : 'n/a',
    's',
    `report (same requests, plain fetch client)${failedNote(ff)}`,
  );
  line(
    `${p}.eval_ratio_to_both_floors`,
    ours && floor && ff?.ok ? v(ours.wallS / (floor.wallS + ff.wallS), 2) : 'n/a',
    'x',
    `report: ours / (promptfoo's floor + fetch floor)${failedNote(ours, floor, ff)}`,
  );
  line(
    `${p}.peak_rss`,
    okv(ours, (x) => x.rssMiB, 0),
    'MiB',
    `${sizeTarget(n, TARGETS.peak_rss, { proRata: false })}; floor ${okv(floor, (x) => x.rssMiB, 0)}${failedNote(ours)}`,
  );
  line(
    `${p}.output`,
    okv(ours, outMB, 1),
    'MB',
    `${sizeTarget(n, TARGETS.output, { proRata: true })}; floor ${okv(floor, outMB, 1)}${failedNote(ours)}`,
  );
  line(
    `${p}.db_growth`,
    okv(ours, (x) => MB(x.dbGrowth), 1),
    'MB',
    `${sizeTarget(n, TARGETS.db_growth, { proRata: true })}; floor ${okv(floor, (x) => MB(x.dbGrowth), 1)}${failedNote(ours)}`,
  );
  line(
    `${p}.rerun_ratio`,
    ours && rerun ? v(rerun.wallS / ours.wallS, 2) : 'n/a',
    'x',
    `≤ ${TARGETS.rerun_ratio}${failedNote(ours, rerun)}`,
  );
  if (row.latency)
    line(
      `${p}.rerun_ratio_at_model_latency`,
      row.latency.first.ok && row.latency.rerun.ok ? v(row.latency.rerun.wallS / row.latency.first.wallS, 2) : 'n/a',
      'x',
      `≤ ${TARGETS.rerun_ratio} (peer latency ${row.latency.ms} ms)${failedNote(row.latency.first, row.latency.rerun)}`,
    );
  line(
    `${p}.rerun_to_floor`,
    rerun && floor ? v(rerun.wallS / floor.wallS, 2) : 'n/a',
    'x',
    `report: a rerun still makes every row, so it costs at least about the floor; rerun ≤ ${TARGETS.rerun_ratio}x ours needs ours ≥ ${fmt(1 / TARGETS.rerun_ratio, 0)}x this${failedNote(rerun, floor)}`,
  );
  if (withoutOurs)
    line(
      `${p}.main_thread_ratio_without_our_code`,
      v(withoutOurs.ratio, 2),
      'x',
      `report: (ours − our code) / floor, main-thread CPU under the profiler (MMRE_SCALE_PROFILE=both)`,
    );
  line(
    `${p}.eval_cpu_ratio`,
    ours?.cpuS && floor?.cpuS ? v(ours.cpuS / floor.cpuS, 2) : 'n/a',
    'x',
    `report: CPU seconds, ours / floor (${okv(ours, (x) => x.cpuS, 1)} / ${okv(floor, (x) => x.cpuS, 1)} s)`,
  );
  line(`${p}.rerun_requests`, rerun?.requests ?? 'n/a', '', `${TARGETS.rerun_requests}${failedNote(rerun)}`);
  const perImage = ours?.imageStats?.decoded ? ours.imageStats.processMs / ours.imageStats.decoded : null;
  line(
    `${p}.ms_per_image`,
    v(perImage, 2),
    'ms',
    `report (wall per source file, up to 8 overlap); ${ours?.imageStats ? `${int(ours.imageStats.encoded ?? ours.imageStats.processed)} encoded, ${int(ours.imageStats.passedThrough ?? 0)} passed through` : 'no MMRE_IMAGE_STATS file'}`,
  );
  const rt = TARGETS.report_s(n);
  const reportNote = row.reportSkipped
    ? `; not run: ${row.reportSkipped}`
    : row.report && !row.report.ok
      ? `; FAILED exit ${row.report.code}`
      : '';
  line(`${p}.report_s`, row.report ? v(row.report.wallS, 2) : 'n/a', 's', `${rt ? `≤ ${rt}` : 'report'}${reportNote}`);
  line(
    `${p}.report_html_s`,
    row.html ? v(row.html.wallS, 2) : 'n/a',
    's',
    `report${row.html && !row.html.ok ? `; FAILED exit ${row.html.code}` : reportNote}`,
  );
}

// How cost grows: between consecutive sizes, the extra time per extra row (the fixed part cancels out).
const growth = marginalCosts(results);
if (growth.length) {
  console.log(
    "\n=== growth (the table's runs, one per size): extra wall time per extra row, and the fixed part the two sizes imply",
  );
  for (const g of growth) {
    console.log(
      `${int(g.from)} → ${int(g.to)} samples: ours ${fmt(g.oursMsPerRow, 2)} ms/row (fixed ${fmt(g.oursFixedS, 1)} s), floor ${fmt(g.floorMsPerRow, 2)} ms/row (fixed ${fmt(g.floorFixedS, 1)} s), per-row ratio ${Number.isFinite(g.ratio) ? `${fmt(g.ratio, 2)}x` : 'n/a (the floor did not grow)'}`,
    );
    line(
      `scale.growth.${g.from}-${g.to}.ms_per_row`,
      fmt(g.oursMsPerRow, 2),
      'ms',
      `report; floor ${fmt(g.floorMsPerRow, 2)} ms`,
    );
    line(
      `scale.growth.${g.from}-${g.to}.per_row_ratio`,
      fmt(g.ratio, 2),
      'x',
      "report: ours/floor per extra row; constant across sizes means cost grows linearly (the plain ratio also moves with the floor's fixed start-up)",
    );
  }
}

console.log('\n=== scale summary');
for (const l of summary) console.log(l);
if (failures.length) {
  console.log(`\n${failures.length} failed run(s):`);
  for (const f of failures) console.log(`  ${f}`);
}
log('done');
process.exit(failures.length ? 1 : 0);
