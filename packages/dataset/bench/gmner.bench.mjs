// GMNER benchmarks over the real annotations in ../shared/datasets/gmner (MMRE_SHARED_DIR to override):
// - gmnerStats over all of GMNER (target < 3 s);
// - convertGmner of all 10,000 tweets with placeholder images, crops included (target >= 200 samples/s
//   on 2 cores, memory bounded). Placeholders (JPEGs at each XML's <size>, 600×400 for tweets without
//   XML) are generated once into a temp folder before timing and reused by later runs.
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertGmner, formatStats, gmnerStats } from '@mmre/dataset';
import sharp from 'sharp';
import { orderedMap } from '../dist/gmner/pool.js'; // internal: bounded, in-order concurrency

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.MMRE_SHARED_DIR ? resolve(process.env.MMRE_SHARED_DIR) : resolve(here, '../../../../shared');
const root = join(shared, 'datasets', 'gmner');
if (!existsSync(join(root, 'txt'))) {
  console.log(`gmner bench: ${root} not found (set MMRE_SHARED_DIR); skipped`);
  process.exit(0);
}

// 1. stats (first run in a fresh process, as the CLI would see it)
let t0 = performance.now();
const stats = await gmnerStats(root);
const statsSeconds = (performance.now() - t0) / 1000;
console.log(formatStats(stats));
const again = [];
for (let i = 0; i < 2; i++) {
  t0 = performance.now();
  await gmnerStats(root);
  again.push((performance.now() - t0) / 1000);
}
console.log(`gmnerStats: first ${statsSeconds.toFixed(2)} s, then ${again.map((s) => s.toFixed(2)).join(', ')} s`);

// 2. placeholders, once: one JPEG per distinct size (a gradient with mild noise, so it decodes and
// compresses like a photo rather than a flat colour), hard-linked as <IMGID>.jpg for every tweet.
const images = join(tmpdir(), 'mmre-bench-gmner-placeholders-v2');
const marker = join(images, '.complete');
const ids = [];
for (const f of (await readdir(join(root, 'txt'))).filter((f) => f.endsWith('.txt')))
  for (const line of (await readFile(join(root, 'txt', f), 'utf8')).split('\n'))
    if (line.startsWith('IMGID:')) ids.push(line.slice(6).trim());
if (!existsSync(marker)) {
  await rm(images, { recursive: true, force: true });
  await mkdir(join(images, '.sizes'), { recursive: true });
  t0 = performance.now();
  const xmlIds = new Set((await readdir(join(root, 'xml'))).map((f) => f.slice(0, -4)));
  const sizeOf = new Map();
  for (const id of ids) {
    let size = '600x400';
    if (xmlIds.has(id)) {
      const xml = await readFile(join(root, 'xml', `${id}.xml`), 'utf8');
      size = `${/<width>\s*(\d+)/.exec(xml)?.[1] ?? 600}x${/<height>\s*(\d+)/.exec(xml)?.[1] ?? 400}`;
    }
    sizeOf.set(id, size);
  }
  const sizes = [...new Set(sizeOf.values())];
  let seed = 1;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  };
  for await (const _ of orderedMap(sizes, 2, async (size) => {
    const [width, height] = size.split('x').map(Number);
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0, i = 0; y < height; y++)
      for (let x = 0; x < width; x++, i += 3) {
        const n = (rnd() & 31) - 16;
        data[i] = Math.max(0, Math.min(255, ((x * 255) / width) | 0) + n);
        data[i + 1] = Math.max(0, Math.min(255, ((y * 255) / height) | 0) + n);
        data[i + 2] = Math.max(0, Math.min(255, (((x + y) * 127) / (width + height)) | 0) + 64 + n);
      }
    await sharp(data, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85 })
      .toFile(join(images, '.sizes', `${size}.jpg`));
  }));
  for (const id of ids) await link(join(images, '.sizes', `${sizeOf.get(id)}.jpg`), join(images, `${id}.jpg`));
  await writeFile(marker, `${ids.length}\n`);
  console.log(
    `placeholders: ${ids.length} images (${sizes.length} distinct sizes) generated in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${images}`,
  );
} else console.log(`placeholders: reusing ${images}`);

// 3. convert with images, crops included
const out = await mkdtemp(join(tmpdir(), 'mmre-bench-gmner-out-'));
let peak = process.memoryUsage().rss;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 25);
t0 = performance.now();
const report = await convertGmner({ root, out, images });
const convertSeconds = (performance.now() - t0) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
await rm(out, { recursive: true, force: true });
const rate = report.written / convertSeconds;
console.log(
  `convertGmner: ${report.written} samples, ${report.crops} crops, ${report.segments} segments in ${convertSeconds.toFixed(2)} s ` +
    `(${availableParallelism()} cores, sharp concurrency ${sharp.concurrency()}); errors: ${report.diagnostics.filter((d) => d.severity === 'error').length}`,
);
console.log(`gmner.stats: ${statsSeconds.toFixed(2)} s (target < 3 s)`);
console.log(`gmner.convert: ${Math.round(rate)} samples/s (target >= 200)`);
console.log(`gmner.convert.peak-rss: ${Math.round(peak / 2 ** 20)} MiB (target bounded: streaming, no image cache)`);
