import { basename } from 'node:path';
import {
  canonicalLabel,
  detectPromptMode,
  type Entity,
  type Pair,
  parseAnswer,
  type Sample,
  SampleSchema,
  segmentId,
} from '@mmre/core';
import { z } from 'zod';
import type { DatasetDiagnostic } from '../diagnostics.js';
import { DatasetError } from '../errors.js';
import { zodDiagnostics } from '../issues.js';
import { writeDataset } from '../store.js';
import { readTextFile } from '../text.js';
import { copyGuards, copyImage, mapOrdered, type ProgressFn } from './common.js';
import type { ConvertResult } from './jsonl.js';

/** One record of the LLaVA multi-image JSON read by the Qwen2-VL-Finetune framework. */
export const LlavaRecordSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]).transform(String),
    /** Main image then segment images in letter order; paths relative to the image folder. */
    image: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    conversations: z
      .array(z.looseObject({ from: z.string(), value: z.string() }))
      .min(2, { message: 'needs a human turn and a gpt turn' }),
    /** Optional: some releases carry the text and split beside the conversation. */
    text: z.string().optional(),
    split: z.string().optional(),
  })
  .loose();
export type LlavaRecord = z.input<typeof LlavaRecordSchema>;

export interface ConvertLlavaOptions {
  /** The LLaVA JSON file (an array of records; a JSONL file of records is accepted too). */
  input: string;
  /** Folder the `image` paths are relative to (the framework's `--image_folder`); null: keep paths, copy nothing. */
  images: string | null;
  out: string;
  /** Split of every record without its own `split`; default: `train`/`dev`/`test` when the file name says so, else `test`. */
  split?: string;
  name?: string;
  version?: string;
  license?: string;
  description?: string;
  onProgress?: ProgressFn;
}

/** 1-based line of each top-level array element (or each line for JSONL), found without a full parse. */
export function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (depth === 1) lines.push(line);
      depth++;
    } else if (c === 125 || c === 93) depth--;
  }
  return lines;
}

/**
 * The sample text inside a PFA human turn: what follows `Text:` in the Task 2 module (the last
 * module), or null when the prompt carries no text (e.g. a Single TS prompt).
 */
export function textFromPrompt(human: string): string | null {
  const task2 = human.search(/Task 2:/);
  const from = task2 === -1 ? 0 : task2;
  const m = /(^|\n)Text: ?/.exec(human.slice(from));
  if (!m) return null;
  return human.slice(from + m.index + m[0].length).trim();
}

function splitFromName(file: string): string {
  const name = basename(file).toLowerCase();
  if (/train/.test(name)) return 'train';
  if (/\b(dev|val|valid|validation)\b|_dev|_val/.test(name)) return 'dev';
  return 'test';
}

async function readRecords(
  input: string,
  diagnostics: DatasetDiagnostic[],
): Promise<{ value: unknown; line: number }[]> {
  // UTF-8 with an optional BOM; a byte that is not UTF-8 is named (line, column)
  let read: Awaited<ReturnType<typeof readTextFile>>;
  try {
    read = await readTextFile(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(
      code === 'ENOENT'
        ? `${input}: not found; fix: give the M-MRE LLaVA JSON file (a JSON array of {id, image, conversations}) with --input`
        : `${input}: cannot be read (${(err as Error).message})`,
    );
  }
  const { text, diagnostic } = read;
  if (diagnostic) diagnostics.push(diagnostic);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new Error(`${input}: not valid JSON (${(err as Error).message}); fix: the LLaVA file is one JSON array`);
    }
    const lines = elementLines(text);
    return (data as unknown[]).map((value, i) => ({ value, line: lines[i] ?? 0 }));
  }
  // JSONL fallback: one record per line.
  const out: { value: unknown; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (err) {
      out.push({ value: Symbol.for('bad-json'), line: i + 1 });
      void err;
    }
  });
  return out;
}

/**
 * Converts M-MRE data in the LLaVA multi-image format into a dataset folder. The image list is
 * the main image then the segments in letter order; the gold answer is the `gpt` turn read with
 * `parseAnswer` (any parser diagnostic on gold is reported as an error, since gold must be clean);
 * the text is read from the human turn's `Text:` line (or a `text` field). Images are copied into
 * `out/images/`. A bad record is reported with file and line and skipped; the rest goes on.
 */
