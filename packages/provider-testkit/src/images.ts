import type { Mode } from '@mmre/core';
import { pfaInstruction, segmentId } from '@mmre/core';
import sharp from 'sharp';

/** A small solid-colour PNG of the given size (real image bytes that sharp and servers can decode). */
export async function makeTestImage(
  width: number,
  height: number,
  color: { r: number; g: number; b: number } = { r: 200, g: 60, b: 30 },
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

export interface ChatPromptInput {
  mode: Mode;
  text?: string;
  /** Number of segment images (lettered a, b, …). */
  segments?: number;
  /** Main image size; segment i is (w/2 - i) × (h/2 - i) so tests can tell them apart. */
  width?: number;
  height?: number;
}

/**
 * A rendered prompt shaped like the @mmre/pfa prompt functions' output: a JSON string of one user
 * turn whose content is the main image (data URL), then `Segment a:` + image for each segment, then
 * the PFA instruction text for the mode. For tests and benchmarks of providers.
 */
export async function buildChatPrompt(input: ChatPromptInput): Promise<string> {
  const w = input.width ?? 64;
  const h = input.height ?? 48;
  const n = input.segments ?? 2;
  const text = input.text ?? 'Spurs beat Thunder in San Antonio';
  const content: unknown[] = [{ type: 'image_url', image_url: { url: pngDataUrl(await makeTestImage(w, h)) } }];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = segmentId(i);
    ids.push(id);
    const seg = await makeTestImage(Math.max(4, Math.floor(w / 2) - i), Math.max(4, Math.floor(h / 2) - i), {
      r: 20 * i,
      g: 100,
      b: 200,
    });
    content.push({ type: 'text', text: `Segment ${id}:` }, { type: 'image_url', image_url: { url: pngDataUrl(seg) } });
  }
  content.push({ type: 'text', text: pfaInstruction(input.mode, { text, segmentIds: ids }) });
  return JSON.stringify([{ role: 'user', content }]);
}
