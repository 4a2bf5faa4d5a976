import type { Sample } from '@mmre/core';
import { z } from 'zod';
import { DatasetError } from './errors.js';
import { formatDiagnostic } from './issues.js';
import { compareIds, seededShuffle } from './random.js';
import { readManifest, readSamples, writeDataset } from './store.js';

export const SplitOptionsSchema = z.object({
  /** Parts separated by `:`, e.g. `7:3` (train:test) or `8:1:1` (train:dev:test). */
  ratio: z
    .string()
    .regex(/^\d+(\.\d+)?(:\d+(\.\d+)?)+$/, { message: 'ratio must look like 7:3 or 8:1:1' })
    .default('7:3'),
  /** 32-bit integer seed of the shuffle. */
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  /** Split names, one per ratio part. Default: train:test for two parts, train:dev:test for three. */
  names: z.array(z.string().min(1)).optional(),
});
export type SplitOptions = z.input<typeof SplitOptionsSchema>;

/**
 * How many samples each part gets: floor of the exact share, then the remaining samples go one
 * each to the parts with the largest fractional remainders (earlier parts first on ties).
 * 5,533 at 7:3 → 3,873 / 1,660.
 */
export function splitCounts(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new DatasetError('split: the ratio must have a positive sum, e.g. 7:3');
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    left--;
  }
  return counts;
}

/**
 * Assigns splits: ids sorted by code unit, shuffled by a Fisher–Yates shuffle driven by
 * mulberry32(seed), then cut in ratio order. Depends only on the set of ids, the ratio and the
 * seed — not on file order — so it is reproducible anywhere.
 */
export function assignSplits(ids: readonly string[], options: SplitOptions = {}): Map<string, string> {
  const parsed = SplitOptionsSchema.safeParse(options, { reportInput: true });
  if (!parsed.success)
    throw new DatasetError(
      `split: invalid options: ${parsed.error.issues
        .map(
          (i) =>
            `${i.path.join('.') || '(options)'}${i.input !== undefined ? ` ${JSON.stringify(i.input)}` : ''}: ${i.message}`,
        )
        .join('; ')}`,
    );
  const o = parsed.data;
  const weights = o.ratio.split(':').map(Number);
  const names =
    o.names ?? (weights.length === 2 ? ['train', 'test'] : weights.length === 3 ? ['train', 'dev', 'test'] : null);
  if (!names || names.length !== weights.length)
    throw new DatasetError(`split: ${weights.length} ratio parts need ${weights.length} names (--names a,b,…)`);
  const unique = [...new Set(ids)].sort(compareIds);
  const shuffled = seededShuffle(unique, o.seed);
  const counts = splitCounts(shuffled.length, weights);
  const out = new Map<string, string>();
  let k = 0;
  counts.forEach((c, part) => {
    for (let j = 0; j < c; j++) out.set(shuffled[k++] as string, names[part] as string);
  });
  return out;
}

export interface SplitResult {
  count: number;
  splits: Record<string, number>;
}

/**
 * Re-splits a dataset in place: rewrites every record's `split` (file order is kept) and the
 * manifest's split counts. Refuses (throws, changing nothing) when samples.jsonl has invalid
 * lines, since rewriting would drop them: fix them first (`mmre dataset validate`).
 */
export async function split(dir: string, options: SplitOptions = {}): Promise<SplitResult> {
  const manifest = await readManifest(dir);
  const samples: Sample[] = [];
  const problems: string[] = [];
  for await (const e of readSamples(dir)) {
    if (e.sample) samples.push(e.sample);
    else problems.push(...e.issues.map(formatDiagnostic));
  }
  if (problems.length > 0)
    throw new DatasetError(
      `split: ${problems.length} problem(s) in ${dir}/samples.jsonl; nothing was changed (rewriting would drop the bad lines). Fix them first:\n${problems.slice(0, 10).join('\n')}`,
    );
  const assigned = assignSplits(
    samples.map((s) => s.id),
    options,
  );
  const result = await writeDataset(
    dir,
    {
      name: manifest.name,
      version: manifest.version,
      license: manifest.license,
      ...(manifest.description !== undefined ? { description: manifest.description } : {}),
      ...(manifest.source !== undefined ? { source: manifest.source } : {}),
    },
    samples.map((s) => ({ ...s, split: assigned.get(s.id) as string })),
  );
  return result;
}
