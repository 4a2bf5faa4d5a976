// The promptfoo configs in configs/: every file loads with promptfoo's own loader (`promptfoo validate
// config`, which also instantiates every provider), and mmre-compare runs end to end against the
// offline providers — baseline (twice: the second run is served from promptfoo's cache, which the
// providers use themselves through the call context, no wrapper provider) and replay
// of the baseline's saved answers (which must give the same report). promptfoo loads the built
// packages (dist/): run `pnpm build` first (`pnpm test` does).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildReport, loadResults } from '@mmre/report';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROMPTFOO = join(repoRoot, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');
const CONFIGS = join(repoRoot, 'configs');
const MODE_CONFIGS = ['mmre-compare.yaml', 'mmre-summary.yaml', 'mmre-mner.yaml', 'mmre-joint.yaml'];
const PRESETS = readdirSync(join(CONFIGS, 'providers'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const built = ['assertions', 'dataset', 'pfa', 'provider-offline', 'provider-qwen-local', 'provider-qwen-hosted'].every(
  (p) => existsSync(join(repoRoot, 'packages', p, 'dist', 'index.js')),
);
if (!built) console.warn('configs tests need the built packages (pnpm build); skipping');

let dir: string;
const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo'),
  PROMPTFOO_CACHE_PATH: join(dir, 'cache'),
  // vitest sets NODE_ENV=test, under which promptfoo keeps its cache in memory only.
  PROMPTFOO_CACHE_TYPE: 'disk',
  PROMPTFOO_DISABLE_TELEMETRY: '1',
  PROMPTFOO_DISABLE_UPDATE: '1',
  MMRE_LIMIT: '3',
  MMRE_PREDICTIONS: join(dir, 'predictions.jsonl'),
  ...extra,
});

async function promptfoo(args: string[], extra: Record<string, string> = {}) {
  try {
    return await run(process.execPath, [PROMPTFOO, ...args], { cwd: repoRoot, env: env(extra), maxBuffer: 1 << 26 });
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`promptfoo ${args.join(' ')} exited ${e.code}:\n${e.stdout}\n${e.stderr}`);
  }
}

