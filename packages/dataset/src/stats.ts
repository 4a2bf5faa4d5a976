import { LABELS, type Label, type Sample } from '@mmre/core';
import { addLadder, emptyLadder, foldKey, type LadderCounts } from './gmner/ladder.js';
import { readGmner } from './gmner/reader.js';
import { readSamples } from './store.js';

/** max / min / median / mean of a list of lengths (the paper's Table 1 statistics). */
export interface Summary4 {
  max: number;
  min: number;
  median: number;
  mean: number;
}

export interface CorpusStats {
  samples: number;
  /** CoNLL tokens (GMNER) or whitespace-separated words of the text (a dataset folder). */
  tokens: number;
  /** Gold entities per canonical label. */
  entities: Record<Label, number>;
  /** Samples with at least one segment. */
  samplesWithSegments: number;
  segments: number;
  /** Gold entities whose text (case fold, whitespace collapse) is the entity of at least one pair. */
  groundedEntities: number;
  /** Gold pairs. */
  pairs: number;
  /** Boxes per ladder rung (GMNER only). */
  ladder?: LadderCounts;
  /** Samples with a gold summary. */
  samplesWithSummary: number;
  summaryChars?: Summary4;
  summaryWords?: Summary4;
  textChars?: Summary4;
  textWords?: Summary4;
}

export interface StatsReport {
  splits: Record<string, CorpusStats>;
  total: CorpusStats;
}

export interface GmnerStatsReport extends StatsReport {
  splits: Record<'train' | 'dev' | 'test', CorpusStats> & Record<string, CorpusStats>;
}

function summarize(values: number[]): Summary4 | undefined {
  if (values.length === 0) return undefined;
  const s = Float64Array.from(values).sort();
  const n = s.length;
  const median = n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  let sum = 0;
  for (const v of s) sum += v;
  return { max: s[n - 1] as number, min: s[0] as number, median, mean: sum / n };
}

function countWords(s: string): number {
  let n = 0;
  for (const w of s.split(/\s+/u)) if (w) n++;
  return n;
}

function countChars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Accumulates the statistics of a stream of samples. */
export class StatsAccumulator {
  samples = 0;
  tokens = 0;
  entities: Record<Label, number> = Object.fromEntries(LABELS.map((l) => [l, 0])) as Record<Label, number>;
  samplesWithSegments = 0;
  segments = 0;
  groundedEntities = 0;
  pairs = 0;
  ladder: LadderCounts | undefined;
  summaryChars: number[] = [];
  summaryWords: number[] = [];
  textChars: number[] = [];
  textWords: number[] = [];

  /** Adds one sample; `tokens` defaults to the text's whitespace-separated words. */
  add(sample: Sample, extra: { tokens?: number; ladder?: LadderCounts } = {}): void {
    this.samples++;
    const words = countWords(sample.text);
    this.tokens += extra.tokens ?? words;
    this.textWords.push(words);
    this.textChars.push(countChars(sample.text));
    for (const e of sample.gold.entities) this.entities[e.label]++;
    if (sample.segments.length > 0) this.samplesWithSegments++;
    this.segments += sample.segments.length;
    this.pairs += sample.gold.pairs.length;
    if (sample.gold.pairs.length > 0) {
      const paired = new Set(sample.gold.pairs.map((p) => foldKey(p.entity)));
      for (const e of sample.gold.entities) if (paired.has(foldKey(e.text))) this.groundedEntities++;
    }
    if (extra.ladder) {
      this.ladder ??= emptyLadder();
      addLadder(this.ladder, extra.ladder);
    }
    if (sample.gold.summary !== undefined) {
      this.summaryChars.push(countChars(sample.gold.summary));
      this.summaryWords.push(countWords(sample.gold.summary));
    }
  }

  merge(other: StatsAccumulator): this {
    this.samples += other.samples;
    this.tokens += other.tokens;
    for (const l of LABELS) this.entities[l] += other.entities[l];
    this.samplesWithSegments += other.samplesWithSegments;
    this.segments += other.segments;
    this.groundedEntities += other.groundedEntities;
    this.pairs += other.pairs;
    if (other.ladder) {
      this.ladder ??= emptyLadder();
      addLadder(this.ladder, other.ladder);
    }
    for (const k of ['summaryChars', 'summaryWords', 'textChars', 'textWords'] as const)
      for (const v of other[k]) this[k].push(v);
    return this;
  }

