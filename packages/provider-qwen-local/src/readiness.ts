import type { Clock, HttpTransport, ProbeResult } from '@mmre/provider-transport';
import { NotReadyError } from '@mmre/provider-transport';
import type { LocalBackend } from './config.js';

/**
 * The readiness check of the local provider, once before its first request, per backend:
 *
 * | backend | liveness (waited for while starting/loading) | served models |
 * | --- | --- | --- |
 * | vllm | `GET /health` (200 once the engine is up) | `GET /v1/models` (the `--served-model-name`s); `GET /version` |
 * | sglang | `GET /health` | `GET /v1/models` |
 * | lmdeploy | — | `GET /v1/models` |
 * | llamacpp | `GET /health`: 503 `Loading model` while it loads (tools/server/server.cpp) | one model under any name |
 * | ollama | `GET /api/version` | `GET /api/tags` (`name` or `model`, `:latest` implied) |
 * | openai-compatible | — | `GET /models` when the server has it |
 *
 * No answer (connection refused, reset, timeout) and 502/503/504 are waited for up to `readyTimeoutMs`;
 * 401/403 fail at once (the key), a 404 on the model list fails (the base URL), a model not in the list fails
 * naming the served ones. Every replica is checked.
 */
export interface ReadyOptions {
  backend: LocalBackend;
  model: string;
  readyTimeoutMs: number;
  /** Clock for the waits (tests pass a FakeClock). */
  clock?: Clock;
  /** Pause between polls while waiting, in ms (default 2 000). */
  pollMs?: number;
}

export interface ReadyResult {
  notes: string[];
  /** vLLM's version from `GET /version`, when it answered. */
  version?: string;
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

const waiting = (r: ProbeResult) => r.status === 0 || r.status === 502 || r.status === 503 || r.status === 504;

function authFailure(rs: readonly ProbeResult[]): ProbeResult | undefined {
  return rs.find((r) => r.status === 401 || r.status === 403);
}

function modelIds(backend: LocalBackend, json: unknown): string[] | undefined {
  if (backend === 'ollama') {
    const models = (json as { models?: { name?: unknown; model?: unknown }[] } | null)?.models;
    if (!Array.isArray(models)) return undefined;
    return models.flatMap((m) => [m.name, m.model]).filter((x): x is string => typeof x === 'string');
  }
  const data = (json as { data?: { id?: unknown }[] } | null)?.data;
  if (!Array.isArray(data)) return undefined;
  return data.map((m) => m.id).filter((x): x is string => typeof x === 'string');
}

function served(backend: LocalBackend, ids: readonly string[], model: string): boolean {
  if (ids.includes(model)) return true;
  return backend === 'ollama' && !model.includes(':') && ids.includes(`${model}:latest`);
}

/** Checks the server(s) of a transport; throws NotReadyError with one message naming what is wrong and the fix. */
export async function checkLocalServer(t: HttpTransport, o: ReadyOptions): Promise<ReadyResult> {
  const clock = o.clock ?? systemClock;
  const pollMs = o.pollMs ?? 2_000;
  const deadline = clock.now() + o.readyTimeoutMs;
  const notes: string[] = [];
  const liveness: { path: string; root: boolean } | undefined =
    o.backend === 'vllm' || o.backend === 'sglang' || o.backend === 'llamacpp'
      ? { path: '/health', root: true }
      : o.backend === 'ollama'
        ? { path: '/api/version', root: true }
        : undefined;
  const models = o.backend === 'ollama' ? { path: '/api/tags', root: true } : { path: '/models', root: false };
  // Wait for the server to answer (and, for llama.cpp, to have loaded its model).
  const firstPath = liveness ?? models;
  let results: ProbeResult[];
  let waited = false;
  for (;;) {
    results = await t.probe(firstPath.path, { root: firstPath.root });
    const auth = authFailure(results);
    if (auth)
      throw new NotReadyError(
        `${auth.replica} refused the key (HTTP ${auth.status}: ${auth.message}): check apiKeyEnv and the server's --api-key`,
      );
    const pending = results.filter(waiting);
    if (pending.length === 0) break;
    if (clock.now() + pollMs > deadline) {
      const p = pending[0] as ProbeResult;
      throw new NotReadyError(
        p.status === 0
          ? `no server answers at ${p.replica} after waiting ${Math.round(o.readyTimeoutMs / 1000)} s (${p.message}): is it running, and is baseUrl right?`
          : `${p.replica} is still not ready after ${Math.round(o.readyTimeoutMs / 1000)} s (HTTP ${p.status}: ${p.message}); raise readyTimeoutMs for a model that loads slowly`,
      );
    }
    waited = true;
    await clock.sleep(pollMs);
  }
  if (waited) notes.push(`waited for the server to become ready (${results.map((r) => r.replica).join(', ')})`);
  // The served models.
  if (o.backend !== 'llamacpp') {
    const listed = firstPath === models ? results : await t.probe(models.path, { root: models.root });
    const auth = authFailure(listed);
    if (auth)
      throw new NotReadyError(
        `${auth.replica} refused the key (HTTP ${auth.status}: ${auth.message}): check apiKeyEnv and the server's --api-key`,
      );
    for (const r of listed) {
      if (r.status === 404 && o.backend === 'openai-compatible') {
        notes.push(`${r.replica} has no model list (GET ${models.path} is a 404): the model name is not checked`);
        continue;
      }
      if (r.status !== 200)
        throw new NotReadyError(
          `GET ${r.replica}${models.path} answered ${r.status === 0 ? 'nothing' : `HTTP ${r.status}`}${r.message ? ` (${r.message})` : ''}: is baseUrl right? (vLLM, SGLang and LMDeploy serve under /v1, e.g. http://127.0.0.1:8000/v1; Ollama at its root, http://127.0.0.1:11434)`,
        );
      const ids = modelIds(o.backend, r.json);
      if (!ids || ids.length === 0) {
        notes.push(`${r.replica} answered GET ${models.path} without a model list: the model name is not checked`);
        continue;
      }
      if (!served(o.backend, ids, o.model))
        throw new NotReadyError(
          `model "${o.model}" is not served by ${r.replica}; it serves ${ids.length ? ids.map((x) => `"${x}"`).join(', ') : 'no model'}. Set MMRE_MODEL (config.model) to one of them${o.backend === 'vllm' ? `, or start vLLM with --served-model-name ${o.model}` : o.backend === 'ollama' ? `, or ollama pull ${o.model}` : ''}`,
        );
    }
  }
  let version: string | undefined;
  if (o.backend === 'vllm') {
    const [v] = await t.probe('/version', { root: true });
    const s = (v?.json as { version?: unknown } | undefined)?.version;
    if (typeof s === 'string') version = s;
  }
  return version === undefined ? { notes } : { notes, version };
}
