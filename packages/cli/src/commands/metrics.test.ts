import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@mmre-test/shared';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../program.js';
import { runMetrics } from './metrics.js';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(pkgDir, 'bin', 'mmre.js');
const pairsFile = sharedPath('parity', 'metrics-public.jsonl');
const corpusFile = sharedPath('parity', 'metrics-public-corpus.json');
const tmp = mkdtempSync(join(tmpdir(), 'mmre-metrics-'));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `mmre <args>` through buildProgram() (source), capturing stdout and stderr. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  await buildProgram().parseAsync(['node', 'mmre', ...args]);
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { stdout: out.join(''), stderr: err.join(''), code };
}

/** Collects comparison failures: floats within 1e-9 × max(1, |want|), integers and zeros exactly. */
function compare(failures: string[], got: unknown, want: unknown, where: string): void {
  if (typeof want === 'number') {
    if (typeof got !== 'number') {
      failures.push(`${where}: got ${JSON.stringify(got)}, want ${want}`);
      return;
    }
    const ok = Number.isInteger(want) ? got === want : Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
    if (!ok) failures.push(`${where}: got ${got}, want ${want}`);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      failures.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      return;
    }
    want.forEach((w, i) => {
      compare(failures, got[i], w, `${where}[${i}]`);
    });
    return;
  }
  if (typeof want === 'object' && want !== null) {
    if (typeof got !== 'object' || got === null) {
      failures.push(`${where}: got ${JSON.stringify(got)}, want an object`);
      return;
    }
    const g = got as Record<string, unknown>;
    const w = want as Record<string, unknown>;
    const gk = Object.keys(g).sort().join(',');
    const wk = Object.keys(w).sort().join(',');
    if (gk !== wk) failures.push(`${where}: keys ${gk}, want ${wk}`);
    for (const k of Object.keys(w)) compare(failures, g[k], w[k], `${where}.${k}`);
    return;
  }
  if (got !== want) failures.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

const OUTPUT_FIELDS = ['id', 'rouge', 'rouge_stemmed', 'sacrebleu', 'nltk'] as const;

