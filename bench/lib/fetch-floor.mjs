#!/usr/bin/env node
// The scale bench's second floor: what sending the same requests costs without promptfoo. A plain
// client (Node's global fetch, i.e. undici) posts the rows of a paper-size run — each sample's three
// modes, its main image and segment images as base64 data URLs of the files' own bytes (what the PFA
// providers send for images that need no resize), the sample's text and a PFA-size instruction — to
// the same loopback peer, `-j` requests at a time, and reads each JSON answer. A sample's images are
// read and encoded once for its three modes, as the mmre image encoder does. Nothing is stored.
//
// Usage: node bench/lib/fetch-floor.mjs --dataset DIR --url http://127.0.0.1:PORT/v1 [--split test|all]
//        [--limit N] [-j 16] [--model NAME]
// Prints one JSON line: {"rows", "ok", "errors", "wallMs", "bytesSent"}; exits 1 when a request failed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE_MODES } from '@mmre/core';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const dir = opt('--dataset', null);
const url = opt('--url', null);
if (!dir || !url) {
  console.error('fetch-floor: --dataset DIR and --url URL are required');
  process.exit(2);
}
const split = opt('--split', 'test');
const limit = Number(opt('--limit', 'Infinity'));
const jobs = Number(opt('-j', '16'));
const model = opt('--model', 'Qwen/Qwen2.5-VL-7B-Instruct');

// About the length of the PFA instructions (Task 1 + Task 2 with the label set and the output format).
const INSTRUCTION = `${'Follow the format exactly. '.repeat(12)}Labels: person, organization, location, other.`;

const samples = [];
for (const line of readFileSync(join(dir, 'samples.jsonl'), 'utf8').split('\n')) {
  if (!line) continue;
  const s = JSON.parse(line);
  if (split !== 'all' && s.split !== split) continue;
  samples.push(s);
  if (samples.length >= limit) break;
}

const mime = (p) => (p.endsWith('.png') ? 'image/png' : 'image/jpeg');
const dataUrl = (p) => `data:${mime(p)};base64,${readFileSync(join(dir, p)).toString('base64')}`;

/**
 * The rows in promptfoo's order: sample-major, each sample's modes in the order configs/mmre-compare.yaml
 * lists its prompts (the paper's table order, TABLE_MODES). A sample's data URLs live while its modes run.
 */
const rows = samples.flatMap((s) => TABLE_MODES.map((mode) => ({ s, mode })));
const images = new Map();
const imagesOf = (s) => {
  let e = images.get(s.id);
  if (!e) {
    e = { left: TABLE_MODES.length, main: dataUrl(s.image.path), segs: s.segments.map((g) => [g.id, dataUrl(g.path)]) };
    images.set(s.id, e);
  }
  return e;
};

let next = 0;
let ok = 0;
let errors = 0;
let bytesSent = 0;
let firstError = null;
const started = performance.now();
async function worker() {
  while (next < rows.length) {
    const { s, mode } = rows[next++];
    const img = imagesOf(s);
    const content = [{ type: 'image_url', image_url: { url: img.main } }];
    for (const [id, u] of img.segs)
      content.push({ type: 'text', text: `Segment ${id}:` }, { type: 'image_url', image_url: { url: u } });
    content.push({ type: 'text', text: `Mode: ${mode}. ${INSTRUCTION}\nText: ${s.text}` });
    if (--img.left === 0) images.delete(s.id);
    const body = JSON.stringify({
      model,
      messages: [{ role: 'user', content }],
      temperature: 0,
      seed: 0,
      max_tokens: 512,
    });
    bytesSent += body.length;
    try {
      const res = await fetch(`${url.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(120_000),
      });
      const json = await res.json();
      if (res.ok && typeof json?.choices?.[0]?.message?.content === 'string') ok++;
      else {
        errors++;
        firstError ??= `${res.status} ${JSON.stringify(json).slice(0, 200)}`;
      }
    } catch (e) {
      errors++;
      firstError ??= String(e);
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
const wallMs = performance.now() - started;
console.log(JSON.stringify({ rows: rows.length, ok, errors, wallMs, bytesSent, firstError }));
process.exit(errors ? 1 : 0);