  result(): CorpusStats {
    const out: CorpusStats = {
      samples: this.samples,
      tokens: this.tokens,
      entities: { ...this.entities },
      samplesWithSegments: this.samplesWithSegments,
      segments: this.segments,
      groundedEntities: this.groundedEntities,
      pairs: this.pairs,
      samplesWithSummary: this.summaryChars.length,
    };
    if (this.ladder) out.ladder = { ...this.ladder };
    const sc = summarize(this.summaryChars);
    const sw = summarize(this.summaryWords);
    const tc = summarize(this.textChars);
    const tw = summarize(this.textWords);
    if (sc) out.summaryChars = sc;
    if (sw) out.summaryWords = sw;
    if (tc) out.textChars = tc;
    if (tw) out.textWords = tw;
    return out;
  }
}

function finish(per: Map<string, StatsAccumulator>, order: string[]): StatsReport {
  const total = new StatsAccumulator();
  const splits: Record<string, CorpusStats> = {};
  for (const name of order) {
    const acc = per.get(name) ?? new StatsAccumulator();
    splits[name] = acc.result();
    total.merge(acc);
  }
  return { splits, total: total.result() };
}

/**
 * Statistics of the GMNER annotations (no images needed), per split (train, dev, test) and in
 * total, including the box→entity ladder counts. `summaries` (JSONL `{id, summary}`) adds the
 * summary statistics.
 */
export async function gmnerStats(
  root: string,
  options: { summaries?: string; splits?: string[] } = {},
): Promise<GmnerStatsReport> {
  const reading = await readGmner(root, options);
  const per = new Map<string, StatsAccumulator>();
  for (const s of reading.splits) per.set(s, new StatsAccumulator());
  for await (const rec of reading.records)
    (per.get(rec.sample.split) as StatsAccumulator).add(rec.sample, { tokens: rec.tokens, ladder: rec.built.ladder });
  return finish(per, reading.splits) as GmnerStatsReport;
}

/**
 * Statistics of a converted dataset folder (its `samples.jsonl`, read with the store's
 * `readSamples`), per split and in total. Lines that are not valid samples are skipped and
 * counted in `invalidLines`.
 */
export async function datasetStats(dir: string): Promise<StatsReport & { invalidLines: number }> {
  const per = new Map<string, StatsAccumulator>();
  let invalidLines = 0;
  for await (const { sample } of readSamples(dir)) {
    if (!sample) {
      invalidLines++;
      continue;
    }
    let acc = per.get(sample.split);
    if (!acc) {
      acc = new StatsAccumulator();
      per.set(sample.split, acc);
    }
    acc.add(sample);
  }
  const known = ['train', 'dev', 'validation', 'val', 'test'];
  const order = [...per.keys()].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return { ...finish(per, order), invalidLines };
}

const int = new Intl.NumberFormat('en-US');
function num(v: number): string {
  return Number.isInteger(v) ? int.format(v) : v.toFixed(2);
}
function four(s: Summary4 | undefined): string {
  return s ? `${num(s.max)} / ${num(s.min)} / ${num(s.median)} / ${num(s.mean)}` : '–';
}

/** A human-readable table (one column per split, then the total) for the CLI. */
export function formatStats(stats: StatsReport): string {
  const cols = [...Object.keys(stats.splits), 'total'];
  const parts = cols.map((c) => (c === 'total' ? stats.total : (stats.splits[c] as CorpusStats)));
  const anyLadder = parts.some((p) => p.ladder);
  const anySummary = parts.some((p) => p.summaryChars);
  const rows: [string, (s: CorpusStats) => string][] = [
    ['samples', (s) => num(s.samples)],
    ['tokens', (s) => num(s.tokens)],
    ...LABELS.map(
      (l) => [`entities: ${l}`, (s: CorpusStats) => num(s.entities[l])] as [string, (s: CorpusStats) => string],
    ),
    ['entities: all', (s) => num(LABELS.reduce((a, l) => a + s.entities[l], 0))],
    ['samples with segments', (s) => num(s.samplesWithSegments)],
    ['segments', (s) => num(s.segments)],
    ['pairs', (s) => num(s.pairs)],
    ['grounded entities', (s) => num(s.groundedEntities)],
  ];
  if (anyLadder)
    for (const rung of ['exact', 'compact', 'levenshtein', 'fallback'] as const)
      rows.push([`ladder: ${rung}`, (s) => (s.ladder ? num(s.ladder[rung]) : '–')]);
  rows.push(
    ['text chars max/min/med/mean', (s) => four(s.textChars)],
    ['text words max/min/med/mean', (s) => four(s.textWords)],
  );
  if (anySummary)
    rows.push(
      ['samples with summary', (s) => num(s.samplesWithSummary)],
      ['summary chars max/min/med/mean', (s) => four(s.summaryChars)],
      ['summary words max/min/med/mean', (s) => four(s.summaryWords)],
    );
  const table = [['', ...cols], ...rows.map(([name, f]) => [name, ...parts.map(f)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)));
  return table
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '))
    .join('\n');
}
