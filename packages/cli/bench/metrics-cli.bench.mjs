// `mmre metrics` end to end: 10,000 deterministic (seeded) summary-like pairs written to a temporary
// JSONL file, then `node packages/cli/bin/mmre.js metrics --input FILE > /dev/null` as a child process:
// process start, reading, every field (ROUGE with and without stemmer, four sacreBLEU smoothings,
// four NLTK variants) and writing. Wall time of the median of a few runs.
// Target: under 3 s including process start (the requirement).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const N_PAIRS = 10_000;
const RUNS = 3;
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'mmre.js');

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a an of in on at to with and by from for is are was were has have shows showing picture image photo ' +
  'people person man woman children crowd players team match game stadium fans police officers protest ' +
  'protesters street city building fire firefighters smoke flames hillside night morning president minister ' +
  'leaders meeting conference press reporters microphone podium speech holding standing sitting walking ' +
  'running celebrating celebrates goal victory championship league season flooded flooding water rescue boats ' +
  'residents homes damaged storm hurricane trees roads traffic cars vehicles bus accident hospital doctors ' +
  'nurses vaccine election votes voters ballot queue flags national ceremony memorial museum exhibition ' +
  'artist concert stage singer guitar audience lights colorful cloudy skies beach ocean mountains snow forest ' +
  'animals dog market vendors fruit food restaurant students studying school teacher books library ' +
  'volunteers generously donated community U.S. government officials announced policy company workers ' +
  "factory technology phone screen online media users tweet viral video news don't it's Mr. 2024 10,000 $5.00"
).split(' ');
const PUNCT = ['', '', '', '', '', '', ',', '.', '', '', ':', '!', '?'];

function sentence(rand, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    let w = WORDS[Math.floor(rand() * WORDS.length)];
    if (i === 0) w = w[0].toUpperCase() + w.slice(1);
    out.push(w + PUNCT[Math.floor(rand() * PUNCT.length)]);
  }
  return `${out.join(' ')}.`;
}

function makeJsonl() {
  const rand = mulberry32(7_130_817);
  const lines = [];
  for (let k = 0; k < N_PAIRS; k++) {
    const refWords = sentence(rand, 40 + Math.floor(rand() * 21)).split(' ');
    const pred = [];
    for (const w of refWords) {
      const r = rand();
      if (r < 0.3) pred.push(WORDS[Math.floor(rand() * WORDS.length)]);
      else if (r < 0.37) continue;
      else pred.push(w);
      if (rand() < 0.07) pred.push(WORDS[Math.floor(rand() * WORDS.length)]);
    }
    lines.push(JSON.stringify({ id: `bench-${k}`, prediction: pred.join(' '), reference: refWords.join(' ') }));
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'mmre-metrics-bench-'));
try {
  const file = join(dir, 'pairs.jsonl');
  writeFileSync(file, makeJsonl());
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const devnull = openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'metrics', '--input', file], {
      stdio: ['ignore', devnull, 'pipe'],
      encoding: 'utf8',
    });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    closeSync(devnull);
    if (r.status !== 0) {
      console.error(r.stderr);
      throw new Error(`mmre metrics exited with ${r.status}`);
    }
    times.push(secs);
    console.log(`run ${run + 1}: ${secs.toFixed(2)} s`);
  }
  // Per-line output size, for information.
  const sample = spawnSync(process.execPath, [bin, 'metrics', '--input', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  console.log(
    `${N_PAIRS} pairs → ${sample.stdout.split('\n').filter(Boolean).length} lines, ${(sample.stdout.length / 1e6).toFixed(1)} MB`,
  );
  times.sort((a, b) => a - b);
  console.log(`mmre-metrics.10k: ${times[Math.floor(RUNS / 2)].toFixed(2)} s (target < 3 s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
