// CI smoke test of the paper-size path (project issue 9; the full-size figures come from
// `pnpm bench scale`, bench/scale.bench.mjs). A 300-sample dataset (test-support/scale-dataset.ts: every
// sample with images of its own, all in the `test` split) runs through the real promptfoo CLI with
// configs/mmre-compare.yaml + configs/providers/vllm.yaml against a zero-latency vLLM-style peer in its own
// process (bench/lib/peer.mjs), -j 8, default resolution settings, then `mmre report`; then once more with
// the same promptfoo config dir and cache. It asserts completion and bounded sizes, never timings:
//   first run   exit 0; 900 rows without errors, every answer from the peer; the peer saw 900 requests;
//               output file ≤ 50 MB × 900/4,980 (the target for the paper's 4,980 rows, pro rata);
//               promptfoo.db growth ≤ 100 MB × 900/4,980; peak RSS of promptfoo ≤ 1 GiB (the paper-size
//               target, which 900 rows must meet a fortiori); `mmre report` succeeds with 300 paired samples;
//               the repository's .env kept promptfoo's debug log off (error log on);
//   rerun       exit 0; 0 requests at the peer; the same answers and the same report numbers.
// The size and memory bounds are soft assertions, so one run reports every bound it misses.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnswer } from '@mmre/core';
import { buildIfStale, runProcess } from '@mmre-test/process';
import { promptfooEntrypoint, promptfooEnv } from '@mmre-test/promptfoo';
import { buildScaleDataset, meanGoldSummaryChars, type ScaleDataset } from '@mmre-test/scale-dataset';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PeerProcess, startPeerProcess } from '../bench/lib/peer-client.ts';

const SAMPLES = 300;
const ROWS = SAMPLES * 3;
const PAPER_ROWS = 4980;
const MB = 1e6;
/** The targets for the paper's 4,980 rows, pro rata for 900. */
const OUTPUT_BOUND = Math.round((50 * MB * ROWS) / PAPER_ROWS);
const DB_BOUND = Math.round((100 * MB * ROWS) / PAPER_ROWS);
const RSS_BOUND = 1024 * 1024 * 1024;

const mmreBin = join(repoRoot, 'packages', 'cli', 'bin', 'mmre.js');

/** Every workspace package promptfoo or the CLI loads from dist/ is rebuilt when its sources are newer. */
function buildStalePackages(): void {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === '__fixtures__' ? [] : sources(p);
      return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
    });
  for (const name of readdirSync(join(repoRoot, 'packages')).sort()) {
    const pkgDir = join(repoRoot, 'packages', name);
    const manifest = join(pkgDir, 'package.json');
    if (!existsSync(manifest) || !existsSync(join(pkgDir, 'src'))) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; scripts?: { build?: string } };
    if (!pkg.scripts?.build) continue;
    buildIfStale(pkg.name, join(pkgDir, 'dist', 'index.js'), [...sources(join(pkgDir, 'src')), manifest]);
  }
}

/** What this test reads of `mmre report --json`. */
interface ReportJson {
  systems: { key: string; pairedSamples: number; table: unknown; deltas: unknown }[];
}

interface EvalRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Peak RSS (VmHWM) of the promptfoo process, bytes; null when /proc was not readable. */
  peakRss: number | null;
  outputBytes: number;
  dbGrowth: number;
  requests: number;
}

const dbBytes = (configDir: string) =>
  ['promptfoo.db', 'promptfoo.db-wal', 'promptfoo.db-shm']
    .map((f) => join(configDir, f))
    .reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);

/** The environment of the eval: promptfoo's writes in `dir`, the disk cache, none of the runner's knobs. */
function evalEnv(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = promptfooEnv(dir, { PROMPTFOO_CACHE_TYPE: 'disk' });
  for (const k of Object.keys(env))
    if (
      k.startsWith('MMRE_') ||
      k.startsWith('VITEST') ||
      k === 'NODE_ENV' ||
      k === 'JEST_WORKER_ID' ||
      k === 'PROMPTFOO_DISABLE_DEBUG_LOG'
    )
      delete env[k];
  // (vitest sets NODE_ENV=test, with which promptfoo keeps its cache in memory and the rerun could not hit it;
  // PROMPTFOO_DISABLE_DEBUG_LOG must come from the repository's .env, as in a user's run from its root)
  return { ...env, ...extra };
}

/** Reads VmHWM (peak resident set) of a running process; null when unavailable. */
function peakRssOf(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A report's table and deltas without `cached` counts (deep copy). */
function numbers(report: ReportJson | undefined): unknown {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== 'cached')
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  return strip({ systems: report?.systems });
}

