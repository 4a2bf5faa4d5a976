import { mulberry32 } from '@mmre/core';
// Test fixtures: a tiny dataset with real images, deterministic imperfect answers, and promptfoo
// output files in the exact shape `promptfoo eval -o out.json` writes (0.123).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gold, Mode, TestSegment } from '@mmre/core';
import { encodeTestVars, formatAnswer, pfaInstruction, segmentId } from '@mmre/core';
import sharp from 'sharp';

export interface FixtureSample {
  id: string;
  text: string;
  image: string;
  segments: TestSegment[];
  gold: Gold;
}

const PEOPLE = ['Alice Smith', 'Bob Jones', 'Carla Diaz', 'Dan Wu', 'Eve Stone', 'Femi Ade'];
const ORGS = ['NBA', 'Spurs', 'Thunder', 'Acme Corp', 'United Nations'];
const PLACES = ['Paris', 'Texas', 'Lagos', 'Kyoto'];
const NOUNS = ['crowd', 'stage', 'player', 'banner', 'street', 'stadium', 'camera', 'flag', 'river', 'bus'];
const VERBS = ['stands near', 'waves at', 'walks past', 'looks at', 'holds', 'points to'];


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function sentence(r: () => number): string {
  return `A ${pick(r, NOUNS)} ${pick(r, VERBS)} the ${pick(r, NOUNS)} in ${pick(r, PLACES)}.`;
}

/** Writes `n` samples with PNG main images (with coloured boxes) under `dir`. */
export async function makeSamples(dir: string, n: number, seed = 7): Promise<FixtureSample[]> {
  await mkdir(join(dir, 'images'), { recursive: true });
  const r = mulberry32(seed);
  const out: FixtureSample[] = [];
  for (let i = 0; i < n; i++) {
    const id = `s${String(i + 1).padStart(3, '0')}`;
    const person = pick(r, PEOPLE);
    const org = pick(r, ORGS);
    const place = pick(r, PLACES);
    const entities = [
      { label: 'person' as const, text: person },
      { label: 'organization' as const, text: org },
      ...(r() < 0.5 ? [{ label: 'location' as const, text: place }] : []),
    ];
    const nSeg = i % 4 === 3 ? 0 : 1 + Math.floor(r() * 2);
    const W = 240;
    const H = 160;
    const segments: TestSegment[] = [];
    const pairs: Gold['pairs'] = [];
    for (let k = 0; k < nSeg; k++) {
      const xmin = 10 + k * 110;
      const box = { xmin, ymin: 20 + k * 10, xmax: xmin + 90, ymax: 120 + k * 10 };
      const segId = segmentId(k);
      segments.push({ id: segId, path: null, box });
      pairs.push({ segment: segId, entity: k === 0 ? person : org });
    }
    const colour = { r: Math.floor(r() * 200), g: Math.floor(r() * 200), b: Math.floor(r() * 200) };
    const overlays = await Promise.all(
      segments.map(async (s) => {
        const b = s.box as NonNullable<TestSegment['box']>;
        const input = await sharp({
          create: {
            width: b.xmax - b.xmin,
            height: b.ymax - b.ymin,
            channels: 3,
            background: { r: 255 - colour.r, g: 255 - colour.g, b: 120 },
          },
        })
          .png()
          .toBuffer();
        return { input, left: b.xmin, top: b.ymin };
      }),
    );
    const image = join(dir, 'images', `${id}.png`);
    await sharp({ create: { width: W, height: H, channels: 3, background: colour } })
      .composite(overlays)
      .png()
      .toFile(image);
    const summary = `${sentence(r)} ${sentence(r)} ${person} of ${org} is shown.`;
    const text = `${person} joins ${org} in ${place} today`;
    out.push({ id, text, image, segments, gold: { summary, entities, pairs } });
  }
  return out;
}

/**
 * A deterministic imperfect answer. `skill` in [0, 1] is the chance of keeping each gold item;
 * the summary keeps the gold's first sentence with probability `skill`, else a wrong one.
 */
