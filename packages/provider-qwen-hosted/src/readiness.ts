import type { Clock, HttpTransport } from '@mmre/provider-transport';
import { probeUntilAnswered } from '@mmre/provider-transport';
import type { HostedBackend } from './config.js';

/**
 * The readiness check of the hosted provider, once before the run's first row (M-MRE extension) or its first
 * request: does the service take the key? A GET that costs nothing and needs the key:
 *
 * | backend | GET | source |
 * | --- | --- | --- |
 * | dashscope | `{base}/models` (compatible mode's model list; 401 `invalid_api_key` without a valid key) | Model Studio, "OpenAI compatible - Models" (https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope) |
 * | openrouter | `{base}/key` (the current key's limits; 401 for a bad key; its `/models` is public) | https://openrouter.ai/docs/api-reference/limits |
 * | openai-compatible | `{base}/models` | the OpenAI API's `GET /models` |
 *
 * 401/403 fail at once, naming the key's variable (never its value); no answer, 502, 503 or 504 are waited for
 * up to `readyTimeoutMs`; a 404 (a gateway without that route), a 429 or any other answer is a note, and the
 * first request tells. The model name is not checked here: on the services' own endpoints it is checked against
 * their Qwen VL models at load time, and a service's list need not name every alias it serves.
 */
export interface HostedReadyOptions {
  backend: HostedBackend;
  apiKeyEnv: string;
  /** DashScope: the region, whose keys differ. */
  region?: 'intl' | 'cn';
  readyTimeoutMs: number;
  clock?: Clock;
  pollMs?: number;
  onWaiting?: (line: string) => void;
}

export async function checkHostedService(t: HttpTransport, o: HostedReadyOptions): Promise<string[]> {
  const path = o.backend === 'openrouter' ? '/key' : '/models';
  const region =
    o.backend === 'dashscope'
      ? ` (${o.region === 'cn' ? 'a Beijing (cn)' : 'an international (intl)'} region key: the regions take different keys)`
      : '';
  const { results } = await probeUntilAnswered(t, path, {
    readyTimeoutMs: o.readyTimeoutMs,
    keyHint: `check the key in ${o.apiKeyEnv}${region}`,
    slowHint: 'the service is unavailable; try again later, or raise readyTimeoutMs',
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    ...(o.onWaiting ? { onWaiting: o.onWaiting } : {}),
  });
  const notes: string[] = [];
  for (const r of results) {
    if (r.status >= 200 && r.status < 300) continue;
    notes.push(
      `the key was not checked: GET ${r.replica}${path} answered HTTP ${r.status}${r.message ? ` (${r.message})` : ''}; the first request will tell`,
    );
  }
  return notes;
}