describe(`paper-size path at ${SAMPLES} samples (issue 9 smoke test)`, () => {
  let dataset: ScaleDataset;
  let peer: PeerProcess;
  let dir: string;
  let summaryChars = 0;
  let first: EvalRun | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: promptfoo's output JSON
  let firstRows: any[] = [];
  let firstReport: ReportJson | undefined;

  beforeAll(async () => {
    buildStalePackages();
    dataset = await buildScaleDataset({ samples: SAMPLES, split: 'test' });
    // summaries as long as the gold ones, so the rows (and the output bound) are a real model's size
    summaryChars = await meanGoldSummaryChars(dataset.dir, 'test');
    expect(summaryChars).toBeGreaterThan(200);
    peer = await startPeerProcess({ latencyMs: 0, validation: 'light', maxImages: 16, summaryChars });
    dir = await mkdtemp(join(tmpdir(), 'mmre-scale-test-'));
  }, 180_000);

  afterAll(async () => {
    await peer?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** One `promptfoo eval` as the README runs it, with the peak RSS sampled from /proc while it runs. */
  async function runEval(out: string): Promise<EvalRun> {
    const env = evalEnv(dir, {
      MMRE_DATASET: dataset.dir,
      MMRE_SPLIT: 'test',
      VLLM_BASE_URL: peer.url,
    });
    const configDir = env.PROMPTFOO_CONFIG_DIR as string;
    const dbBefore = dbBytes(configDir);
    const before = (await peer.stats()).chat;
    const child = spawn(
      process.execPath,
      [
        promptfooEntrypoint,
        'eval',
        '-c',
        'configs/mmre-compare.yaml',
        '-c',
        'configs/providers/vllm.yaml',
        '-o',
        out,
        '-j',
        '8',
        '--no-progress-bar',
        '--no-table',
      ],
      { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-20_000);
    });
    let peakRss: number | null = null;
    const sample = () => {
      const v = child.pid ? peakRssOf(child.pid) : null;
      if (v !== null) peakRss = Math.max(peakRss ?? 0, v);
    };
    const poll = setInterval(sample, 100);
    const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.on('error', (e) => {
        stderr += `\nspawn error: ${e.message}`;
        resolve([null, null]);
      });
      child.on('close', (c, s) => resolve([c, s]));
    });
    clearInterval(poll);
    clearTimeout(killer);
    return {
      code,
      signal,
      stderr,
      peakRss,
      outputBytes: existsSync(out) ? statSync(out).size : 0,
      dbGrowth: dbBytes(configDir) - dbBefore,
      requests: (await peer.stats()).chat - before,
    };
  }

  async function report(file: string) {
    const r = await runProcess(process.execPath, [mmreBin, 'report', file, '--json'], {
      cwd: repoRoot,
      env: evalEnv(dir, {}),
      timeoutMs: 120_000,
    });
    expect(r.code, `mmre report ${file} failed:\n${r.stderr.slice(-3000)}`).toBe(0);
    return JSON.parse(r.stdout) as ReportJson;
  }

  it('the built dataset is valid: 300 samples, each with images of its own, all in the test split', async () => {
    expect(dataset.samples).toBe(SAMPLES);
    expect(dataset.splits).toEqual({ test: SAMPLES });
    const v = await runProcess(process.execPath, [mmreBin, 'dataset', 'validate', dataset.dir], {
      cwd: repoRoot,
      env: evalEnv(dir, {}),
      timeoutMs: 120_000,
    });
    expect(v.code, `mmre dataset validate ${dataset.dir}:\n${v.stdout}\n${v.stderr}`).toBe(0);
    const lines = readFileSync(join(dataset.dir, 'samples.jsonl'), 'utf8').trim().split('\n');
    const paths = lines.flatMap((l) => {
      const s = JSON.parse(l) as { image: { path: string }; segments: { path?: string }[] };
      return [s.image.path, ...s.segments.flatMap((g) => (g.path ? [g.path] : []))];
    });
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.length).toBe(dataset.images);
  }, 120_000);

  it(`a promptfoo eval of ${ROWS} rows completes within the size bounds, and mmre report pairs ${SAMPLES} samples`, async () => {
    const out = join(dir, 'paper.json');
    first = await runEval(out);
    const mib = (b: number | null) => (b === null ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MiB`);
    const summary = `output ${(first.outputBytes / MB).toFixed(1)} MB, promptfoo.db +${(first.dbGrowth / MB).toFixed(1)} MB, peak RSS ${mib(first.peakRss)}, ${first.requests} requests`;
    console.log(`scale test, first run: exit ${first.code}; ${summary}`);
    expect(first.code, `promptfoo eval exited ${first.code} (${first.signal ?? 'no signal'}):\n${first.stderr}`).toBe(
      0,
    );
    expect(first.outputBytes, 'no output file').toBeGreaterThan(0);

    // bounded sizes (soft: every missed bound is reported)
    expect
      .soft(first.outputBytes, `output file ≤ ${(OUTPUT_BOUND / MB).toFixed(2)} MB (50 MB × ${ROWS}/${PAPER_ROWS})`)
      .toBeLessThanOrEqual(OUTPUT_BOUND);
    expect
      .soft(first.dbGrowth, `promptfoo.db growth ≤ ${(DB_BOUND / MB).toFixed(2)} MB (100 MB × ${ROWS}/${PAPER_ROWS})`)
      .toBeLessThanOrEqual(DB_BOUND);
    expect(first.peakRss, 'peak RSS of promptfoo could not be read from /proc').not.toBeNull();
    expect.soft(first.peakRss ?? 0, 'peak RSS of promptfoo ≤ 1 GiB').toBeLessThanOrEqual(RSS_BOUND);

    const output = JSON.parse(readFileSync(out, 'utf8'));
    const rows = output.results.results;
    firstRows = rows;
    expect(rows).toHaveLength(ROWS);
    const failed = rows.filter(
      (r: { error?: unknown; response?: { error?: unknown } }) => r.error || r.response?.error,
    );
    expect(failed.map((r: { error?: unknown }) => r.error).slice(0, 3), `${failed.length} rows with errors`).toEqual(
      [],
    );
    // every answer is the testkit peer's: its summaries list the images it received, sized 0x0 under light
    // validation (then sentences to the gold summaries' length)
    const summaryRe = /^Task 1 Answer: The request carried \d+ images? \(0x0(, 0x0)*\) and \d+ segment labels?\./;
    const nerRe = /(^|\n)Task 2 Answer: NER: .*image-entity pair: \{/;
    const counts: Record<string, number> = {};
    for (const r of rows) {
      const label = r.prompt?.label as string;
      counts[label] = (counts[label] ?? 0) + 1;
      const text = String(r.response?.output ?? '');
      if (label !== 'mner') {
        expect(text, `row ${r.testIdx}/${label}`).toMatch(summaryRe);
        expect(parseAnswer(text).summary?.length ?? 0, `row ${r.testIdx}/${label}`).toBeGreaterThanOrEqual(
          summaryChars,
        );
      }
      if (label !== 'summary') expect(text, `row ${r.testIdx}/${label}`).toMatch(nerRe);
      expect(r.response?.cached ?? false, `row ${r.testIdx}/${label} came from a cache`).toBe(false);
    }
    expect(counts).toEqual({ summary: SAMPLES, mner: SAMPLES, joint: SAMPLES });
    expect(first.requests, 'requests seen by the peer').toBe(ROWS);

    firstReport = await report(out);
    expect(firstReport.systems.map((x) => x.pairedSamples)).toEqual([SAMPLES]);

    // The repository's .env (loaded by promptfoo from the directory it runs in) turned off promptfoo's per-run
    // debug log, whose backlog at shutdown crashed a rerun with "write after end"; its error log stays on.
    const logs = readdirSync(join(dir, '.logs'));
    expect(logs.filter((f) => f.startsWith('promptfoo-error-')).length, `log files: ${logs}`).toBeGreaterThan(0);
    expect(
      logs.filter((f) => f.startsWith('promptfoo-debug-')),
      'promptfoo debug logs',
    ).toEqual([]);
  }, 300_000);

  it('a rerun with the same promptfoo cache sends no request and gives the same answers and report numbers', async () => {
    expect(first?.code, 'the first run did not complete').toBe(0);
    const out = join(dir, 'paper-rerun.json');
    const again = await runEval(out);
    console.log(
      `scale test, rerun: exit ${again.code}; output ${(again.outputBytes / MB).toFixed(1)} MB, ${again.requests} requests`,
    );
    expect(again.code, `promptfoo eval (rerun) exited ${again.code}:\n${again.stderr}`).toBe(0);
    expect.soft(again.requests, 'requests seen by the peer in the rerun').toBe(0);
    const rows = JSON.parse(readFileSync(out, 'utf8')).results.results;
    expect(rows).toHaveLength(ROWS);
    // biome-ignore lint/suspicious/noExplicitAny: promptfoo's output rows
    const answers = (rs: any[]) => new Map(rs.map((r) => [`${r.vars?.id}/${r.prompt?.label}`, r.response?.output]));
    expect(answers(rows)).toEqual(answers(firstRows));
    const rep = await report(out);
    expect(rep.systems.map((x) => x.pairedSamples)).toEqual([SAMPLES]);
    // the same numbers; only the count of rows answered from promptfoo's cache may differ
    expect(numbers(rep)).toEqual(numbers(firstReport));
  }, 300_000);
});