export async function convertLlava(options: ConvertLlavaOptions): Promise<ConvertResult> {
  const { input, out } = options;
  const diagnostics: DatasetDiagnostic[] = [];
  const records = await readRecords(input, diagnostics);
  const defaultSplit = options.split ?? splitFromName(input);
  const seen = new Map<string, number>();
  let skipped = 0;
  let guards: ReturnType<typeof copyGuards> | undefined;

  const report = (line: number, severity: DatasetDiagnostic['severity'], code: string, message: string, extra = {}) =>
    diagnostics.push({ severity, code, message: `${input}:${line}: ${message}`, file: input, line, ...extra });

  async function convertOne({ value, line }: { value: unknown; line: number }): Promise<Sample | null> {
    if (value === Symbol.for('bad-json')) {
      report(line, 'error', 'json', 'not valid JSON; fix: write one JSON object per line');
      return null;
    }
    const r = LlavaRecordSchema.safeParse(value);
    if (!r.success) {
      diagnostics.push(...zodDiagnostics(r.error, { file: input, line }));
      return null;
    }
    const rec = r.data;
    const id = rec.id;
    const first = seen.get(id);
    if (first !== undefined) {
      report(
        line,
        'error',
        'duplicate-id',
        `id ${JSON.stringify(id)} was already used on line ${first}; record skipped`,
        {
          sampleId: id,
          field: 'id',
        },
      );
      return null;
    }
    seen.set(id, line);
    const human = rec.conversations.find((t) => t.from === 'human' || t.from === 'user');
    const gpt = rec.conversations.find((t) => t.from === 'gpt' || t.from === 'assistant');
    if (!human || !gpt) {
      report(line, 'error', 'schema', `sample ${JSON.stringify(id)}: needs a "human" turn and a "gpt" turn`, {
        sampleId: id,
        field: 'conversations',
      });
      return null;
    }
    const images = Array.isArray(rec.image) ? rec.image : [rec.image];
    const tokens = (human.value.match(/<image>/g) ?? []).length;
    if (tokens !== images.length)
      report(
        line,
        'warning',
        'image-token-count',
        `sample ${JSON.stringify(id)}: the human turn has ${tokens} <image> token(s) for ${images.length} image(s); the framework needs one per image`,
        { sampleId: id, field: 'conversations.0.value' },
      );

    const text = rec.text ?? textFromPrompt(human.value);
    if (text === null)
      report(
        line,
        'warning',
        'no-text',
        `sample ${JSON.stringify(id)}: no "Text:" line in the human turn and no text field; the sample text is left empty`,
        { sampleId: id, field: 'conversations.0.value' },
      );

    const mode = detectPromptMode(gpt.value) ?? undefined;
    const parsed = parseAnswer(gpt.value, mode ? { mode } : {});
    for (const d of parsed.diagnostics)
      report(line, 'error', `gold-${d.code}`, `sample ${JSON.stringify(id)}: gold answer: ${d.message}`, {
        sampleId: id,
        field: 'conversations.gpt.value',
      });
    const entities: Entity[] = [];
    parsed.entities.forEach((e, i) => {
      const label = canonicalLabel(e.label);
      if (!label) {
        report(
          line,
          'error',
          'unknown-label',
          `sample ${JSON.stringify(id)}: gold entity ${i + 1} has label ${JSON.stringify(e.label)}; dropped`,
          {
            sampleId: id,
            field: 'conversations.gpt.value',
          },
        );
        return;
      }
      if (e.text.trim() === '') return;
      entities.push({ label, text: e.text });
    });
    const pairs: Pair[] = parsed.pairs.filter((p) => /^[a-z]+$/.test(p.segment) && p.entity.trim() !== '');

    let copied: string[] = images;
    if (options.images !== null) {
      copied = [];
      for (const [i, rel] of images.entries()) {
        guards ??= copyGuards(options.images, out);
        const c = await copyImage(options.images, rel, out, guards);
        const field = i === 0 ? 'image.0' : `image.${i}`;
        if (!c.ok) {
          report(line, 'error', c.code, `sample ${JSON.stringify(id)}: ${field} ${c.reason}`, { sampleId: id, field });
          if (c.code === 'unsafe-path') return null;
          copied.push(rel);
        } else copied.push(c.path);
      }
    }
    const sample = {
      id,
      split: rec.split ?? defaultSplit,
      text: text ?? '',
      image: { path: copied[0] as string },
      segments: copied.slice(1).map((path, i) => ({ id: segmentId(i), path })),
      gold: {
        ...(parsed.summary !== null && parsed.summary !== undefined ? { summary: parsed.summary } : {}),
        entities,
        pairs,
      },
    };
    const checked = SampleSchema.safeParse(sample);
    if (!checked.success) {
      diagnostics.push(...zodDiagnostics(checked.error, { file: input, line, sampleId: id }));
      return null;
    }
    return checked.data;
  }

  async function* samples(): AsyncGenerator<Sample> {
    let done = 0;
    for await (const s of mapOrdered(records, 8, convertOne)) {
      options.onProgress?.(++done, records.length);
      if (s) yield s;
      else skipped++;
    }
  }

  const result = await writeDataset(
    out,
    {
      name: options.name ?? basename(out),
      version: options.version ?? '0.0.0',
      license: options.license ?? 'unknown',
      description: options.description ?? `Converted from ${basename(input)} (M-MRE LLaVA format)`,
      source: basename(input),
    },
    samples(),
  );
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ...result, read: records.length, written: result.count, skipped, diagnostics };
}
