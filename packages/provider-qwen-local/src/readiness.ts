import type { Clock, HttpTransport } from '@mmre/provider-transport';
import { NotReadyError, probeUntilAnswered, throwOnRefusedKey } from '@mmre/provider-transport';
import type { LocalBackend } from './config.js';

/**
 * The readiness check of the local provider, once before its first request, per backend:
 *
 * | backend | liveness (waited for while starting/loading) | served models |
 * | --- | --- | --- |
 * | vllm | `GET /health` (200 once the engine is up) | `GET /v1/models` (the `--served-model-name`s); `GET /version` |
 * | sglang | `GET /health` | `GET /v1/models` |
 * | lmdeploy | — | `GET /v1/models` |
 * | llamacpp | `GET /health`: 503 `Loading model` while it loads (tools/server/server-http.cpp:175-201 at aa6192d) | one model under any name; with a key, `GET /props` checks it |
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
  /** The provider sends a key (apiKeyEnv): for llama.cpp, whose health and model list are public, it is checked on /props. */
  withKey?: boolean;
  /** Told once when the wait for a server that does not answer yet starts. */
  onWaiting?: (line: string) => void;
}

export interface ReadyResult {
  notes: string[];
  /** vLLM's version from `GET /version`, when it answered. */
  version?: string;
}

const KEY_HINT = "check apiKeyEnv and the server's --api-key";

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
  const { results, waited } = await probeUntilAnswered(t, firstPath.path, {
    root: firstPath.root,
    readyTimeoutMs: o.readyTimeoutMs,
    keyHint: KEY_HINT,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    ...(o.onWaiting ? { onWaiting: o.onWaiting } : {}),
  });
  if (waited) notes.push(`waited for the server to become ready (${results.map((r) => r.replica).join(', ')})`);
  // llama.cpp's /health and model list need no key (tools/server/server-http.cpp:121-127 at aa6192d): with a key,
  // GET /props (not public) tells whether it is the right one.
  if (o.backend === 'llamacpp' && o.withKey) throwOnRefusedKey(await t.probe('/props', { root: true }), KEY_HINT);
  // The served models.
  if (o.backend !== 'llamacpp') {
    const listed = firstPath === models ? results : await t.probe(models.path, { root: models.root });
    throwOnRefusedKey(listed, KEY_HINT);
    for (const r of listed) {
      if (r.status === 404 && o.backend === 'openai-compatible') {
        notes.push(`${r.replica} has no model list (GET ${models.path} is a 404): the model name is not checked`);
        continue;
      }
      if (r.status !== 200)
        throw new NotReadyError(
          `GET ${r.replica}${models.path} answered ${r.status === 0 ? 'nothing' : `HTTP ${r.status}`}${r.message ? ` (${r.message})` : ''}: is baseUrl right? (vLLM, SGLang and LMDeploy serve under /v1, e.g. http://127.0.0.1:8000/v1; Ollama at its root, http://127.0.0.1:11434)`,
          r.status === 404 ? 404 : undefined,
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
