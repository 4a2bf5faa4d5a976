// Helpers that write small GMNER folders (CoNLL + VOC XML) and placeholder images for tests.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export interface FixtureTweet {
  id: string;
  /** `token TAG` pairs, e.g. [['Lionel', 'B-PER'], ['Messi', 'I-PER']]. */
  tokens: [string, string][];
  /** XML: size and objects; omitted = no XML file. */
  xml?: { width: number; height: number; objects: [string, number, number, number, number][] } | string;
}

export function vocXml(width: number, height: number, objects: [string, number, number, number, number][]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<annotation>\n\t<folder>x</folder>\n\t<filename>x.jpg</filename>\n\t<size>\n\t\t<width>${width}</width>\n\t\t<height>${height}</height>\n\t\t<depth>3</depth>\n\t</size>\n${objects
    .map(
      ([name, xmin, ymin, xmax, ymax]) =>
        `\t<object>\n\t\t<name>${esc(name)}</name>\n\t\t<pose>Unspecified</pose>\n\t\t<bndbox>\n\t\t\t<xmin>${xmin}</xmin>\n\t\t\t<ymin>${ymin}</ymin>\n\t\t\t<xmax>${xmax}</xmax>\n\t\t\t<ymax>${ymax}</ymax>\n\t\t</bndbox>\n\t</object>\n`,
    )
    .join('')}</annotation>\n`;
}

export function conll(tweets: FixtureTweet[]): string {
  return tweets.map((t) => `IMGID:${t.id}\n${t.tokens.map(([w, tag]) => `${w}\t${tag}\n`).join('')}`).join('\n');
}

/** Writes `root/txt/<split>.txt` and `root/xml/<id>.xml`; returns root. */
export async function writeGmner(splits: Record<string, FixtureTweet[]>, extraXml: Record<string, string> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gmner-fx-'));
  await mkdir(join(root, 'txt'));
  await mkdir(join(root, 'xml'));
  for (const [split, tweets] of Object.entries(splits)) {
    await writeFile(join(root, 'txt', `${split}.txt`), conll(tweets));
    for (const t of tweets)
      if (t.xml !== undefined)
        await writeFile(
          join(root, 'xml', `${t.id}.xml`),
          typeof t.xml === 'string' ? t.xml : vocXml(t.xml.width, t.xml.height, t.xml.objects),
        );
  }
  for (const [id, text] of Object.entries(extraXml)) await writeFile(join(root, 'xml', `${id}.xml`), text);
  return root;
}

/** A placeholder JPEG of the given size: a horizontal gray gradient, so crops differ by position. */
export async function placeholder(file: string, width: number, height: number): Promise<void> {
  const row = Buffer.alloc(width * 3);
  for (let x = 0; x < width; x++) row.fill(Math.floor((x * 255) / Math.max(1, width - 1)), x * 3, x * 3 + 3);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) row.copy(data, y * width * 3);
  await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toFile(file);
}
