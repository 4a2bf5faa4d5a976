// Starts bench/lib/peer.mjs (a zero-latency loopback vLLM-style peer) in a child process and reads its
// request counters, for bench/scale.bench.mjs and tests/scale.test.ts. Erasable TypeScript: Node runs it
// directly (type stripping) and vitest compiles it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'peer.mjs');

export interface PeerStats {
  /** HTTP requests finished (any path). */
  requests: number;
  /** Chat-completion requests finished. */
  chat: number;
  /** Normal answers. */
  ok: number;
  /** Requests answered with an error status. */
  rejected: number;
  /** Images in the chat requests. */
  images: number;
  /** Chat requests whose x-request-id was seen before. */
  retries: number;
  inFlight: number;
  maxConcurrent: number;
  /** The first few error answers (status and message). */
  errors: string[];
}

export interface PeerProcess {
  /** Base URL for VLLM_BASE_URL (`http://127.0.0.1:PORT/v1`). */
  url: string;
  pid: number;
  /** The counters now. */
  stats(): Promise<PeerStats>;
  /** Stops the peer (closes its stdin) and returns its final counters. */
  close(): Promise<PeerStats>;
  /** What the peer wrote on stderr. */
  stderr(): string;
}

export interface PeerProcessOptions {
  latencyMs?: number;
  validation?: 'light' | 'full';
  maxImages?: number;
  /**
   * The model names it serves, as vLLM's `--served-model-name` (default: the vLLM preset's model,
   * Qwen/Qwen2.5-VL-7B-Instruct). The provider's readiness check asks for them (`GET /v1/models`).
   */
  models?: readonly string[];
  /**
   * Answers' summaries run to at least this many characters (default 0: one short sentence); the scale bench
   * gives the mean length of the dataset's gold summaries, so rows are as large as a real model's.
   */
  summaryChars?: number;
  /** The peer exits by itself after this long (default 4 h). */
  maxLifetimeS?: number;
  /** How long to wait for the peer's URL (default 20 s). */
  startTimeoutMs?: number;
}

type Message = { ready?: true; url?: string; pid?: number; stats?: PeerStats; final?: PeerStats; error?: string };

/** The vLLM preset's default model (configs/providers/vllm.yaml). */
export const DEFAULT_MODEL = 'Qwen/Qwen2.5-VL-7B-Instruct';

export function startPeerProcess(options: PeerProcessOptions = {}): Promise<PeerProcess> {
  const child = spawn(
    process.execPath,
    [
      PEER_SCRIPT,
      '--latency',
      String(options.latencyMs ?? 0),
      '--validation',
      options.validation ?? 'light',
      '--max-images',
      String(options.maxImages ?? 16),
      '--max-lifetime',
      String(options.maxLifetimeS ?? 4 * 3600),
      '--summary-chars',
      String(options.summaryChars ?? 0),
      ...(options.models ?? [DEFAULT_MODEL]).flatMap((m) => ['--model', m]),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const waiting: { want: 'stats' | 'final'; resolve: (s: PeerStats) => void; reject: (e: Error) => void }[] = [];
  let exited: Error | null = null;
  let final: PeerStats | null = null;
  let onReady: ((m: Message) => void) | null = null;
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      let m: Message;
      try {
        m = JSON.parse(line) as Message;
      } catch {
        continue;
      }
      if (m.ready && onReady) onReady(m);
      else if (m.final) {
        final = m.final;
        for (const w of waiting.splice(0)) w.resolve(m.final);
      } else if (m.stats) {
        const i = waiting.findIndex((w) => w.want === 'stats');
        if (i >= 0) waiting.splice(i, 1)[0]?.resolve(m.stats);
      } else if (m.error) {
        const w = waiting.shift();
        w?.reject(new Error(`peer: ${m.error}`));
      }
    }
  });
  // the peer ends with its stdin; an exited peer fails what waits on it
  child.on('exit', (code, signal) => {
    exited = new Error(`peer process exited (code ${code}, signal ${signal})\n${stderr}`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`peer process did not print its URL within ${options.startTimeoutMs ?? 20_000} ms\n${stderr}`));
    }, options.startTimeoutMs ?? 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(exited);
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    onReady = (m) => {
      clearTimeout(timer);
      const ask = (want: 'stats' | 'final'): Promise<PeerStats> =>
        new Promise((res, rej) => {
          if (final) return res(final);
          if (exited) return rej(exited);
          waiting.push({ want, resolve: res, reject: rej });
          if (want === 'stats') child.stdin.write('stats\n');
          else child.stdin.end();
        });
      let closed: Promise<PeerStats> | null = null;
      resolve({
        url: m.url as string,
        pid: m.pid as number,
        stats: () => ask('stats'),
        close: () => {
          closed ??= ask('final');
          return closed;
        },
        stderr: () => stderr,
      });
    };
  });
}
