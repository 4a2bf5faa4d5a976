// Provider benchmarks (built packages): throughput against a 200 ms server, harness overhead per request
// against a zero-latency server, and a full promptfoo eval of 500 samples × 3 modes.
// Run: pnpm bench provider-qwen-local   (or node scripts/bench.mjs provider-qwen-local)
//
// The targets measure OUR harness (prompt build + HTTP client + parse), so the loopback peers run in a child
// process with light image validation (structure, data-URL prefix, base64, size, image signature; no decode —
// @mmre/provider-testkit `imageValidation: 'light'`): decoding 3 images per request with sharp at 160 req/s
// would take the 2 shared cores from the client. The overhead section prints where each request's time
// goes (client phases vs. the peer's own `server-timing`), and one informational figure with full validation.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeTestVars, modeOf, mulberry32, segmentId, segmentIdsOfVars } from '@mmre/core';
import QwenLocalProvider from '@mmre/provider-qwen-local';
import { buildChatPrompt } from '@mmre/provider-testkit';
import { HttpTransport, readChatCompletion } from '@mmre/provider-transport';

const here = dirname(fileURLToPath(import.meta.url));
// sharp is a dependency of the testkit (the bench's image source), resolved from there
const sharp = (
  await import(
    pathToFileURL(createRequire(fileURLToPath(import.meta.resolve('@mmre/provider-testkit'))).resolve('sharp')).href
  )
).default;
const repoRoot = resolve(here, '../../..');
const children = [];

function startPeer(latencyMs, validation = 'light') {
  return new Promise((resolvePeer, reject) => {
    const child = spawn(process.execPath, [join(here, 'peer-server.mjs'), String(latencyMs), validation], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) resolvePeer(JSON.parse(line).url);
    });
    child.on('error', reject);
  });
}

