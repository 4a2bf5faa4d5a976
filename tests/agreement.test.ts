// One scorer, many readers: a real `promptfoo eval` of configs/mmre-compare.yaml (PFA prompts, the `mmre`
// assertion, the derived corpus metrics) on an edge-case dataset, answered by the replay provider, and then
// `mmre report --json` on its output. For every corpus metric and mode, promptfoo's derived value equals the
// report's. The dataset has an empty and a blank gold summary, samples without gold pairs or entities, duplicate
// entities, answers to tasks the mode did not ask for, unparseable answers and errored rows (no prediction).
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAnswer, type Gold, MODES, type Mode, type Sample } from '@mmre/core';
import { writeDataset } from '@mmre/dataset';
import { CORPUS_METRICS } from '@mmre/scorer';
import { runProcess } from '@mmre-test/process';
import { promptfooEval, requireDist } from '@mmre-test/promptfoo';
import { repoRoot } from '@mmre-test/shared';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

const MMRE_BIN = join(repoRoot, 'packages', 'cli', 'bin', 'mmre.js');

const e = (label: 'person' | 'organization' | 'location' | 'other', text: string) => ({ label, text });
const p = (segment: string, entity: string) => ({ segment, entity });

interface Case {
  gold: Gold;
  /** The saved answer per mode; a missing mode is an errored row (the replay has no prediction). */
  answers: Partial<Record<Mode, string>>;
}

const full = (
  summary: string | null,
  entities: { label: string; text: string }[],
  pairs: { segment: string; entity: string }[],
) => formatAnswer({ summary, entities, pairs }, 'joint');

const CASES: Case[] = [
  {
    gold: {
      summary: 'A player in a blue jersey holds the ball.',
      entities: [e('person', 'Maya Torres'), e('organization', 'Hawks')],
      pairs: [p('a', 'Maya Torres')],
    },
    answers: {
      joint: full(
        'A player in blue holds a ball.',
        [e('person', 'Maya Torres'), e('organization', 'Hawks')],
        [p('a', 'Maya Torres')],
      ),
      // answers to a task the mode did not ask for: Single TS answers Task 2 too, Single MNER Task 1 too
      summary: full('A player holds the ball on a court.', [e('person', 'Nobody')], [p('a', 'Nobody')]),
      mner: full('Some summary nobody asked for.', [e('person', 'Maya Torres')], [p('a', 'Hawks')]),
    },
  },
  {
    // an empty gold summary: Task 1 is not scored on this sample, in any mode
    gold: { summary: '', entities: [e('location', 'Paris')], pairs: [] },
    answers: {
      joint: full('A street at night.', [e('location', 'Paris')], []),
      summary: 'Task 1 Answer: A street at night.',
      mner: formatAnswer({ summary: null, entities: [e('location', 'paris')], pairs: [p('a', 'Paris')] }, 'mner'),
    },
  },
  {
    // a blank gold summary, no gold pairs, duplicate gold and predicted entities
    gold: { summary: '   ', entities: [e('other', 'NBA'), e('other', 'NBA'), e('organization', 'Spurs')], pairs: [] },
    answers: {
      joint: full('Basketball.', [e('other', 'NBA'), e('other', 'NBA'), e('other', 'NBA')], []),
      summary: 'Task 1 Answer: Basketball.',
      mner: formatAnswer(
        { summary: null, entities: [e('other', 'nba'), e('organization', 'Spurs')], pairs: [] },
        'mner',
      ),
    },
  },
  {
    // errored rows: joint and mner have no prediction
    gold: {
      summary: 'Two cats on a red sofa, 10,000 lights.',
      entities: [e('other', 'Cats')],
      pairs: [p('a', 'Cats'), p('b', 'Cats')],
    },
    answers: { summary: 'Task 1 Answer: Two cats on a sofa, 10,000 lights.' },
  },
  {
    // no gold entities, an unparseable joint answer, an empty mner answer
    gold: { summary: 'A blurry photo of a wall.', entities: [], pairs: [p('a', 'Wall')] },
    answers: {
      joint: 'I cannot see the image, sorry.',
      summary: '**Task 1 Answer:** A blurry photo of a white wall.',
      mner: 'Task 2 Answer: NER: image-entity pair: {}',
    },
  },
  {
    gold: {
      summary: 'A crowd at a concert under purple lights.',
      entities: [e('person', 'Ava Stone'), e('location', 'Berlin')],
      pairs: [p('a', 'Ava Stone'), p('b', 'Berlin')],
    },
    answers: {
      joint: full(
        'A crowd at a concert with purple lights.',
        [e('person', 'Ava Stone'), e('location', 'Berlin')],
        [p('a', 'Ava Stone'), p('b', 'Ava Stone')],
      ),
      summary: 'Task 1 Answer: A concert crowd.',
      mner: formatAnswer(
        { summary: null, entities: [e('person', 'Ava Stone')], pairs: [p('a', 'Ava Stone'), p('b', 'Berlin')] },
        'mner',
      ),
    },
  },
];

let dir: string;
let derived: Record<Mode, Record<string, number | null>>;
// biome-ignore lint/suspicious/noExplicitAny: the report's JSON
let report: any;
// biome-ignore lint/suspicious/noExplicitAny: promptfoo's output JSON
let rows: any[];

