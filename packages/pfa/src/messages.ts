import { resolve } from 'node:path';
import {
  describeVarsIssues,
  formatAnswer,
  hasGoldSummary,
  type Mode,
  modeTasks,
  pfaInstruction,
  type Sample,
  type TestSegment,
  TestVarsSchema,
} from '@mmre/core';
import { loadDataset, sampleToTest } from '@mmre/dataset';
import { type ImageEncoder, type ImageSettings, sharedImageEncoder } from '@mmre/images';
import {
  envPfaOptions,
  mergePfaOptions,
  type ParsedPfaOptions,
  type PfaOptions,
  PfaOptionsError,
  parsePfaOptions,
  pickPfaOptions,
  type ShotsOptions,
  VAR_OPTION_KEYS,
} from './options.js';

/** OpenAI-style content parts. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

/** The decoded fields of one sample that a user turn needs. */
export interface PromptSample {
  id: string;
  text: string;
  /** Absolute path of the main image. */
  image: string;
  segments: TestSegment[];
}

/** Thrown when test vars are not the M-MRE test vars; the message names the field and the fix. */
export class PfaVarsError extends Error {
  override name = 'PfaVarsError';
}

export function decodeVars(vars: unknown): PromptSample {
  const r = TestVarsSchema.safeParse(vars ?? {});
  if (!r.success) {
    const id = (vars as { id?: unknown } | undefined)?.id;
    throw new PfaVarsError(
      `test vars${id !== undefined ? ` of sample ${JSON.stringify(id)}` : ''} are not M-MRE test vars: ${describeVarsIssues(r.error)}; fix: generate tests with the @mmre/dataset test generator (vars id, text, image, segments, gold)`,
    );
  }
  return { id: r.data.id, text: r.data.text, image: r.data.image, segments: r.data.segments ?? [] };
}

/** What building a turn needs to know about images. */
export interface ImageOptions {
  image: ImageSettings;
  /** `ref`: image references (resolved by this project's providers); `inline`: data URLs. */
  images: 'ref' | 'inline';
  /** The encoder (default: the process's shared one). */
  encoder?: ImageEncoder;
}

function segmentSource(sample: PromptSample, seg: TestSegment): { path: string; crop: TestSegment['box'] } {
  if (seg.path) return { path: seg.path, crop: null };
  if (seg.box) return { path: sample.image, crop: seg.box };
  throw new PfaVarsError(
    `sample ${JSON.stringify(sample.id)}: segment ${seg.id} has neither a path nor a box; fix: give each segment an image path or a box in the main image`,
  );
}

/**
 * The URLs of a turn's images (main image first, then the segments): image references, or, inline,
 * the data URLs they resolve to (all at once, so a file and its box crops are decoded once).
 */
async function imageUrls(sample: PromptSample, o: ImageOptions): Promise<string[]> {
  const encoder = o.encoder ?? sharedImageEncoder();
  const sources = [{ path: sample.image, crop: null }, ...sample.segments.map((seg) => segmentSource(sample, seg))];
  const refs = await Promise.all(sources.map((src) => encoder.ref(src.path, { ...o.image, crop: src.crop ?? null })));
  if (o.images !== 'inline') return refs;
  return (await encoder.resolveRefs(refs)).map((img) => img.dataUrl);
}

/** The content parts of one user turn: main image, `Segment a:` + image for each segment, then the PFA text. */
export async function buildUserContent(
  mode: Mode,
  sample: PromptSample,
  options: ImageOptions & { templates?: ParsedPfaOptions['templates'] },
): Promise<ContentPart[]> {
  const [main, ...segs] = await imageUrls(sample, options);
  const parts: ContentPart[] = [{ type: 'image_url', image_url: { url: main as string } }];
  sample.segments.forEach((seg, i) => {
    parts.push({ type: 'text', text: `Segment ${seg.id}:` });
    parts.push({ type: 'image_url', image_url: { url: segs[i] as string } });
  });
  parts.push({
    type: 'text',
    text: pfaInstruction(mode, {
      text: sample.text,
      segmentIds: sample.segments.map((s) => s.id),
      ...(options.templates ? { templates: options.templates } : {}),
    }),
  });
  return parts;
}

interface Shot {
  sample: PromptSample;
  gold: Sample['gold'];
}

interface ShotPool {
  root: string;
  shots: (Shot & { hasSummary: boolean })[];
}

/**
 * Loaded k-shot pools, by dataset root, split and seed. The pools of the default prompt functions are
 * process-wide (promptfoo loads each prompt function once); `new ShotPools()` gives a fresh set.
 */
