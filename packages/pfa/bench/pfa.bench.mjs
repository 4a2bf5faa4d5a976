// PFA prompt building and the images behind it: the prompts carry image references (cold: each file is
// hashed once; warm: nothing is read), and the shared ImageEncoder of @mmre/images makes the images the
// providers send (decode → smart_resize → encode, once per image, every variant of a file from one decode).
// Uses the built packages (pnpm --filter @mmre/pfa... build). Images are generated in a temp folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTestVars, mulberry32, segmentId } from '@mmre/core';
import { ImageEncoder, sharedImageEncoder } from '@mmre/images';
import { buildMessages, createPfaPrompt } from '@mmre/pfa';
import sharp from 'sharp';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 24);
const SEGMENTS = 3;
const dir = await mkdtemp(join(tmpdir(), 'mmre-pfa-bench-'));

// Twitter-like photos: ~1000x750 JPEG with noise so encoding is realistic; 3 segments (2 files, 1 box).
async function photo(path, width, height, seed) {
  const raw = Buffer.alloc(width * height * 3);
  const rand = mulberry32(seed);
  for (let i = 0; i < raw.length; i++) raw[i] = ((i % (width * 3)) / 6 + Math.floor(rand() * 64)) & 255;
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toFile(path);
}
const tests = [];
for (let n = 0; n < SAMPLES; n++) {
  const main = join(dir, `m${n}.jpg`);
  await photo(main, 1000 + (n % 5) * 40, 750, n + 1);
  const segments = [];
  for (let k = 0; k < SEGMENTS - 1; k++) {
    const p = join(dir, `m${n}_${k}.jpg`);
    await photo(p, 180 + k * 30, 240, n * 10 + k);
    segments.push({ id: segmentId(k), path: p, box: null });
  }
  segments.push({
    id: segmentId(SEGMENTS - 1),
    path: null,
    box: { xmin: 100, ymin: 80, xmax: 420, ymax: 500 },
  });
  tests.push(
    encodeTestVars({
      id: `b${n}`,
      split: 'test',
      text: `RT @ someone : Player ${n} scores for the Spurs in San Antonio #NBA`,
      image: main,
      segments,
      gold: { entities: [], pairs: [] },
    }),
  );
}
const images = SAMPLES * (1 + SEGMENTS);

// Prompts with references: the first build of each sample hashes its files, later ones read nothing.
let t0 = performance.now();
const prompts = [];
for (const vars of tests) prompts.push(await buildMessages('joint', vars));
const refsMs = performance.now() - t0;
console.log(
  `prompts with image references, cold: ${(refsMs / SAMPLES).toFixed(2)} ms/prompt (${SAMPLES} prompts, files hashed)`,
);

// The images the providers send, cold: sequentially, then 4 requests at a time (as promptfoo runs them).
let enc = new ImageEncoder();
t0 = performance.now();
for (const m of prompts) await enc.resolveMessages(m);
const coldMs = performance.now() - t0;
const cold = enc.stats();
console.log(
  `images, cold: ${cold.processed} images from ${cold.decoded} decoded files in ${coldMs.toFixed(0)} ms (${(coldMs / images).toFixed(2)} ms/image wall, ${(cold.processMs / images).toFixed(2)} ms/image of work)`,
);
enc = new ImageEncoder();
t0 = performance.now();
for (let i = 0; i < prompts.length; i += 4)
  await Promise.all(prompts.slice(i, i + 4).map((m) => enc.resolveMessages(m)));
const coldConcMs = performance.now() - t0;
console.log(`images, cold (concurrency 4): ${(coldConcMs / images).toFixed(2)} ms/image wall`);

// Warm: the other modes and repeats: the prompts read no file, the images come from the cache.
const fns = [createPfaPrompt('joint'), createPfaPrompt('summary'), createPfaPrompt('mner')];
const shared = sharedImageEncoder();
const before = shared.stats();
const ROUNDS = 20;
const times = [];
for (let r = 0; r < ROUNDS; r++)
  for (const vars of tests)
    for (const fn of fns) {
      const s = performance.now();
      await fn({ vars: { ...vars }, provider: { id: 'bench' } });
      times.push(performance.now() - s);
    }
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p95 = times[Math.floor(times.length * 0.95)];
const warmProcessed = shared.stats().processed - before.processed;
console.log(
  `warm: ${times.length} prompts, median ${median.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms; images made while building prompts: ${warmProcessed}`,
);
const again = cold.processed;
const second = enc.stats();
for (const m of prompts) await enc.resolveMessages(m);
const warmImages = enc.stats().processed - second.processed;
const avgBytes = second.size / Math.max(1, second.entries);
console.log(
  `data URL size: ${(avgBytes / 1024).toFixed(0)} KiB per image on average; a second pass made ${warmImages} of ${again} images again`,
);
await rm(dir, { recursive: true, force: true });
if (warmProcessed !== 0 || warmImages !== 0) {
  console.error('warm runs did image work: the cache is broken');
  process.exit(1);
}
console.log(`pfa.image.cold: ${(coldMs / images).toFixed(2)} ms/image (target < 50 ms/image on 2 shared cores)`);
console.log(`pfa.image.warm_work: ${warmProcessed + warmImages} images (target 0)`);
console.log(`pfa.prompt.warm: ${median.toFixed(3)} ms/prompt (target < 1 ms)`);