function writePairs(name: string, lines: string[]): string {
  const file = join(tmp, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const GOOD = [
  { id: 'a', prediction: 'The cat sat on the mat.', reference: 'The cat sat on the mat.' },
  {
    id: 'b',
    prediction: 'Fire fighters fought the blaze at night.',
    reference: 'Firefighters battle a blaze at night.',
  },
  { id: 'c', prediction: '', reference: 'Nothing was predicted.' },
];

describe.skipIf(pairsFile === null)('mmre metrics on the parity vectors', () => {
  it('prints, for every pair, exactly the rouge/rouge_stemmed/sacrebleu/nltk fields of metrics-public.jsonl', async () => {
    const r = await run(['metrics', '--input', pairsFile!]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = readFileSync(pairsFile!, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const got = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(got.length).toBe(want.length);
    const failures: string[] = [];
    got.forEach((g, i) => {
      expect(Object.keys(g)).toEqual([...OUTPUT_FIELDS]);
      const expected = Object.fromEntries(OUTPUT_FIELDS.map((f) => [f, want[i]![f]]));
      compare(failures, g, expected, String(want[i]!.id));
    });
    expect(failures).toEqual([]);
  });

  it.skipIf(corpusFile === null)('--corpus prints the object of metrics-public-corpus.json', async () => {
    const r = await run(['metrics', '--input', pairsFile!, '--corpus']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    const want = JSON.parse(readFileSync(corpusFile!, 'utf8')) as Record<string, unknown>;
    const fields = ['n_pairs', 'sacrebleu', 'nltk', 'rouge_mean', 'rouge_stemmed_mean'];
    expect(Object.keys(got)).toEqual(fields);
    const failures: string[] = [];
    compare(failures, got, Object.fromEntries(fields.map((f) => [f, want[f]])), 'corpus');
    expect(failures).toEqual([]);
  });
});

describe('mmre metrics (through buildProgram)', () => {
  it('reports a malformed line in the middle as FILE:LINE and still scores the others; exit code 1', async () => {
    const file = writePairs('mixed.jsonl', [
      JSON.stringify(GOOD[0]),
      '{"id": "broken", "prediction": ',
      JSON.stringify({ id: 'no-ref', prediction: 'x' }),
      '',
      JSON.stringify(GOOD[1]),
      JSON.stringify({ id: 'num-ref', prediction: 'x', reference: 3 }),
      '[1, 2]',
      JSON.stringify(GOOD[2]),
    ]);
    const r = await run(['metrics', '--input', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a', 'b', 'c']);
    const errors = r.stderr.split('\n').filter((l) => l !== '');
    expect(errors[0]).toMatch(new RegExp(`^${file}:2: not valid JSON`));
    expect(errors[1]).toMatch(new RegExp(`^${file}:3: field "reference":`));
    expect(errors[1]).toContain('"reference": string');
    expect(errors[2]).toMatch(new RegExp(`^${file}:6: field "reference":`));
    expect(errors[3]).toMatch(new RegExp(`^${file}:7: `));
    expect(errors[4]).toContain('4 malformed lines skipped; 3 scored');
    expect(errors).toHaveLength(5);
  });

  it('scores the good lines exactly as the library does, with every field', async () => {
    const m = await import('@mmre/metrics');
    const file = writePairs(
      'good.jsonl',
      GOOD.map((g) => JSON.stringify(g)),
    );
    const r = await run(['metrics', '--input', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      const { prediction, reference } = GOOD[i]!;
      const s = m.sacreSentenceBleu(prediction, reference);
      expect(line.sacrebleu).toEqual({
        score: s.score,
        counts: s.counts,
        totals: s.totals,
        precisions: s.precisions,
        bp: s.bp,
        sys_len: s.sys_len,
        ref_len: s.ref_len,
        score_floor: m.sacreSentenceBleu(prediction, reference, { smoothMethod: 'floor' }).score,
        score_add_k: m.sacreSentenceBleu(prediction, reference, { smoothMethod: 'add-k' }).score,
        score_none: m.sacreSentenceBleu(prediction, reference, { smoothMethod: 'none' }).score,
      });
      const nltk: Record<string, number> = {};
      for (const smoothing of m.NLTK_SMOOTHINGS) {
        const b = m.nltkSentenceBleu(prediction, reference, { smoothing });
        nltk[smoothing] = b.score;
        if (b.warnings > 0) nltk[`${smoothing}_warnings`] = b.warnings;
      }
      expect(line.nltk).toEqual(nltk);
      expect(line.rouge).toEqual(m.rougeScores(prediction, reference));
      expect(line.rouge_stemmed).toEqual(m.rougeScores(prediction, reference, { stemmer: true }));
    });
    // The identical pair scores sacreBLEU 100 (up to rounding); the empty prediction scores 0 everywhere.
    expect(lines[0]!.sacrebleu!.score).toBeCloseTo(100, 10);
    expect(lines[2]!.nltk).toEqual({ none: 0, method1: 0, method4: 0, method7: 0 });
  });

  it('--corpus sums the statistics of the valid lines', async () => {
    const m = await import('@mmre/metrics');
    const file = writePairs('corpus.jsonl', [...GOOD.map((g) => JSON.stringify(g)), 'oops']);
    const r = await run(['metrics', '--input', file, '--corpus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:4: not valid JSON`);
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    const preds = GOOD.map((g) => g.prediction);
    const refs = GOOD.map((g) => g.reference);
    const s = m.sacreCorpusBleu(preds, refs);
    expect(got.n_pairs).toBe(3);
    expect(got.sacrebleu).toEqual({
      score: s.score,
      counts: s.counts,
      totals: s.totals,
      precisions: s.precisions,
      bp: s.bp,
      sys_len: s.sys_len,
      ref_len: s.ref_len,
    });
    expect((got.nltk as Record<string, number>).method1).toBe(
      m.nltkCorpusBleu(preds, refs, { smoothing: 'method1' }).score,
    );
    expect(got.rouge_mean).toEqual(m.meanRouge(GOOD.map((g) => m.rougeScores(g.prediction, g.reference))));
  });

  it('fails with a clear message when the input file does not exist', async () => {
    const missing = join(tmp, 'nope.jsonl');
    const r = await run(['metrics', '--input', missing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${missing}: cannot read the input`);
  });

  it('--corpus with no valid line prints nothing and exits 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const file = writePairs('bad-only.jsonl', ['{}']);
    const code = await runMetrics(
      { input: file, corpus: true },
      { write: (s: string) => out.push(s) },
      { write: (s: string) => err.push(s) },
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('')).toContain('no valid pairs to score');
  });

  it('documents the command in --help', () => {
    const program = buildProgram();
    const cmd = program.commands.find((c) => c.name() === 'metrics');
    expect(cmd).toBeDefined();
    const help = cmd!.helpInformation();
    for (const word of ['--input', '--corpus', 'sacrebleu 2.6.0', 'NLTK 3.8', 'rouge-score 0.1.2', 'FILE:LINE']) {
      expect(help).toContain(word);
    }
    expect(program.helpInformation()).toMatch(/metrics \[options\]\s+Score prediction\/reference pairs/);
  });
});

describe('mmre metrics (built CLI)', () => {
  const built = existsSync(join(pkgDir, 'dist', 'bin.js'));
  // `pnpm test` builds every package before the tests run; by hand: pnpm --filter @mmre/cli... build
  it.skipIf(!built)('reads stdin with --input - and names it <stdin> in errors', () => {
    const input = `${JSON.stringify(GOOD[0])}\nnot json\n${JSON.stringify(GOOD[1])}\n`;
    const r = spawnSync(process.execPath, [bin, 'metrics', '--input', '-'], { input, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const ids = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(['a', 'b']);
    expect(r.stderr).toMatch(/^<stdin>:2: not valid JSON/);
  });

  it.skipIf(!built)('loads the metrics package only when the command runs, so `mmre --help` stays fast', () => {
    // A module hook reports every module of @mmre/metrics that gets loaded.
    const hook = join(tmp, 'hook.mjs');
    writeFileSync(
      hook,
      `import { registerHooks } from 'node:module';
registerHooks({ load(url, context, next) { if (url.includes('/metrics/dist/')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); } });
`,
    );
    const help = spawnSync(process.execPath, ['--import', hook, bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('metrics [options]');
    expect(help.stderr).not.toContain('LOADED');
    // Control: the same hook does see the package when the command runs.
    const file = writePairs('one.jsonl', [JSON.stringify(GOOD[0])]);
    const scored = spawnSync(process.execPath, ['--import', hook, bin, 'metrics', '--input', file], {
      encoding: 'utf8',
    });
    expect(scored.status).toBe(0);
    expect(scored.stderr).toContain('LOADED');
  });
});
