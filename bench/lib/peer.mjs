#!/usr/bin/env node
// A zero-latency loopback vLLM-style peer in a process of its own, for the scale bench and its CI test
// (start it with bench/lib/peer-client.ts). It serves @mmre/provider-testkit's OpenAI peer (built dist/):
// vLLM's wire protocol, the testkit's deterministic PFA answers, LIGHT image validation (data-URL prefix,
// base64, size and format signature; no decode, so the peer does not take the cores from promptfoo),
// up to 16 images per prompt.
//
// Usage: node bench/lib/peer.mjs [--latency MS] [--validation light|full] [--max-images N] [--max-lifetime S]
//        [--summary-chars N] (summaries of at least N characters, as a model's; default 0: one short sentence)
//        [--model NAME]…   (the served model names, as vLLM's --served-model-name; default "default")
// Protocol on stdio, one JSON object per line:
//   stdout, first line: {"ready": true, "url": "http://127.0.0.1:PORT/v1", "pid": …}
//   stdin "stats"    → stdout {"stats": {…}}   (counters since start, see `snapshot`)
//   stdin closed, SIGTERM or SIGINT → stdout {"final": {…}}, then the process exits
// It also exits by itself after --max-lifetime seconds (default 4 h) so it never outlives a crashed bench.
//
// The testkit's peer keeps every request it received, with its parsed body (base64 images included:
// ≈ 0.2 MB per request here, ≈ 1 GB for the 4,980 requests of the paper's test split). This script keeps
// counters instead: finished requests are tallied and dropped from the peer's log every 200 ms.
import { startOpenAIPeer } from '@mmre/provider-testkit';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const latencyMs = Number(opt('--latency', '0'));
const validation = opt('--validation', 'light');
const maxImages = Number(opt('--max-images', '16'));
const maxLifetimeS = Number(opt('--max-lifetime', String(4 * 3600)));
const summaryChars = Number(opt('--summary-chars', '0'));
const models = args.flatMap((a, i) => (a === '--model' && args[i + 1] !== undefined ? [args[i + 1]] : []));
if (!Number.isInteger(summaryChars) || summaryChars < 0)
  throw new Error(`peer.mjs: --summary-chars must be a whole number >= 0, got ${opt('--summary-chars', '')}`);
if (validation !== 'light' && validation !== 'full')
  throw new Error(`peer.mjs: --validation must be light or full, got ${validation}`);

const peer = await startOpenAIPeer({
  latencyMs,
  imageValidation: validation,
  maxImagesPerPrompt: maxImages,
  summaryChars,
  ...(models.length ? { models } : {}),
});

const counts = {
  /** Every HTTP request that finished (any path). */
  requests: 0,
  /** POST …/chat/completions that finished. */
  chat: 0,
  /** Normal answers (status 200 to a chat request). */
  ok: 0,
  /** Requests answered with an error status. */
  rejected: 0,
  /** image_url parts in the chat requests. */
  images: 0,
  /** Request ids (x-request-id) seen more than once: retries. */
  retries: 0,
};
const errors = [];
const ids = new Set();

function imagesOf(body) {
  let n = 0;
  for (const m of Array.isArray(body?.messages) ? body.messages : [])
    if (Array.isArray(m?.content)) for (const p of m.content) if (p?.type === 'image_url') n++;
  return n;
}

/** Tallies the finished requests and removes them from the peer's log (in flight ones stay). */
function compact() {
  const log = peer.requests;
  const pending = [];
  for (const r of log) {
    if (r.status === 0) {
      pending.push(r);
      continue;
    }
    counts.requests++;
    if (r.method === 'POST' && r.path.endsWith('/chat/completions')) {
      counts.chat++;
      counts.images += imagesOf(r.body);
      if (r.requestId) {
        if (ids.has(r.requestId)) counts.retries++;
        else ids.add(r.requestId);
      }
    }
    if (r.outcome === 'ok' && r.status < 400) counts.ok++;
    else {
      counts.rejected++;
      if (errors.length < 5) errors.push(`${r.status} ${r.error ?? ''}`.trim());
    }
  }
  log.splice(0, log.length, ...pending);
}
const timer = setInterval(compact, 200);

const snapshot = () => {
  compact();
  return { ...counts, inFlight: peer.requests.length, maxConcurrent: peer.maxConcurrent, errors: [...errors] };
};
const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  clearInterval(timer);
  const final = snapshot();
  await peer.close();
  say({ final });
  process.exit(0);
}

say({ ready: true, url: peer.url, pid: process.pid, validation, latencyMs });

let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let nl = buf.indexOf('\n');
  while (nl >= 0) {
    const cmd = buf.slice(0, nl).trim();
    buf = buf.slice(nl + 1);
    if (cmd === 'stats') say({ stats: snapshot() });
    else if (cmd === 'quit') void shutdown();
    else if (cmd !== '') say({ error: `unknown command ${JSON.stringify(cmd)} (stats, quit)` });
    nl = buf.indexOf('\n');
  }
});
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
setTimeout(shutdown, maxLifetimeS * 1000).unref();