async function photo(path, width, height, seed) {
  const raw = Buffer.alloc(width * height * 3);
  const rand = mulberry32(seed);
  // a little noise: ~100 KiB JPEGs like real photos
  for (let i = 0; i < raw.length; i++) raw[i] = ((i % (width * 3)) / 6 + Math.floor(rand() * 4)) & 255;
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toFile(path);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
/** `read;dur=0.1, parse;dur=0.2, …` → total ms of the peer's own work (everything but the fixed latency). */
const serverMs = (header) => {
  let ms = 0;
  for (const m of String(header ?? '').matchAll(/(\w+);dur=([\d.]+)/g)) if (m[1] !== 'wait') ms += Number(m[2]);
  return ms;
};
console.log(
  "peer: loopback vLLM-style peer in a child process, LIGHT image validation (no image decode; @mmre/provider-testkit imageValidation: 'light'), latency counted from arrival, server-timing header on",
);
const dir = await mkdtemp(join(tmpdir(), 'mmre-provider-bench-'));
const lines = [];
try {
  // Samples: Twitter-like photos (~1000×750) with two segment crops, as the PFA prompts will send them.
  let pfa = null;
  try {
    pfa = await import('@mmre/pfa');
  } catch {
    console.log(
      'note: @mmre/pfa is not built; prompts come from @mmre/provider-testkit buildChatPrompt (no image cache)',
    );
  }
  const SAMPLES = 8;
  const vars = [];
  for (let n = 0; n < SAMPLES; n++) {
    const main = join(dir, `m${n}.jpg`);
    await photo(main, 1000, 750, n + 1);
    const segments = [];
    for (let k = 0; k < 2; k++) {
      const p = join(dir, `m${n}_${k}.jpg`);
      await photo(p, 200 + 20 * k, 240, n * 10 + k);
      segments.push({ id: segmentId(k), path: p, box: null });
    }
    vars.push(
      encodeTestVars({
        id: `b${n}`,
        split: 'test',
        text: `Player${n} scores for the Spurs in San Antonio #NBA`,
        image: main,
        segments,
        gold: { entities: [], pairs: [] },
      }),
    );
  }
  // A row as promptfoo hands it to the provider: the PFA prompt function returns `{ prompt, config }` and
  // sets `vars.mode`; promptfoo renders `prompt` as JSON and passes the row's vars and the prompt's config
  // in the call context (the provider reads the mode and the segment letters there, not in the text).
  const buildPrompt = pfa
    ? async (v) => {
        const r = await pfa.joint({ vars: v, provider: { id: 'bench' } });
        const prompt = JSON.stringify(r.prompt);
        return { prompt, context: { vars: v, prompt: { raw: prompt, label: 'joint', config: r.config } } };
      }
    : async (v) => ({
        prompt: buildChatPrompt({ mode: 'joint', segments: 2, width: 1000, height: 750 }),
        context: { vars: { ...v, mode: 'joint' } },
      });
  const prompts = [];
  for (const v of vars) prompts.push(await buildPrompt(v)); // warms the image cache
  const kib = prompts.reduce((a, p) => a + p.prompt.length, 0) / prompts.length / 1024;
  /** The i-th call of a loop: one of the prebuilt rows, as promptfoo calls the provider. */
  const callRow = (provider, i) => provider.callApi(prompts[i % SAMPLES].prompt, prompts[i % SAMPLES].context);
  console.log(
    `prompts: ${SAMPLES} joint prompts, ${kib.toFixed(1)} KiB of JSON each on average (${pfa ? 'images as references, resolved by the provider before sending' : 'images inline'})`,
  );

  // 1. Throughput: 1000 joint requests at concurrency 32 against a fixed 200 ms server.
  {
    const url = await startPeer(200);
    const events = [];
    const provider = new QwenLocalProvider(
      { config: { baseUrl: url, model: 'bench', maxConcurrency: 32 } },
      { onEvent: (e) => e.type === 'success' && events.push(e) },
    );
    await Promise.all(prompts.map((_, i) => callRow(provider, i))); // connect + warm up
    events.length = 0;
    const N = 1000;
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: N }, (_, i) => callRow(provider, i)));
    const secs = (performance.now() - t0) / 1000;
    const errors = results.filter((r) => r.error).length;
    const rps = N / secs;
    console.log(
      `throughput: ${N} requests in ${secs.toFixed(2)} s = ${rps.toFixed(1)} req/s, ${errors} errors (ideal 32 / 0.2 s = 160 req/s)`,
    );
    // Per request: time to first byte minus the peer's answer time (its work + the wait it chose) = what the
    // client, the loopback and the scheduler added to the 200 ms.
    const extra = events.map((e) => {
      let peerMs = 0;
      for (const m of String(e.serverTiming ?? '').matchAll(/(\w+);dur=([\d.]+)/g)) peerMs += Number(m[2]);
      return e.timing.ttfbMs - peerMs;
    });
    const answer = events.map((e) => e.timing.ttfbMs);
    console.log(
      `throughput detail: time to first byte median ${median(answer).toFixed(1)} ms (p90 ${quantile(answer, 0.9).toFixed(1)}, p99 ${quantile(answer, 0.99).toFixed(1)}); added outside the peer's answer time: median ${median(extra).toFixed(2)} ms, p90 ${quantile(extra, 0.9).toFixed(2)} ms; ${Math.ceil(N / 32)} waves of 32 make ${(N / 160 / (Math.ceil(N / 32) * 0.2)).toFixed(3)} the best reachable ratio`,
    );
    lines.push(
      `provider.throughput_ratio: ${(rps / 160).toFixed(3)} ratio (target >= 0.95; ${rps.toFixed(1)} req/s of 160)`,
    );
    await provider.cleanup();
  }

  // 2. Harness overhead per request against a zero-latency server (sequential).
  {
    const url = await startPeer(0);
    const provider = new QwenLocalProvider({ config: { baseUrl: url, model: 'bench' } });
    for (let i = 0; i < 30; i++) await callRow(provider, i);
    const ROUNDS = 400;
    // 2a. The figure: prompt build with a warm cache + provider.callApi, as promptfoo runs them.
    const http = [];
    const full = [];
    const build = [];
    for (let i = 0; i < ROUNDS; i++) {
      const v = vars[i % SAMPLES];
      const t0 = performance.now();
      const { prompt, context } = await buildPrompt(v);
      const t1 = performance.now();
      const r = await provider.callApi(prompt, context);
      const t2 = performance.now();
      if (r.error) throw new Error(r.error);
      build.push(t1 - t0);
      http.push(t2 - t1);
      full.push(t2 - t0);
    }
    console.log(
      `overhead: median prompt build (warm cache) ${median(build).toFixed(3)} ms, callApi (HTTP + parse) ${median(http).toFixed(3)} ms, total ${median(full).toFixed(3)} ms (p90 ${quantile(full, 0.9).toFixed(3)} ms)`,
    );
    lines.push(
      `provider.overhead_median: ${median(full).toFixed(3)} ms/request (target <= 2 ms; prompt build ${pfa ? 'with warm @mmre/pfa cache' : 'from testkit, @mmre/pfa not built'} + HTTP + parse; peer with light image validation)`,
    );
    // 2b. Where the time goes: the same steps callApi takes, timed one by one (buildRequest and the cached
    // form of the request, wireRequest resolving the image references, the shared HttpTransport with its
    // per-attempt timing, readChatCompletion), and the peer's own server-timing.
    const transport = new HttpTransport({ baseUrls: [url], maxConcurrency: 16 });
    const ph = {
      build: [],
      serialise: [],
      resolve: [],
      send: [],
      server: [],
      ttfb: [],
      body: [],
      parse: [],
      read: [],
      total: [],
    };
    const sizes = { cached: [], wire: [] };
    // What callApi gives buildRequest: the mode and the segment letters from the row's vars, the prompt's config.
    const requestOf = ({ prompt, context }) =>
      provider.buildRequest(prompt, modeOf(context.vars.mode), segmentIdsOfVars(context.vars), context.prompt?.config);
    const wireOf = async (req) => {
      const wire = await provider.wireRequest(req);
      return { wire, payload: wire.payload ?? JSON.stringify(wire.body) };
    };
    for (let i = 0; i < 30; i++) {
      const { wire, payload } = await wireOf(requestOf(prompts[i % SAMPLES]));
      await transport.postJson(wire.path, payload);
    }
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      const built = await buildPrompt(vars[i % SAMPLES]);
      const t1 = performance.now();
      const req = requestOf(built);
      const cachedBytes = (req.payload ?? JSON.stringify(req.body)).length; // the response cache's key part
      const t2 = performance.now();
      const { wire, payload } = await wireOf(req);
      const t3 = performance.now();
      const res = await transport.postJson(wire.path, payload, { estimatedTokens: wire.estimatedTokens });
      const t4 = performance.now();
      readChatCompletion(res.json);
      const t5 = performance.now();
      const srv = serverMs(res.headers['server-timing']);
      ph.build.push(t1 - t0);
      ph.serialise.push(t2 - t1);
      ph.resolve.push(t3 - t2);
      sizes.cached.push(cachedBytes);
      sizes.wire.push(payload.length);
      ph.ttfb.push(res.timing.ttfbMs);
      ph.server.push(srv);
      ph.send.push(res.timing.ttfbMs - srv);
      ph.body.push(res.timing.bodyMs);
      ph.parse.push(res.timing.parseMs);
      ph.read.push(t5 - t4);
      ph.total.push(t5 - t0);
    }
    await transport.close();
    const f = (k) => median(ph[k]).toFixed(3);
    console.log(
      `overhead breakdown (medians, ms): prompt build ${f('build')} | request (prompt parse + body, cached form) ${f('serialise')} | image references resolved + wire body ${f('resolve')} | time to first byte ${f('ttfb')} = peer's own work ${f('server')} (server-timing: read + JSON parse + validate + answer) + client send, loopback and response headers ${f('send')} | body ${f('body')} | JSON parse ${f('parse')} | answer read ${f('read')} | total ${f('total')}; request size: cached form ${(median(sizes.cached) / 1024).toFixed(1)} KiB, wire body ${(median(sizes.wire) / 1024).toFixed(0)} KiB`,
    );
    await provider.cleanup();
  }

  // 2c. For comparison only: the same callApi loop against a peer that decodes every image with sharp (the
  // tests' full validation). The difference is the fake server's work, not the harness's.
  {
    const url = await startPeer(0, 'full');
    const provider = new QwenLocalProvider({ config: { baseUrl: url, model: 'bench' } });
    for (let i = 0; i < 20; i++) await callRow(provider, i);
    const xs = [];
    for (let i = 0; i < 150; i++) {
      const t0 = performance.now();
      const r = await callRow(provider, i);
      if (r.error) throw new Error(r.error);
      xs.push(performance.now() - t0);
    }
    console.log(
      `for comparison: callApi median ${median(xs).toFixed(3)} ms against a peer with FULL image validation (sharp decodes 3 images per request in the peer's process; not a target)`,
    );
    await provider.cleanup();
  }

  // 3. A full promptfoo eval: 500 samples × 3 modes against the zero-latency server.
  if (pfa) {
    const url = await startPeer(0);
    const N = Number(process.env.BENCH_EVAL_SAMPLES ?? 500);
    const evalDir = join(dir, 'eval');
    const tests = [];
    for (let n = 0; n < N; n++) {
      const main = join(dir, `e${n}.jpg`);
      await sharp({
        create: { width: 320 + (n % 7) * 8, height: 240, channels: 3, background: { r: n % 255, g: 90, b: 160 } },
      })
        .jpeg()
        .toFile(main);
      tests.push({
        vars: encodeTestVars({
          id: `e${n}`,
          split: 'test',
          text: `Player${n} met Coach${n} in Paris`,
          image: main,
          segments: [{ id: 'a', path: null, box: { xmin: 10, ymin: 10, xmax: 120, ymax: 120 } }],
          gold: { entities: [], pairs: [] },
        }),
      });
    }
    // Wrappers that time our code (prompt functions + provider) as the union of busy intervals.
    const pfaDist = join(repoRoot, 'packages/pfa/dist/index.js');
    const providerDist = join(repoRoot, 'packages/provider-qwen-local/dist/index.js');
    const timing = join(evalDir, 'timing.mjs');
    await writeFile(join(dir, 'tests.json'), JSON.stringify(tests));
    await mkdirp(evalDir);
    await writeFile(
      timing,
      `import { writeFileSync } from 'node:fs';
let active = 0, since = 0, busy = 0;
export async function timed(fn) {
  if (active++ === 0) since = performance.now();
  try { return await fn(); } finally { if (--active === 0) busy += performance.now() - since; }
}
process.on('exit', () => writeFileSync(${JSON.stringify(join(evalDir, 'busy.json'))}, JSON.stringify({ busyMs: busy })));
`,
    );
    await writeFile(
      join(evalDir, 'prompts.mjs'),
      `import * as pfa from ${JSON.stringify(pfaDist)};
import { timed } from './timing.mjs';
export const joint = (c) => timed(() => pfa.joint(c));
export const summary = (c) => timed(() => pfa.summary(c));
export const mner = (c) => timed(() => pfa.mner(c));
`,
    );
    await writeFile(
      join(evalDir, 'provider.mjs'),
      `import QwenLocalProvider from ${JSON.stringify(providerDist)};
import { timed } from './timing.mjs';
export default class Timed extends QwenLocalProvider {
  callApi(p, c, o) { return timed(() => super.callApi(p, c, o)); }
}
`,
    );
    await writeFile(
      join(evalDir, 'cfg.yaml'),
      `prompts:
  - { id: 'file://prompts.mjs:joint', label: joint }
  - { id: 'file://prompts.mjs:summary', label: summary }
  - { id: 'file://prompts.mjs:mner', label: mner }
providers:
  - id: file://provider.mjs
    config: { baseUrl: '${url}', model: bench, maxConcurrency: 16 }
tests: file://${join(dir, 'tests.json')}
`,
    );
    // promptfoo 0.123 posts a "telemetry disabled" event to its own server even with
    // PROMPTFOO_DISABLE_TELEMETRY=1 (through its undici agent, whose DecompressInterceptor prints an
    // ExperimentalWarning). This bench touches no non-loopback address: promptfoo's proxy settings point at a
    // loopback sink that records and resets such connections, and that one library warning is not printed.
    const outbound = [];
    const sink = createServer((req, res) => {
      outbound.push(`${req.method} ${req.url}`);
      res.socket?.destroy();
    });
    sink.on('connect', (req, socket) => {
      outbound.push(`CONNECT ${req.url}`);
      socket.destroy();
    });
    await new Promise((ok) => sink.listen(0, '127.0.0.1', ok));
    const proxy = `http://127.0.0.1:${sink.address().port}`;
    const t0 = performance.now();
    const code = await new Promise((res) => {
      const child = spawn(
        join(repoRoot, 'node_modules/.bin/promptfoo'),
        ['eval', '-c', 'cfg.yaml', '-o', 'out.json', '--no-progress-bar', '--no-cache', '-j', '16', '--no-write'],
        {
          cwd: evalDir,
          stdio: ['ignore', 'ignore', 'inherit'],
          env: {
            ...process.env,
            PROMPTFOO_CONFIG_DIR: join(evalDir, 'config'),
            PROMPTFOO_CACHE_PATH: join(evalDir, 'cache'),
            PROMPTFOO_DISABLE_TELEMETRY: '1',
            PROMPTFOO_DISABLE_UPDATE: '1',
            HTTPS_PROXY: proxy,
            HTTP_PROXY: proxy,
            https_proxy: proxy,
            http_proxy: proxy,
            NO_PROXY: '127.0.0.1,localhost,::1',
            no_proxy: '127.0.0.1,localhost,::1',
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=ExperimentalWarning`.trim(),
          },
        },
      );
      child.on('close', res);
    });
    const secs = (performance.now() - t0) / 1000;
    sink.close();
    const byTarget = new Map();
    for (const o of outbound) byTarget.set(o, (byTarget.get(o) ?? 0) + 1);
    console.log(
      `promptfoo's own outbound connections (proxied to a loopback sink that resets them; nothing left this machine): ${
        byTarget.size ? [...byTarget].map(([o, n]) => `${n} × ${o}`).join(', ') : 'none'
      }`,
    );
    const { readFile } = await import('node:fs/promises');
    const out = JSON.parse(await readFile(join(evalDir, 'out.json'), 'utf8'));
    const rows = out.results.results;
    const errs = rows.filter((r) => r.response?.error || r.error).length;
    const busy = JSON.parse(await readFile(join(evalDir, 'busy.json'), 'utf8')).busyMs / 1000;
    const outside = 1 - busy / secs;
    console.log(
      `promptfoo eval: ${rows.length} results (${N} samples × 3 modes, exit ${code}, ${errs} errors) in ${secs.toFixed(1)} s; our code (prompt functions + provider, wall-clock union) busy ${busy.toFixed(1)} s`,
    );
    lines.push(
      `provider.promptfoo_eval_total: ${secs.toFixed(1)} s (target: report; ${N} samples × 3 modes, zero-latency server)`,
    );
    lines.push(
      `provider.promptfoo_eval_outside_share: ${(outside * 100).toFixed(1)} % (target: report; time not inside our prompt functions or provider)`,
    );
  } else {
    console.log('promptfoo eval bench skipped: @mmre/pfa is not built');
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
for (const l of lines) console.log(l);

async function mkdirp(p) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(p, { recursive: true });
}
