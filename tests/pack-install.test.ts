// Proof that what we publish works: every package is packed with `pnpm pack`, the tarballs are installed
// with promptfoo 0.123.1 into a fresh project outside the workspace, and that project runs a real
// `promptfoo eval` that names our packages only through `package:` and `file://node_modules/...`
// references (test generator, PFA prompts, offline providers, assertions, derived metrics), runs the
// packed `mmre` bin on the results, and type-checks a consumer file against the shipped .d.ts files.
//
// `pnpm pack` packs dist/ as it is: `pnpm test` builds first; by hand run `pnpm build` before this test.
// MMRE_KEEP_PACK_PROJECT=1 keeps the temporary project for a look after the run; MMRE_PACK_SYNTHETIC=1
// uses the synthetic dataset (drawn with sharp) even when datasets/mmre-sample exists.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Peer, startOpenAIPeer } from '@mmre/provider-testkit';
import { repoRoot } from '@mmre-test/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, packAll, type RunResult, run, workspacePackages } from './pack-helpers.js';

const MODES = ['summary', 'mner', 'joint'] as const;
type Mode = (typeof MODES)[number];
const PROVIDERS = ['baseline', 'replay'] as const;
const LIMIT = 3; // tests taken from the dataset's test split

// allowBuilds as in the workspace: pnpm 12 refuses an install whose build scripts are undecided.
const ALLOW_BUILDS: Record<string, boolean> = {
  esbuild: true,
  sharp: true,
  '@playwright/browser-chromium': false,
  '@swc/core': false,
  'onnxruntime-node': false,
  protobufjs: false,
};

const root = mkdtempSync(join(tmpdir(), 'mmre-pack-install-'));
const tgzDir = join(root, 'tarballs');
const proj = join(root, 'project');
const timings: Record<string, number> = {};

