// PFA prompt building: cold image cost (decode → smart_resize → encode) and warm prompt build time.
// Uses the built package (pnpm --filter @mmre/pfa... build). Images are generated in a temp folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTestVars } from '@mmre/core';
import { buildMessages, createPfaPrompt, imageCacheStats, resetImageCache } from '@mmre/pfa';
import sharp from 'sharp';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 24);
const SEGMENTS = 3;
const dir = await mkdtemp(join(tmpdir(), 'mmre-pfa-bench-'));

// Twitter-like photos: ~1000x750 JPEG with noise so encoding is realistic; 3 segments (2 files, 1 box).
async function photo(path, width, height, seed) {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    raw[i] = ((i % (width * 3)) / 6 + (s >>> 26)) & 255;
  }
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
    segments.push({ id: String.fromCharCode(97 + k), path: p, box: null });
  }
  segments.push({
    id: String.fromCharCode(97 + SEGMENTS - 1),
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

// Cold: every image processed once (joint prompts over all samples, sequentially, empty cache).
resetImageCache();
let t0 = performance.now();
for (const vars of tests) await buildMessages('joint', vars);
const coldMs = performance.now() - t0;
const cold = imageCacheStats();
console.log(
  `cold: ${SAMPLES} prompts, ${cold.processed} images processed in ${coldMs.toFixed(0)} ms (${(coldMs / images).toFixed(2)} ms/image wall)`,
);

// Cold, concurrent (as promptfoo runs): a fresh cache, 4 prompts at a time.
resetImageCache();
t0 = performance.now();
for (let i = 0; i < tests.length; i += 4)
  await Promise.all(tests.slice(i, i + 4).map((v) => buildMessages('joint', v)));
const coldConcMs = performance.now() - t0;
console.log(`cold (concurrency 4): ${(coldConcMs / images).toFixed(2)} ms/image wall`);

// Warm: the other modes and repeats hit the cache: no image work at all.
const fns = [createPfaPrompt('joint'), createPfaPrompt('summary'), createPfaPrompt('mner')];
const before = imageCacheStats();
const ROUNDS = 20;
const times = [];
for (let r = 0; r < ROUNDS; r++)
  for (const vars of tests)
    for (const fn of fns) {
      const s = performance.now();
      await fn({ vars, provider: { id: 'bench' } });
      times.push(performance.now() - s);
    }
const after = imageCacheStats();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p95 = times[Math.floor(times.length * 0.95)];
const warmProcessed = after.processed - before.processed;
console.log(
  `warm: ${times.length} prompts, median ${median.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms; images processed during warm runs: ${warmProcessed} (cache hits ${after.hits - before.hits})`,
);
const avgBytes = after.size / Math.max(1, after.entries);
console.log(`data URL size: ${(avgBytes / 1024).toFixed(0)} KiB per image on average`);
await rm(dir, { recursive: true, force: true });
if (warmProcessed !== 0) {
  console.error('warm runs did image work: the cache is broken');
  process.exit(1);
}
console.log(`pfa.image.cold: ${(coldMs / images).toFixed(2)} ms/image (target < 50 ms/image on 2 shared cores)`);
console.log(`pfa.image.warm_work: ${warmProcessed} images (target 0)`);
console.log(`pfa.prompt.warm: ${median.toFixed(3)} ms/prompt (target < 1 ms)`);
