// `mmre report` on REAL promptfoo output: a tiny eval with an inline JS fixture provider is run with
// promptfoo's own CLI (a compare run, and a per-mode shard with --filter-prompts/--filter-range),
// then the command reads, merges and reports it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTestVars } from '@mmre/core';
import { promptfooEval } from '@mmre-test/promptfoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../program.js';
import { type ReportCommandOptions, runReport } from './report.js';

// 1×1 PNG (a grey pixel).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==',
  'base64',
);

// The fixture "model": answers in the PFA format; the joint prompt gets every entity right, the
// single-task prompt only the first. Mode is read from the anchors the prompt names.
const PROVIDER = `
export default class Fixture {
  constructor(options) { this.options = options; }
  id() { return this.options?.id ?? 'fixture'; }
  async callApi(prompt, context) {
    const v = context.vars;
    const gold = JSON.parse(v.gold);
    const t1 = prompt.includes('Task 1 Answer:');
    const t2 = prompt.includes('Task 2 Answer:');
    const joint = t1 && t2;
    const lines = [];
    if (t1) lines.push('Task 1 Answer: ' + (joint ? gold.summary : gold.summary.split(' ').slice(0, 4).join(' ')));
    if (t2) {
      const ents = joint ? gold.entities : gold.entities.slice(0, 1);
      const pairs = joint ? gold.pairs : [];
      lines.push('Task 2 Answer: NER: ' + ents.map((e) => ':' + e.label + ';' + e.text).join('') +
        ' image-entity pair: {' + pairs.map((p) => "'" + p.segment + "': '" + p.entity + "'").join(', ') + '}');
    }
    if (v.id === 's5' && t2 && !t1) return { error: 'HTTP 503 from fixture' };
    return { output: lines.join('\\n'), tokenUsage: { total: 10, prompt: 7, completion: 3 } };
  }
}
`;

let dir: string;

/** One independent run (its own promptfoo config dir and cache): `args` end with the output file. */
async function promptfoo(args: string[]): Promise<void> {
  const out = args.at(-1) as string;
  // promptfoo exits 100 when a row failed or errored (the fixture errors once on purpose): allowed.
  await promptfooEval({
    dir,
    configs: ['config.yaml'],
    out,
    args: args.slice(0, -2),
    env: { PROMPTFOO_CONFIG_DIR: join(dir, `.promptfoo-${out}`), PROMPTFOO_CACHE_PATH: join(dir, `.cache-${out}`) },
  });
}