/** Environment for commands in the project: no settings leaking in from vitest or the caller's MMRE_* / PROMPTFOO_*. */
function projectEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(VITEST|MMRE_|PROMPTFOO_|NODE_ENV$|NODE_OPTIONS$|TEST$|npm_)/.test(k)) env[k] = v;
  return {
    ...env,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_CONFIG_DIR: join(root, 'promptfoo'),
    PROMPTFOO_CACHE_PATH: join(root, 'promptfoo-cache'),
    TURBO_TELEMETRY_DISABLED: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

async function inProject(what: string, cmd: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  const r = await run(cmd, args, { cwd: proj, env: projectEnv(), timeoutMs });
  if (r.code !== 0) throw new Error(describeRun(what, proj, r));
  return r;
}

const bin = (name: string) => join(proj, 'node_modules', '.bin', name);

function yamlString(s: string): string {
  return JSON.stringify(s);
}

// ---------- the dataset: the shipped sample if present, else a synthetic one drawn with sharp ----------

async function writeSyntheticDataset(dir: string): Promise<void> {
  // sharp as the workspace has it (a dependency of @mmre/dataset).
  const sharp = createRequire(join(repoRoot, 'packages', 'dataset', 'package.json'))('sharp') as (input: Buffer) => {
    jpeg(): { toFile(p: string): Promise<unknown> };
  };
  mkdirSync(join(dir, 'images'), { recursive: true });
  const people = [
    ['Maya Torres', 'Riverside Hawks', 'Boston'],
    ['Omar Haddad', 'Northgate Rovers', 'Lisbon'],
    ['Lena Fischer', 'Blue Harbor FC', 'Oslo'],
    ['Ivo Petrov', 'Kestrel Coffee', 'Madrid'],
    ['Ana Souza', 'Paper Moons', 'Chicago'],
  ];
  const lines: string[] = [];
  for (const [i, [person, org, place]] of people.entries()) {
    const id = `syn-${String(i + 1).padStart(3, '0')}`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="448" height="336"><rect width="448" height="336" fill="#${(0x336699 + i * 0x112211).toString(16).slice(-6)}"/><rect x="20" y="60" width="180" height="240" fill="#eeeeee"/><text x="30" y="180" font-size="20">${person}</text><rect x="240" y="60" width="180" height="240" fill="#ffcc00"/><text x="250" y="180" font-size="20">${org}</text></svg>`;
    await sharp(Buffer.from(svg))
      .jpeg()
      .toFile(join(dir, 'images', `${id}.jpg`));
    lines.push(
      JSON.stringify({
        id,
        split: i < 2 ? 'train' : 'test',
        text: `${person} of ${org} wins again in ${place} tonight`,
        image: { path: `images/${id}.jpg`, width: 448, height: 336 },
        segments: [
          { id: 'a', box: { xmin: 20, ymin: 60, xmax: 200, ymax: 300 } },
          { id: 'b', box: { xmin: 240, ymin: 60, xmax: 420, ymax: 300 } },
        ],
        gold: {
          summary: `A poster with two panels: a grey one reading ${person} and a yellow one reading ${org}.`,
          entities: [
            { label: 'person', text: person },
            { label: 'organization', text: org },
            { label: 'location', text: place },
          ],
          pairs: [
            { segment: 'a', entity: person },
            { segment: 'b', entity: org },
          ],
        },
      }),
    );
  }
  writeFileSync(join(dir, 'samples.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'dataset.json'),
    JSON.stringify({ name: 'synthetic', version: '1.0.0', license: 'CC0-1.0', splits: { train: 2, test: 3 } }, null, 2),
  );
}

// ---------- the project ----------

interface PromptfooRow {
  success: boolean;
  error?: string | null;
  score: number;
  namedScores: Record<string, number>;
  prompt: { label: string };
  provider: { id: string; label?: string };
  vars: Record<string, string>;
  response?: { output?: unknown; error?: string };
  gradingResult?: {
    pass: boolean;
    reason?: string;
    componentResults?: { pass: boolean; score: number; reason: string }[];
  };
}
interface PromptfooPrompt {
  label: string;
  provider: string;
  metrics: {
    namedScores: Record<string, number | null>;
    testPassCount: number;
    testFailCount: number;
    testErrorCount: number;
  };
}
interface PromptfooOutput {
  results: { prompts: PromptfooPrompt[]; results: PromptfooRow[] };
}

let datasetSource = '';
let out: PromptfooOutput;
let evalRun: RunResult;

function rowsOf(provider: string, mode?: Mode): PromptfooRow[] {
  return out.results.results.filter(
    (r) => (r.provider.label ?? r.provider.id) === provider && (mode === undefined || r.prompt.label === mode),
  );
}
function promptOf(provider: string, mode: Mode): PromptfooPrompt {
  const p = out.results.prompts.find((x) => x.provider === provider && x.label === mode);
  if (!p)
    throw new Error(
      `no prompt ${mode} × ${provider} in out.json; have ${out.results.prompts.map((x) => `${x.label} × ${x.provider}`).join(', ')}`,
    );
  return p;
}

const TASK_PREFIXES: Record<Mode, { present: string[]; absent: string[] }> = {
  summary: { present: ['summary.', 'bleu.', 'format.'], absent: ['ner.', 'matching.'] },
  mner: { present: ['ner.', 'matching.', 'format.'], absent: ['summary.', 'bleu.'] },
  joint: { present: ['summary.', 'bleu.', 'ner.', 'matching.', 'format.'], absent: [] },
};
const DERIVED: Record<'task1' | 'task2', string[]> = {
  task1: ['corpus.bleu', 'corpus.rouge1', 'corpus.rouge2', 'corpus.rougeL', 'corpus.rougeLsum'],
  task2: [
    'corpus.ner_micro_f1',
    'corpus.ner_micro_precision',
    'corpus.ner_micro_recall',
    'corpus.ner_macro_f1',
    'corpus.matching_micro_accuracy',
    'corpus.matching_micro_precision',
    'corpus.matching_micro_f1',
  ],
};
const asks = (mode: Mode) => ({ task1: mode !== 'mner', task2: mode !== 'summary' });

describe('packed tarballs installed into a fresh project outside the workspace', () => {
  beforeAll(async () => {
    // 1. Pack every package.
    mkdirSync(tgzDir, { recursive: true });
    mkdirSync(proj, { recursive: true });
    let t = performance.now();
    const tarballs = packAll(tgzDir);
    timings.pack = performance.now() - t;
    const deps: Record<string, string> = { promptfoo: '0.123.1' };
    const overrides: Record<string, string> = {};
    for (const [folder, tgz] of tarballs) {
      const name = JSON.parse(readFileSync(join(repoRoot, 'packages', folder, 'package.json'), 'utf8')).name as string;
      deps[name] = `file:${tgz}`;
      overrides[name] = `file:${tgz}`; // @mmre/* between tarballs: not on the registry
    }
    const rootPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

    // 2. The consumer project.
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify(
        {
          name: 'mmre-pack-install-smoke',
          private: true,
          type: 'module',
          dependencies: deps,
          devDependencies: {
            typescript: rootPkg.devDependencies.typescript,
            '@types/node': rootPkg.devDependencies['@types/node'],
          },
        },
        null,
        2,
      ),
    );
    const yamlMap = (m: Record<string, string | boolean>) =>
      Object.entries(m)
        .map(([k, v]) => `  ${yamlString(k)}: ${typeof v === 'boolean' ? v : yamlString(v)}`)
        .join('\n');
    writeFileSync(
      join(proj, 'pnpm-workspace.yaml'),
      `overrides:\n${yamlMap(overrides)}\nallowBuilds:\n${yamlMap(ALLOW_BUILDS)}\n`,
    );

    // 3. Install (the store is warm here; CI reaches the registry). --no-frozen-lockfile: CI=true makes it frozen by default.
    t = performance.now();
    // The install may need the npm registry: without the closed-port proxy the tests set for promptfoo.
    const installEnv = projectEnv();
    for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy']) delete installEnv[k];
    const install = await run('pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile'], {
      cwd: proj,
      env: installEnv,
      timeoutMs: 420_000,
    });
    if (install.code !== 0) throw new Error(describeRun('pnpm install --prefer-offline', proj, install));
    timings.install = performance.now() - t;

    // 4. The dataset.
    const sample = join(repoRoot, 'datasets', 'mmre-sample');
    const data = join(proj, 'data');
    const synthetic = process.env.MMRE_PACK_SYNTHETIC === '1';
    if (!synthetic && existsSync(join(sample, 'dataset.json')) && existsSync(join(sample, 'samples.jsonl'))) {
      cpSync(sample, data, { recursive: true });
      datasetSource = 'datasets/mmre-sample';
    } else {
      await writeSyntheticDataset(data);
      datasetSource = synthetic ? 'synthetic (MMRE_PACK_SYNTHETIC=1)' : 'synthetic (datasets/mmre-sample absent)';
    }

    // 5. Saved predictions for the ReplayProvider: the gold answers in PFA format, written with the
    //    installed @mmre/core (so a runtime import from the tarball is exercised too).
    writeFileSync(
      join(proj, 'make-predictions.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import { formatAnswer, SampleSchema } from '@mmre/core';
const out = [];
for (const line of readFileSync('data/samples.jsonl', 'utf8').split('\\n')) {
  if (!line.trim()) continue;
  const s = SampleSchema.parse(JSON.parse(line));
  for (const mode of ['joint', 'summary', 'mner']) out.push(JSON.stringify({ id: s.id, mode, output: formatAnswer(s.gold, mode) }));
}
writeFileSync('predictions.jsonl', out.join('\\n') + '\\n');
`,
    );
    await inProject('node make-predictions.mjs', process.execPath, ['make-predictions.mjs']);

    // 6. The promptfoo config: our packages only through package: and file://node_modules references.
    const pfa = 'file://node_modules/@mmre/pfa/dist/index.js';
    writeFileSync(
      join(proj, 'config.yaml'),
      `description: mmre packed tarballs smoke test
prompts:
${MODES.map((m) => `  - id: ${pfa}:${m}\n    label: ${m}`).join('\n')}
providers:
  - id: package:@mmre/provider-offline:BaselineProvider
    label: baseline
    config: { dataset: data }
  - id: file://node_modules/@mmre/provider-offline/dist/replay.js
    label: replay
    config: { path: predictions.jsonl }
tests:
  - path: file://node_modules/@mmre/dataset/dist/index.js:generateTests
    config: { dataset: data, split: test, limit: ${LIMIT} }
defaultTest:
  assert:
${['summary', 'ner', 'matching', 'format'].map((a) => `    - type: javascript\n      value: package:@mmre/assertions:${a}`).join('\n')}
`,
    );
  }, 600_000);

  afterAll(() => {
    const fmt = Object.entries(timings)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(', ');
    console.log(`pack-install: ${fmt}; dataset ${datasetSource}; project ${proj}`);
    if (process.env.MMRE_KEEP_PACK_PROJECT !== '1') rmSync(root, { recursive: true, force: true });
  });

  it('every package imports from its tarball at runtime (main entry and subpath exports)', async () => {
    const specs = workspacePackages().flatMap((folder) => {
      const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages', folder, 'package.json'), 'utf8'));
      return Object.keys(pkg.exports ?? { '.': null })
        .filter((k) => k !== './package.json')
        .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.replace(/^\.\//, '')}`));
    });
    const script = `const specs = ${JSON.stringify(specs)};
const out = {};
for (const s of specs) { try { out[s] = Object.keys(await import(s)).length; } catch (e) { out[s] = 'ERROR ' + e.message; } }
console.log(JSON.stringify(out));`;
    writeFileSync(join(proj, 'import-all.mjs'), script);
    const r = await inProject('node import-all.mjs', process.execPath, ['import-all.mjs']);
    const loaded = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, number | string>;
    const failed = Object.entries(loaded).filter(([, v]) => typeof v === 'string' || v === 0);
    expect(failed, 'packages that do not import (or export nothing) from the installed tarball').toEqual([]);
    expect(Object.keys(loaded).sort()).toEqual([...specs].sort());
  });

  it('types ship: a consumer file type-checks with tsc --noEmit (module nodenext)', async () => {
    writeFileSync(
      join(proj, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2023',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(proj, 'consumer.ts'),
      `import { derivedMetrics, ner, summary } from '@mmre/assertions';
import * as cli from '@mmre/cli';
import { formatAnswer, type Gold, LABELS, type Mode, parseAnswer, SampleSchema, type Sample } from '@mmre/core';
import { generateTests, type MmreTestCase } from '@mmre/dataset';
import * as metrics from '@mmre/metrics';
import { buildMessages, joint } from '@mmre/pfa';
import { BaselineProvider, ReplayProvider } from '@mmre/provider-offline';
import Baseline from '@mmre/provider-offline/baseline';
import * as hosted from '@mmre/provider-qwen-hosted';
import * as local from '@mmre/provider-qwen-local';
import * as testkit from '@mmre/provider-testkit';
import * as transport from '@mmre/provider-transport';
import * as report from '@mmre/report';

const gold: Gold = { summary: 'A dog.', entities: [{ label: 'person', text: 'Ann' }], pairs: [{ segment: 'a', entity: 'Ann' }] };
const mode: Mode = 'joint';
const text: string = formatAnswer(gold, mode);
const parsed = parseAnswer(text);
const firstLabel: (typeof LABELS)[number] = LABELS[0];
const sample: Sample = SampleSchema.parse({});
const tests: Promise<MmreTestCase[]> = generateTests({ dataset: 'data' });
// @ts-expect-error a mode outside joint/summary/mner is a type error (proves the types are real, not any)
formatAnswer(gold, 'both');
export const used = [parsed.summary, firstLabel, sample.id, tests, derivedMetrics, ner, summary, joint, buildMessages,
  BaselineProvider, ReplayProvider, Baseline, cli, metrics, hosted, local, testkit, transport, report];
`,
    );
    const r = await run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: proj, env: projectEnv(), timeoutMs: 180_000 });
    expect(r.code, describeRun('tsc -p tsconfig.json', proj, r)).toBe(0);
  });

  it('the packed mmre bin validates the dataset', async () => {
    const r = await inProject('mmre dataset validate data', bin('mmre'), ['dataset', 'validate', 'data']);
    expect(r.stdout).toMatch(/0 error\(s\)/);
  });

  describe('promptfoo eval with package: references (baseline and replay × summary, mner, joint)', () => {
    beforeAll(async () => {
      const args = [
        'eval',
        '-c',
        'config.yaml',
        '-c',
        'node_modules/@mmre/assertions/dist/derived-config.js',
        '-o',
        'out.json',
        '--no-cache',
        '--no-table',
        '--no-progress-bar',
      ];
      evalRun = await run(bin('promptfoo'), args, { cwd: proj, env: projectEnv(), timeoutMs: 300_000 });
      timings.eval = evalRun.ms;
      if (evalRun.code !== 0 || !existsSync(join(proj, 'out.json')))
        throw new Error(describeRun(`promptfoo ${args.join(' ')}`, proj, evalRun));
      out = JSON.parse(readFileSync(join(proj, 'out.json'), 'utf8')) as PromptfooOutput;
    }, 360_000);

    it('every row succeeded: 3 tests × 3 prompts × 2 providers, no errors', () => {
      const rows = out.results.results;
      const ids = new Set(rows.map((r) => r.vars.id));
      expect(ids.size).toBe(LIMIT);
      expect(rows).toHaveLength(LIMIT * MODES.length * PROVIDERS.length);
      const bad = rows
        .filter((r) => !r.success || r.error || r.response?.error)
        .map(
          (r) =>
            `${r.vars.id} ${r.prompt.label} × ${r.provider.label}: ${r.error ?? r.response?.error ?? r.gradingResult?.reason}`,
        );
      expect(bad).toEqual([]);
      for (const p of PROVIDERS) for (const m of MODES) expect(rowsOf(p, m)).toHaveLength(LIMIT);
    });

    it('named scores are present for the tasks a mode asked for and absent for the others', () => {
      for (const r of out.results.results) {
        const mode = r.prompt.label as Mode;
        const keys = Object.keys(r.namedScores);
        const where = `${r.vars.id} ${mode} × ${r.provider.label}: ${keys.join(', ')}`;
        for (const prefix of TASK_PREFIXES[mode].present)
          expect(
            keys.some((k) => k.startsWith(prefix)),
            `${where} lacks ${prefix}*`,
          ).toBe(true);
        for (const prefix of TASK_PREFIXES[mode].absent)
          expect(
            keys.filter((k) => k.startsWith(prefix)),
            `${where} has ${prefix}*`,
          ).toEqual([]);
      }
    });

    it('derived (corpus) metrics are numbers for the asked tasks and null (absent) for the others', () => {
      for (const p of PROVIDERS)
        for (const m of MODES) {
          const scores = promptOf(p, m).metrics.namedScores;
          for (const task of ['task1', 'task2'] as const)
            for (const name of DERIVED[task]) {
              const v = scores[name];
              if (asks(m)[task]) expect(Number.isFinite(v), `${m} × ${p}: ${name} = ${v}`).toBe(true);
              else expect(v ?? null, `${m} × ${p}: ${name} must be absent`).toBeNull();
            }
          expect(scores['corpus.format_ok_rate'], `${m} × ${p}: corpus.format_ok_rate`).toBe(1);
        }
    });

    it('replaying the gold answers scores perfectly; the baseline scores in range', () => {
      for (const m of MODES) {
        const s = promptOf('replay', m).metrics.namedScores;
        if (asks(m).task1) {
          expect(s['corpus.bleu']).toBeCloseTo(100, 9);
          expect(s['corpus.rougeL']).toBeCloseTo(1, 12);
        }
        if (asks(m).task2) {
          expect(s['corpus.ner_micro_f1']).toBe(1);
          expect(s['corpus.matching_micro_accuracy']).toBe(1);
        }
        const b = promptOf('baseline', m).metrics.namedScores;
        for (const name of [...(asks(m).task1 ? DERIVED.task1 : []), ...(asks(m).task2 ? DERIVED.task2 : [])]) {
          const v = b[name] as number;
          expect(v, `baseline ${m} ${name}`).toBeGreaterThanOrEqual(0);
          expect(v, `baseline ${m} ${name}`).toBeLessThanOrEqual(name === 'corpus.bleu' ? 100 : 1);
        }
      }
      for (const r of rowsOf('replay')) expect(r.score, `replay ${r.vars.id} ${r.prompt.label}`).toBe(1);
    });

    it('mmre parse (packed bin) reads the baseline answers: one line per answer, entities agree with ner.tp + ner.fp', async () => {
      const rows = rowsOf('baseline');
      const answers = rows.map((r) =>
        JSON.stringify({ id: r.vars.id, mode: r.prompt.label, output: r.response?.output }),
      );
      writeFileSync(join(proj, 'answers.jsonl'), `${answers.join('\n')}\n`);
      const r = await inProject('mmre parse --input answers.jsonl', bin('mmre'), ['parse', '--input', 'answers.jsonl']);
      const parsed = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; summary: string | null; entities: unknown[] });
      expect(parsed).toHaveLength(rows.length);
      for (const [i, row] of rows.entries()) {
        const p = parsed[i] as (typeof parsed)[number];
        const mode = row.prompt.label as Mode;
        expect(p.id).toBe(row.vars.id);
        if (asks(mode).task1) expect(p.summary, `${p.id} ${mode}`).toEqual(expect.any(String));
        else expect(p.summary, `${p.id} ${mode}`).toBeNull();
        const predicted = asks(mode).task2 ? (row.namedScores['ner.tp'] ?? 0) + (row.namedScores['ner.fp'] ?? 0) : 0;
        expect(p.entities, `${p.id} ${mode}`).toHaveLength(predicted);
      }
    });

    it('mmre metrics --corpus (packed bin) agrees with the derived corpus BLEU and ROUGE of the summary prompt', async (ctx) => {
      const help = await inProject('mmre --help', bin('mmre'), ['--help']);
      if (!/^\s+metrics\b/m.test(help.stdout))
        ctx.skip('`mmre metrics` is not registered yet (packages/cli/src/commands/metrics.ts is a stub; issue 3)');
      const rows = rowsOf('baseline', 'summary');
      const answers = rows.map((r) => JSON.stringify({ id: r.vars.id, mode: 'summary', output: r.response?.output }));
      writeFileSync(join(proj, 'summaries.jsonl'), `${answers.join('\n')}\n`);
      const parsed = (
        await inProject('mmre parse --input summaries.jsonl', bin('mmre'), ['parse', '--input', 'summaries.jsonl'])
      ).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; summary: string | null });
      const pairs = rows.map((r, i) =>
        JSON.stringify({
          id: r.vars.id,
          prediction: parsed[i]?.summary ?? '',
          reference: (JSON.parse(r.vars.gold as string) as { summary?: string }).summary ?? '',
        }),
      );
      writeFileSync(join(proj, 'pairs.jsonl'), `${pairs.join('\n')}\n`);
      const r = await inProject('mmre metrics --input pairs.jsonl --corpus', bin('mmre'), [
        'metrics',
        '--input',
        'pairs.jsonl',
        '--corpus',
      ]);
      const corpus = JSON.parse(r.stdout) as {
        sacrebleu: { score: number };
        rouge_mean: { rougeL: { fmeasure: number } };
      };
      const s = promptOf('baseline', 'summary').metrics.namedScores;
      expect(corpus.sacrebleu.score).toBeCloseTo(s['corpus.bleu'] as number, 9);
      expect(corpus.rouge_mean.rougeL.fmeasure).toBeCloseTo(s['corpus.rougeL'] as number, 9);
    });

    it('mmre report --json (packed bin) builds the paper table from out.json, agreeing with the derived metrics', async () => {
      const r = await inProject('mmre report out.json --json', bin('mmre'), [
        'report',
        'out.json',
        '--json',
        '--bootstrap',
        '200',
        '--provider',
        'baseline',
      ]);
      const rep = JSON.parse(r.stdout) as {
        unit: string;
        options: { stemmer: boolean };
        systems: {
          table: { mode: Mode; metrics: Record<string, number | null>; counts: { rows: number; errors: number } }[];
        }[];
      };
      expect(rep.unit).toBe('points');
      expect(rep.systems).toHaveLength(1);
      const table = rep.systems[0]?.table ?? [];
      expect(table.map((t) => t.mode).sort()).toEqual([...MODES].sort());
      for (const row of table) {
        const s = promptOf('baseline', row.mode).metrics.namedScores;
        expect(row.counts).toMatchObject({ rows: LIMIT, errors: 0 });
        const pairs: [string, string, number][] = [
          ['bleu', 'corpus.bleu', 1],
          ['rouge1', 'corpus.rouge1', 100],
          ['rougeL', 'corpus.rougeL', 100],
          ['nerF1', 'corpus.ner_micro_f1', 100],
          ['accuracy', 'corpus.matching_micro_accuracy', 100],
        ];
        for (const [col, derived, scale] of pairs) {
          // The assertions score ROUGE without the stemmer; compare ROUGE only when the report did too.
          if (col.startsWith('rouge') && rep.options.stemmer) continue;
          const want = s[derived];
          if (want == null) expect(row.metrics[col], `${row.mode} ${col} must be n/a`).toBeNull();
          else expect(row.metrics[col], `${row.mode} ${col}`).toBeCloseTo(want * scale, 6);
        }
      }
    });
  });

  describe('package: references to the Qwen providers, against a loopback OpenAI-compatible peer', () => {
    const KEY = 'sk-smoke-0123456789abcdef';
    let peer: Peer;
    let live: PromptfooOutput;
    let liveRun: RunResult;
    beforeAll(async () => {
      peer = await startOpenAIPeer({ apiKey: KEY });
      writeFileSync(
        join(proj, 'config-live.yaml'),
        `description: packed Qwen providers against a loopback peer
prompts:
  - id: file://node_modules/@mmre/pfa/dist/index.js:joint
    label: joint
providers:
  - id: package:@mmre/provider-qwen-local:QwenLocalProvider
    label: local
    config: { backend: openai-compatible, baseUrl: '${peer.url}', model: qwen2.5-vl-7b-instruct, apiKeyEnv: MMRE_SMOKE_KEY }
  - id: package:@mmre/provider-qwen-hosted:QwenHostedProvider
    label: hosted
    config: { backend: openai-compatible, baseUrl: '${peer.url}', model: qwen2.5-vl-7b-instruct, apiKeyEnv: MMRE_SMOKE_KEY }
tests:
  - path: file://node_modules/@mmre/dataset/dist/index.js:generateTests
    config: { dataset: data, split: test, limit: 2 }
defaultTest:
  assert:
    - type: javascript
      value: package:@mmre/assertions:format
`,
      );
      const args = [
        'eval',
        '-c',
        'config-live.yaml',
        '-o',
        'out-live.json',
        '--no-cache',
        '--no-table',
        '--no-progress-bar',
      ];
      liveRun = await run(bin('promptfoo'), args, {
        cwd: proj,
        env: { ...projectEnv(), MMRE_SMOKE_KEY: KEY },
        timeoutMs: 300_000,
      });
      if (liveRun.code !== 0 || !existsSync(join(proj, 'out-live.json')))
        throw new Error(describeRun(`promptfoo ${args.join(' ')}`, proj, liveRun));
      live = JSON.parse(readFileSync(join(proj, 'out-live.json'), 'utf8')) as PromptfooOutput;
    }, 360_000);
    afterAll(async () => {
      await peer?.close();
    });

    it('both providers load by package: name and answer every test through the peer', () => {
      const rows = live.results.results;
      expect(rows).toHaveLength(4);
      for (const r of rows) expect(r.error ?? null, JSON.stringify(r.error)).toBeNull();
      const chats = peer.requests.filter((q) => q.path.endsWith('/chat/completions') && q.status === 200);
      expect(chats).toHaveLength(4);
    });

    it('the API key reaches the peer but appears in no output', () => {
      expect(readFileSync(join(proj, 'out-live.json'), 'utf8')).not.toContain(KEY);
      expect(liveRun.stdout + liveRun.stderr).not.toContain(KEY);
    });
  });
});