const evalArgs = (presets: string[], out: string) => [
  'eval',
  '-c',
  'configs/mmre-compare.yaml',
  ...presets.flatMap((p) => ['-c', `configs/providers/${p}`]),
  '-o',
  out,
  '--no-progress-bar',
  '--no-table',
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-configs-'));
  await writeFile(join(dir, 'predictions.jsonl'), '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!built)('configs/', () => {
  it('has the four mode configs and the provider presets', () => {
    for (const f of MODE_CONFIGS) expect(existsSync(join(CONFIGS, f))).toBe(true);
    expect(PRESETS).toEqual(
      expect.arrayContaining(
        ['vllm', 'sglang', 'lmdeploy', 'llamacpp', 'ollama', 'dashscope', 'openrouter', 'baseline', 'replay'].map(
          (p) => `${p}.yaml`,
        ),
      ),
    );
  });

  it('every config and preset loads with promptfoo’s own loader; mmre-compare runs end to end offline: baseline, then a cached second run beside the replay of its answers', async () => {
    const first = join(dir, 'baseline-1.json');
    const args = ['validate', 'config'];
    for (const f of MODE_CONFIGS) args.push('-c', `configs/${f}`);
    for (const f of PRESETS) args.push('-c', `configs/providers/${f}`);
    // Both at once: they share nothing but the CPU.
    const [validated] = await Promise.all([
      promptfoo(args, {
        DASHSCOPE_API_KEY: 'x',
        OPENROUTER_API_KEY: 'x',
        PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo-validate'),
      }),
      promptfoo(evalArgs(['baseline.yaml'], first)),
    ]);
    const text = `${validated.stdout}\n${validated.stderr}`;
    expect(text).not.toMatch(/Invalid configuration file|Failed to validate|Could not find entity|not found/i);
    expect(text).toContain('Configuration is valid');

    const a = JSON.parse(await readFile(first, 'utf8'));
    const rows = a.results.results as {
      vars: { id: string };
      prompt: { label: string };
      response: { output: string; cached?: boolean; metadata?: Record<string, unknown> };
      provider: { id: string; label?: string };
      error?: string;
      namedScores: Record<string, number>;
      metadata: Record<string, unknown>;
    }[];
    expect(rows).toHaveLength(9);
    // The extension keeps the provider's metadata once, in response.metadata; the row's metadata keeps the test's.
    for (const r of rows) {
      const reported = Object.keys(r.response.metadata ?? {});
      expect(reported.length).toBeGreaterThan(0);
      for (const k of reported) expect(r.metadata).not.toHaveProperty(k);
      expect(r.metadata.sampleId).toBe(r.vars.id);
    }
    expect(rows.filter((r) => r.error)).toEqual([]);
    expect(new Set(rows.map((r) => r.prompt.label))).toEqual(new Set(['summary', 'mner', 'joint']));
    expect(rows.filter((r) => r.response.cached)).toHaveLength(0);
    // the preset names the provider itself (its answers go through promptfoo's cache without a wrapper)
    expect(new Set(rows.map((r) => `${r.provider.id} ${r.provider.label}`))).toEqual(
      new Set(['package:@mmre/provider-offline:BaselineProvider baseline']),
    );
    // Each mode's metrics only on its own prompt: absent, never 0.
    for (const r of rows) {
      const names = Object.keys(r.namedScores);
      expect(names.some((n) => n.startsWith('summary.'))).toBe(r.prompt.label !== 'mner');
      expect(names.some((n) => n.startsWith('ner.'))).toBe(r.prompt.label !== 'summary');
    }
    // Corpus values from derivedMetrics (added by configs/lib/extension.mjs) agree with `mmre report`.
    const report = buildReport(await loadResults([first]), { bootstrap: 200 });
    const prompts = a.results.prompts as { label: string; metrics: { namedScores: Record<string, number> } }[];
    const joint = prompts.find((p) => p.label === 'joint')?.metrics.namedScores ?? {};
    const jointRow = report.systems[0]?.table.find((t) => t.mode === 'joint');
    expect(joint['corpus.bleu']).toBeCloseTo(jointRow?.metrics.bleu as number, 8);
    expect((joint['corpus.ner_micro_f1'] as number) * 100).toBeCloseTo(jointRow?.metrics.nerF1 as number, 8);
    expect((joint['corpus.matching_micro_accuracy'] as number) * 100).toBeCloseTo(
      jointRow?.metrics.accuracy as number,
      8,
    );
    expect(prompts.find((p) => p.label === 'summary')?.metrics.namedScores['ner.n']).toBeUndefined();

    // One more eval with two providers: the baseline again (served from promptfoo's cache) and the
    // replay of the baseline's saved answers; `mmre report --provider` picks each.
    await writeFile(
      join(dir, 'predictions.jsonl'),
      rows.map((r) => JSON.stringify({ id: r.vars.id, mode: r.prompt.label, output: r.response.output })).join('\n'),
    );
    const second = join(dir, 'second.json');
    await promptfoo(evalArgs(['baseline.yaml', 'replay.yaml'], second));
    const loaded = await loadResults([second]);
    expect(loaded.rows).toHaveLength(18);
    // Without --provider: two models, and between them no difference (the replay answers as the baseline).
    const both = buildReport(loaded, { bootstrap: 200 });
    expect(both.systems.map((x) => x.key)).toEqual(['baseline', 'replay']);
    expect(both.comparisons.length).toBeGreaterThan(0);
    for (const c of both.comparisons) expect([c.delta, c.pValue]).toEqual([0, 1]);
    const again = buildReport(loaded, { bootstrap: 200, providers: ['baseline'] });
    expect(again.systems[0]?.table.map((t) => t.metrics)).toEqual(report.systems[0]?.table.map((t) => t.metrics));
    expect(again.systems[0]?.table.map((t) => t.counts.cached)).toEqual([3, 3, 3]);
    const replayed = buildReport(loaded, { bootstrap: 200, providers: ['replay'] });
    expect(replayed.systems[0]?.table.map((t) => t.metrics)).toEqual(report.systems[0]?.table.map((t) => t.metrics));
    expect(replayed.systems[0]?.table.map((t) => t.counts.cached)).toEqual([0, 0, 0]);
    expect(replayed.systems[0]?.table[0]?.provider?.key).toBe('replay');
  }, 240_000);
});