export function fakeAnswer(sample: FixtureSample, mode: Mode, skill: number, seed: number): string {
  const r = mulberry32(seed);
  const entities = sample.gold.entities.filter(() => r() < skill);
  if (r() > skill) entities.push({ label: 'other', text: pick(r, NOUNS) });
  const pairs = sample.gold.pairs.filter(() => r() < skill);
  if (r() > skill && sample.segments[0]) pairs.push({ segment: sample.segments[0].id, entity: pick(r, PEOPLE) });
  const goldSentences = (sample.gold.summary ?? '').split('. ');
  const summary = r() < skill ? `${goldSentences[0]}. ${sentence(r)}` : `${sentence(r)} ${sentence(r)}`;
  return formatAnswer({ summary, entities, pairs }, mode);
}

export interface FixtureRow {
  sample: FixtureSample;
  mode: Mode;
  output?: string;
  error?: string;
  provider?: { id: string; label?: string };
  cached?: boolean;
}

/** A promptfoo 0.123 output file for these rows (shape checked against a real `promptfoo eval -o`). */
export function promptfooJson(
  rows: readonly FixtureRow[],
  options: { providers?: unknown[]; description?: string } = {},
): unknown {
  const prompts = [...new Set(rows.map((r) => r.mode))];
  const results = rows.map((row, i) => {
    const vars = encodeTestVars({
      id: row.sample.id,
      split: 'test',
      text: row.sample.text,
      image: row.sample.image,
      segments: row.sample.segments,
      gold: row.sample.gold,
    });
    const raw = pfaInstruction(row.mode, { text: row.sample.text, segmentIds: row.sample.segments.map((s) => s.id) });
    const provider = row.provider ?? { id: 'file://provider.mjs', label: 'fixture' };
    const base = {
      cost: 0,
      id: `row-${i}`,
      latencyMs: 3,
      namedScores: {},
      // as the @mmre/pfa prompts record it: the mode (and image settings) in the row's prompt config
      prompt: { raw, label: `pfa-${row.mode}`, config: { mmre: { mode: row.mode, images: 'ref' } } },
      promptId: `p-${row.mode}`,
      promptIdx: prompts.indexOf(row.mode),
      provider,
      testCase: { vars, assert: [], options: {}, metadata: {} },
      testIdx: i,
      vars,
      metadata: {},
    };
    if (row.error !== undefined)
      return { ...base, error: row.error, gradingResult: null, response: { error: row.error }, score: 0, success: false, failureReason: 2 };
    return {
      ...base,
      gradingResult: { pass: true, score: 1, reason: 'ok', namedScores: {}, componentResults: [] },
      response: {
        output: row.output,
        tokenUsage: { prompt: 10, completion: 5, total: 15, numRequests: 1 },
        ...(row.cached ? { cached: true } : {}),
        metadata: { model: 'fixture-model' },
      },
      score: 1,
      success: true,
      tokenUsage: { prompt: 10, completion: 5, total: 15, numRequests: 1 },
      failureReason: 0,
    };
  });
  return {
    evalId: 'eval-fixture',
    results: { version: 3, timestamp: '2026-01-01T00:00:00.000Z', prompts: [], results, stats: {} },
    config: {
      description: options.description ?? 'fixture',
      providers: options.providers ?? [
        { id: 'file://provider.mjs', label: 'fixture', config: { temperature: 0, max_tokens: 512, apiKey: 'sk-secret', maxPixels: 802816 } },
      ],
    },
    metadata: { promptfooVersion: '0.123.1', evaluationCreatedAt: '2026-01-01T00:00:00.000Z' },
  };
}

/** Rows for all three modes; joint is given a higher skill than the single modes. */
export function threeModeRows(samples: readonly FixtureSample[], skills = { summary: 0.5, mner: 0.5, joint: 0.8 }) {
  const rows: FixtureRow[] = [];
  samples.forEach((sample, i) => {
    for (const mode of ['joint', 'summary', 'mner'] as const)
      rows.push({ sample, mode, output: fakeAnswer(sample, mode, skills[mode], 1000 * i + mode.length) });
  });
  return rows;
}

export async function writeJson(path: string, value: unknown): Promise<string> {
  await writeFile(path, JSON.stringify(value));
  return path;
}