const OPTS: ReportCommandOptions = {
  json: true,
  htmlImages: 'embed',
  bootstrap: 300,
  seed: 1,
  alpha: 0.05,
  stemmer: false,
  provider: [],
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-cli-report-'));
  await writeFile(join(dir, 'img.png'), PNG);
  await writeFile(join(dir, 'provider.mjs'), PROVIDER);
  const tests = Array.from({ length: 8 }, (_, i) => ({
    vars: encodeTestVars({
      id: `s${i + 1}`,
      split: 'test',
      text: `Person${i} visits City${i}`,
      image: join(dir, 'img.png'),
      segments: [{ id: 'a', path: null, box: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 } }],
      gold: {
        summary: `a person number ${i} stands in front of a large building in the city at night`,
        entities: [
          { label: 'person', text: `Person${i}` },
          { label: 'location', text: `City${i}` },
        ],
        pairs: [{ segment: 'a', entity: `Person${i}` }],
      },
    }),
  }));
  const config = {
    description: 'cli report fixture',
    prompts: [
      { id: 'summary', label: 'summary', raw: 'Summarize. Answer as: Task 1 Answer: <summary>\n{{text}}' },
      { id: 'mner', label: 'mner', raw: 'Extract. Answer as: Task 2 Answer: NER: ...\n{{text}}' },
      { id: 'joint', label: 'joint', raw: 'Both. Task 1 Answer: <summary>\nTask 2 Answer: NER: ...\n{{text}}' },
    ],
    providers: [{ id: 'file://provider.mjs', label: 'fixture', config: { temperature: 0, max_tokens: 256 } }],
    tests,
  };
  await writeFile(join(dir, 'config.yaml'), JSON.stringify(config));
  // Independent runs (own config dir and cache each), started together to save wall time.
  await Promise.all([
    promptfoo(['-o', 'all.json']),
    promptfoo(['--filter-prompts', '^joint$', '--filter-range', '0:4', '-o', 'joint-a.json']),
  ]);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mmre report', () => {
  it('reports a real promptfoo compare run: paper table, deltas, errors, settings', async () => {
    const json = JSON.parse(await runReport([join(dir, 'all.json')], OPTS));
    // the errored Single MNER row is not an answer: its sample leaves the paired comparison
    expect(json.systems[0].pairedSamples).toBe(7);
    expect(json.modes).toEqual(['summary', 'mner', 'joint']);
    const joint = json.systems[0].table.find((t: { mode: string }) => t.mode === 'joint');
    expect(joint.metrics.nerF1).toBeCloseTo(100, 8);
    expect(joint.metrics.accuracy).toBeCloseTo(100, 8);
    expect(joint.metrics.rouge1).toBeCloseTo(100, 8);
    const mner = json.systems[0].table.find((t: { mode: string }) => t.mode === 'mner');
    // 7 answered samples: 1 of 2 entities each (P = 1, R = 1/2); the errored row is not scored.
    const tp = 7;
    const P = tp / 7;
    const R = tp / 14;
    expect(mner.metrics.nerF1).toBeCloseTo(((2 * P * R) / (P + R)) * 100, 8);
    expect(mner.metrics.accuracy).toBe(0);
    expect(mner.counts).toMatchObject({ rows: 8, scored: 7, errors: 1, paired: 7 });
    expect(mner.provider).toMatchObject({ key: 'fixture', settings: { temperature: 0, max_tokens: 256 } });
    const d = json.systems[0].deltas.find((x: { metric: string }) => x.metric === 'accuracy');
    expect(d.delta).toBeCloseTo(100, 8);
    expect(json.runs[0].promptfooVersion).toMatch(/^0\.123\./);
  });

  it('merges a per-mode shard with a compare run: duplicates are warned about and kept once', async () => {
    const whole = JSON.parse(await runReport([join(dir, 'all.json')], OPTS));
    const merged = JSON.parse(await runReport([join(dir, 'joint-a.json'), join(dir, 'all.json')], OPTS));
    // runs in file-name order (all.json, joint-a.json), whatever the order they were given in
    expect(merged.runs.map((r: { rows: number }) => r.rows)).toEqual([24, 4]);
    expect(merged.systems[0].table).toEqual(whole.systems[0].table);
    expect(merged.systems[0].deltas).toEqual(whole.systems[0].deltas);
    expect(merged.warnings.join()).toMatch(/4 repeated result row/);
    const jointOnly = JSON.parse(await runReport([join(dir, 'joint-a.json')], OPTS));
    expect(jointOnly.modes).toEqual(['joint']);
    expect(jointOnly.systems[0].pairedSamples).toBe(4);
    expect(jointOnly.systems[0].deltas).toEqual([]);
  });

  it('parses its arguments: markdown by default, --html writes the file, bad numbers are refused', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const errWrite = process.stderr.write.bind(process.stderr);
    const err: string[] = [];
    process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
    try {
      const html = join(dir, 'out', 'report.html');
      await buildProgram()
        .exitOverride()
        .parseAsync(['node', 'mmre', 'report', join(dir, 'all.json'), '--bootstrap', '200', '--html', html], {
          from: 'node',
        });
      expect(out.join('')).toMatch(
        /\| M-MRE \(joint\) \| 100\.00 \| 100\.00 \| 100\.00 \| 100\.00 \| 100\.00 \| 100\.00 \|/,
      );
      expect(err.join('')).toContain(`HTML report written to ${html}`);
      expect(await readFile(html, 'utf8')).toMatch(/^<!doctype html>/);
      const program = buildProgram();
      program.commands.find((c) => c.name() === 'report')?.exitOverride();
      await expect(
        program
          .exitOverride()
          .parseAsync(['node', 'mmre', 'report', join(dir, 'all.json'), '--bootstrap', '0'], { from: 'node' }),
      ).rejects.toThrow(/--bootstrap must be a positive integer/);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
  });
});