beforeAll(async () => {
  for (const pkg of ['assertions', 'cli', 'dataset', 'pfa', 'provider-offline', 'report'])
    requireDist(join(repoRoot, 'packages', pkg, 'dist', 'index.js'), `@mmre/${pkg}`);
  dir = await mkdtemp(join(tmpdir(), 'mmre-agreement-'));
  const ds = join(dir, 'dataset');
  await mkdir(join(ds, 'images'), { recursive: true });
  const samples: Sample[] = [];
  for (const [i, c] of CASES.entries()) {
    const id = `e${i + 1}`;
    await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 40 * i, g: 90, b: 150 } } })
      .jpeg()
      .toFile(join(ds, 'images', `${id}.jpg`));
    samples.push({
      id,
      split: 'test',
      text: `edge case ${id}`,
      image: { path: `images/${id}.jpg` },
      segments: [
        { id: 'a', box: { xmin: 0, ymin: 0, xmax: 40, ymax: 40 } },
        { id: 'b', box: { xmin: 40, ymin: 10, xmax: 90, ymax: 60 } },
      ],
      gold: c.gold,
    });
  }
  await writeDataset(ds, { name: 'edge', version: '1', license: 'CC0-1.0' }, samples);
  const preds = CASES.flatMap((c, i) =>
    MODES.filter((m) => c.answers[m] !== undefined).map((mode) =>
      JSON.stringify({ id: `e${i + 1}`, mode, output: c.answers[mode] }),
    ),
  );
  await writeFile(join(dir, 'preds.jsonl'), `${preds.join('\n')}\n`);
  const run = await promptfooEval({
    dir,
    configs: [join(repoRoot, 'configs', 'mmre-compare.yaml'), join(repoRoot, 'configs', 'providers', 'replay.yaml')],
    env: { MMRE_DATASET: ds, MMRE_PREDICTIONS: join(dir, 'preds.jsonl') },
    okCodes: 'any',
  });
  expect(run.output, `${run.stderr}\n${run.stdout}`).not.toBeNull();
  rows = run.output.results.results;
  derived = {} as typeof derived;
  for (const prompt of run.output.results.prompts) derived[prompt.label as Mode] = prompt.metrics.namedScores;
  const r = await runProcess(
    process.execPath,
    [MMRE_BIN, 'report', join(dir, 'out.json'), '--json', '--bootstrap', '200'],
    {
      cwd: dir,
    },
  );
  expect(r.code, r.stderr).toBe(0);
  report = JSON.parse(r.stdout);
}, 180_000);

describe("promptfoo's derived metrics and mmre report read one scorer", () => {
  it('the edge cases are there: errored rows, unscored summaries, no pairs', () => {
    expect(rows).toHaveLength(CASES.length * 3);
    // provider errors (failureReason 2); a failed assertion (1: the unparseable joint answer of e5) is an answer
    const errored = rows.filter((r) => r.failureReason === 2).map((r) => `${r.prompt.label}:${r.vars.id}`);
    expect(errored.sort()).toEqual(['joint:e4', 'mner:e4']);
    expect(rows.find((r) => r.prompt.label === 'joint' && r.vars.id === 'e5').failureReason).toBe(1);
    const summary = report.systems[0].table.find((t: { mode: Mode }) => t.mode === 'summary');
    expect(summary.counts).toMatchObject({ rows: 6, scored: 6, errors: 0, withSummary: 4 });
    const joint = report.systems[0].table.find((t: { mode: Mode }) => t.mode === 'joint');
    expect(joint.counts).toMatchObject({ rows: 6, scored: 5, errors: 1, withSummary: 3 });
    expect(report.systems[0].pairedSamples).toBe(5);
  });

  for (const mode of MODES)
    it(`mode ${mode}: every corpus metric of promptfoo equals the report's`, () => {
      const t = report.systems[0].table.find((x: { mode: Mode }) => x.mode === mode);
      const checked: string[] = [];
      for (const m of CORPUS_METRICS) {
        const fromPromptfoo = derived[mode][m.derived];
        const fromReport = t.values[m.id] as number | null;
        // promptfoo writes a NaN derived metric (no row carried it) as null
        if (fromReport === null) expect(fromPromptfoo ?? null, `${mode} ${m.id}`).toBeNull();
        else {
          expect(typeof fromPromptfoo, `${mode} ${m.id}`).toBe('number');
          const diff = Math.abs((fromPromptfoo as number) - fromReport);
          expect(diff, `${mode} ${m.id}: ${fromPromptfoo} vs ${fromReport}`).toBeLessThanOrEqual(
            1e-12 * Math.max(1, Math.abs(fromReport)),
          );
          checked.push(m.id);
        }
      }
      // the metrics a mode asks for are all defined here
      if (mode !== 'mner')
        expect(checked).toEqual(expect.arrayContaining(['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu']));
      if (mode !== 'summary')
        expect(checked).toEqual(expect.arrayContaining(['nerF1', 'nerMacroF1', 'accuracy', 'pairF1']));
      expect(checked).toContain('formatOk');
    });

  it('the table shows the same values in points', async () => {
    const md = await runProcess(process.execPath, [MMRE_BIN, 'report', join(dir, 'out.json'), '--bootstrap', '200'], {
      cwd: dir,
    });
    expect(md.code, md.stderr).toBe(0);
    const joint = report.systems[0].table.find((t: { mode: Mode }) => t.mode === 'joint');
    expect(joint.metrics.bleu).toBeCloseTo(derived.joint['corpus.bleu'] as number, 10);
    expect(joint.metrics.nerF1).toBeCloseTo((derived.joint['corpus.ner_micro_f1'] as number) * 100, 10);
    expect(md.stdout).toContain(`| M-MRE (joint) | ${(joint.metrics.rouge1 as number).toFixed(2)} |`);
    expect(await readFile(join(dir, 'out.json'), 'utf8')).not.toMatch(/data:image\//);
  });
});
