import { resolve } from 'node:path';
import {
  formatAnswer,
  type Mode,
  modeTasks,
  pfaInstruction,
  type Sample,
  type TestSegment,
  TestVarsSchema,
} from '@mmre/core';
import { loadDataset } from '@mmre/dataset';
import { type EncodedImage, encodeImage } from './image.js';
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
      `test vars${id !== undefined ? ` of sample ${JSON.stringify(id)}` : ''} are not M-MRE test vars: ${r.error.issues
        .map((i) => `vars.${i.path.join('.')}: ${i.message}`)
        .join('; ')}; fix: generate tests with the @mmre/dataset test generator (vars id, text, image, segments, gold)`,
    );
  }
  return { id: r.data.id, text: r.data.text, image: r.data.image, segments: r.data.segments ?? [] };
}

type ImageSettings = ReturnType<typeof mergePfaOptions>['image'];

async function segmentImage(sample: PromptSample, seg: TestSegment, image: ImageSettings): Promise<EncodedImage> {
  if (seg.path) return encodeImage(seg.path, image);
  if (seg.box) return encodeImage(sample.image, { ...image, crop: seg.box });
  throw new PfaVarsError(
    `sample ${JSON.stringify(sample.id)}: segment ${seg.id} has neither a path nor a box; fix: give each segment an image path or a box in the main image`,
  );
}

/** The content parts of one user turn: main image, `Segment a:` + image for each segment, then the PFA text. */
export async function buildUserContent(
  mode: Mode,
  sample: PromptSample,
  options: { templates?: ParsedPfaOptions['templates']; image: ImageSettings },
): Promise<ContentPart[]> {
  const [main, ...segs] = await Promise.all([
    encodeImage(sample.image, options.image),
    ...sample.segments.map((seg) => segmentImage(sample, seg, options.image)),
  ]);
  const parts: ContentPart[] = [{ type: 'image_url', image_url: { url: (main as EncodedImage).dataUrl } }];
  sample.segments.forEach((seg, i) => {
    parts.push({ type: 'text', text: `Segment ${seg.id}:` });
    parts.push({ type: 'image_url', image_url: { url: (segs[i] as EncodedImage).dataUrl } });
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

interface ShotPool {
  root: string;
  samples: Sample[];
}

const shotPools = new Map<string, Promise<ShotPool>>();

async function loadShotPool(shots: ShotsOptions): Promise<ShotPool> {
  const root = resolve(shots.dataset);
  const key = `${root}\u0000${shots.split}\u0000${shots.seed}`;
  let pool = shotPools.get(key);
  if (!pool) {
    pool = loadDataset(root, { split: shots.split, seed: shots.seed }).then(
      ({ samples }) => ({ root, samples }),
      (err: unknown) => {
        shotPools.delete(key);
        throw new PfaOptionsError(
          `option \`shots.dataset\`: cannot load dataset ${root}: ${(err as Error).message}; fix: point shots.dataset at a dataset folder (dataset.json + samples.jsonl)`,
        );
      },
    );
    shotPools.set(key, pool);
  }
  return pool;
}

/**
 * The k-shot examples for a mode: the dataset's `split` in a seeded order (samples sorted by id,
 * then shuffled with mulberry32(seed)), skipping the sample being asked about and, for modes with
 * Task 1, samples without a gold summary; the first k remain. The same k examples serve every test.
 */
export async function selectShots(
  mode: Mode,
  shots: ShotsOptions,
  excludeId?: string,
): Promise<{ root: string; samples: Sample[] }> {
  const pool = await loadShotPool(shots);
  const needSummary = modeTasks(mode).task1;
  const chosen: Sample[] = [];
  for (const s of pool.samples) {
    if (chosen.length >= shots.k) break;
    if (s.id === excludeId) continue;
    if (needSummary && !s.gold.summary) continue;
    chosen.push(s);
  }
  if (chosen.length < shots.k)
    throw new PfaOptionsError(
      `option \`shots\`: asked for k=${shots.k} examples but split ${JSON.stringify(shots.split)} of ${pool.root} has only ${chosen.length} usable samples${needSummary ? ' (with a gold summary)' : ''}; fix: lower shots.k or use another split`,
    );
  return { root: pool.root, samples: chosen };
}

function sampleToPrompt(root: string, s: Sample): PromptSample {
  return {
    id: s.id,
    text: s.text,
    image: resolve(root, s.image.path),
    segments: s.segments.map((seg) => ({
      id: seg.id,
      path: seg.path ? resolve(root, seg.path) : null,
      box: seg.box ?? null,
    })),
  };
}

/** Builds the chat messages from already-merged options. */
export async function buildMessagesFrom(
  mode: Mode,
  sample: PromptSample,
  options: ReturnType<typeof mergePfaOptions>,
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  if (options.systemPrompt) messages.push({ role: 'system', content: options.systemPrompt });
  if (options.shots && options.shots.k > 0) {
    const { root, samples } = await selectShots(mode, options.shots, sample.id);
    const turns = await Promise.all(samples.map((s) => buildUserContent(mode, sampleToPrompt(root, s), options)));
    samples.forEach((s, i) => {
      messages.push({ role: 'user', content: turns[i] as ContentPart[] });
      messages.push({
        role: 'assistant',
        content: formatAnswer(
          { summary: s.gold.summary ?? null, entities: s.gold.entities, pairs: s.gold.pairs },
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
 * Option layers, later wins: defaults < env (MMRE_MIN_PIXELS, MMRE_MAX_PIXELS) < `options` < vars
 * (`minPixels`, `maxPixels`).
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