export class ShotPools {
  private readonly pools = new Map<string, Promise<ShotPool>>();

  get(shots: ShotsOptions): Promise<ShotPool> {
    const root = resolve(shots.dataset);
    const key = `${root}\u0000${shots.split}\u0000${shots.seed}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = loadDataset(root, { split: shots.split, seed: shots.seed }).then(
        ({ samples }) => {
          const out: ShotPool['shots'] = [];
          for (const s of samples) {
            // The generator's path rule (paths inside the dataset, resolved from its root): a sample it refuses is no shot.
            const test = sampleToTest(root, s);
            if (typeof test === 'string') continue;
            out.push({ sample: decodeVars(test.vars), gold: s.gold, hasSummary: hasGoldSummary(s.gold) });
          }
          return { root, shots: out };
        },
        (err: unknown) => {
          this.pools.delete(key);
          throw new PfaOptionsError(
            `option \`shots.dataset\`: cannot load dataset ${root}: ${(err as Error).message}; fix: point shots.dataset at a dataset folder (dataset.json + samples.jsonl)`,
          );
        },
      );
      this.pools.set(key, pool);
    }
    return pool;
  }
}

const sharedShotPools = new ShotPools();

/**
 * The k-shot examples for a mode: the dataset's `split` in a seeded order (samples sorted by id,
 * then shuffled with mulberry32(seed)), skipping the sample being asked about and, for modes with
 * Task 1, samples without a gold summary (`hasGoldSummary`); the first k remain. The same k
 * examples serve every test.
 */
export async function selectShots(
  mode: Mode,
  shots: ShotsOptions,
  excludeId?: string,
  pools: ShotPools = sharedShotPools,
): Promise<{ root: string; shots: Shot[] }> {
  const pool = await pools.get(shots);
  const needSummary = modeTasks(mode).task1;
  const chosen: Shot[] = [];
  for (const s of pool.shots) {
    if (chosen.length >= shots.k) break;
    if (s.sample.id === excludeId) continue;
    if (needSummary && !s.hasSummary) continue;
    chosen.push({ sample: s.sample, gold: s.gold });
  }
  if (chosen.length < shots.k)
    throw new PfaOptionsError(
      `option \`shots\`: asked for k=${shots.k} examples but split ${JSON.stringify(shots.split)} of ${pool.root} has only ${chosen.length} usable samples${needSummary ? ' (with a gold summary)' : ''}; fix: lower shots.k or use another split`,
    );
  return { root: pool.root, shots: chosen };
}

/** Builds the chat messages from already-merged options. */
export async function buildMessagesFrom(
  mode: Mode,
  sample: PromptSample,
  options: ReturnType<typeof mergePfaOptions> & { encoder?: ImageEncoder; pools?: ShotPools },
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  if (options.systemPrompt) messages.push({ role: 'system', content: options.systemPrompt });
  if (options.shots && options.shots.k > 0) {
    const { shots } = await selectShots(mode, options.shots, sample.id, options.pools);
    const turns = await Promise.all(shots.map((s) => buildUserContent(mode, s.sample, options)));
    shots.forEach((s, i) => {
      messages.push({ role: 'user', content: turns[i] as ContentPart[] });
      messages.push({
        role: 'assistant',
        content: formatAnswer(
          { summary: hasGoldSummary(s.gold) ? s.gold.summary : null, entities: s.gold.entities, pairs: s.gold.pairs },
          mode,
        ),
      });
    });
  }
  messages.push({ role: 'user', content: await buildUserContent(mode, sample, options) });
  return messages;
}

/**
 * The PFA chat messages for one test: optional system prompt, optional k-shot turns, then one user
 * turn (main image, each segment preceded by `Segment x:`, the PFA instruction for the mode).
 * Option layers, later wins: defaults < env (MMRE_MIN_PIXELS, MMRE_MAX_PIXELS, MMRE_IMAGES) <
 * `options` < vars (`minPixels`, `maxPixels`).
 */
export async function buildMessages(mode: Mode, vars: unknown, options: PfaOptions = {}): Promise<ChatMessage[]> {
  const sample = decodeVars(vars);
  const merged = mergePfaOptions(
    envPfaOptions(),
    parsePfaOptions(options),
    pickPfaOptions(vars, `test vars of sample ${JSON.stringify(sample.id)}`, VAR_OPTION_KEYS),
  );
  return buildMessagesFrom(mode, sample, merged);
}
