import { mulberry32 } from '@mmre/core';
import type { Peer } from '@mmre/provider-testkit';
import { buildChatPrompt, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QwenLocalConfigInput } from './config.js';
import { QwenLocalProvider } from './provider.js';

/**
 * 500 requests against a peer that injects a fault into 30% of the requests it receives (429 with
 * Retry-After, 500, 503, connection resets, responses slower than the timeout, truncated JSON,
 * HTML error pages). Every call must end as a success or as a reported error with its reason;
 * server-side request ids show none was lost or answered twice.
 */
async function run(config: QwenLocalConfigInput, n: number) {
  const provider = new QwenLocalProvider(
    { config: { checkReady: false, ...config } },
    { random: mulberry32(11), backoff: { baseMs: 40, maxMs: 400 } },
  );
  const template = await buildChatPrompt({ mode: 'joint', segments: 2, text: 'PLACEHOLDER visited Paris' });
  try {
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        provider.callApi(template.replace('PLACEHOLDER', `Player${i}`), { vars: {} }),
      ),
    );
    return results;
  } finally {
    await provider.cleanup();
  }
}

function check(peer: Peer, results: Awaited<ReturnType<typeof run>>, n: number) {
  expect(results).toHaveLength(n);
  const ids = new Set<string>();
  let retried = 0;
  let failed = 0;
  results.forEach((r, i) => {
    const ok = r.error === undefined;
    expect(ok ? typeof r.output === 'string' : r.output === undefined).toBe(true);
    if (!ok) {
      failed++;
      expect(r.error).toMatch(/QwenLocalProvider: (server-busy|connection|timeout|bad-response): gave up after/);
    }
    const id = r.metadata?.requestId as string;
    expect(typeof id).toBe('string');
    ids.add(id);
    const seen = peer.requests.filter((q) => q.requestId === id);
    // every attempt the client counted reached the server, and no more
    expect(seen.length).toBe(r.metadata?.attempts);
    // exactly one normal answer for a success, none for a failure
    expect(seen.filter((q) => q.outcome === 'ok').length).toBe(ok ? 1 : 0);
    if (ok) {
      // the answer belongs to this request (the peer names the text's first entity)
      expect(r.output).toContain(`:person;Player${i}`);
      if ((r.metadata?.attempts as number) > 1) retried++;
    }
  });
  expect(ids.size).toBe(n);
  // every request the server saw belongs to one of our calls
  expect(peer.requests.every((q) => q.requestId !== undefined && ids.has(q.requestId))).toBe(true);
  return { retried, failed };
}

describe('30% injected faults over 500 requests', () => {
  let vllm: Peer;
  let ollama: Peer;
  const faults = { rate: 0.3, seed: 42, retryAfterSeconds: 0, slowMs: 2_500, retryAfterFormat: 'mixed' as const };
  beforeAll(async () => {
    vllm = await startOpenAIPeer({ faults });
    ollama = await startOllamaPeer({ faults: { ...faults, seed: 43 } });
  });
  afterAll(async () => {
    await vllm.close();
    await ollama.close();
  });

  it('vLLM backend: every request ends as a success or a reported error; none lost or duplicated', async () => {
    const results = await run(
      { baseUrl: vllm.url, model: 'm', timeoutMs: 2_000, maxRetries: 6, maxConcurrency: 32 },
      500,
    );
    const { retried, failed } = check(vllm, results, 500);
    const faulted = vllm.requests.filter((q) => q.fault !== null);
    expect(faulted.length).toBeGreaterThan(120); // ~30% of ~700 attempts
    expect(new Set(faulted.map((q) => q.fault))).toEqual(
      new Set(['429', '500', '503', 'reset', 'slow', 'truncated', 'html']),
    );
    expect(retried).toBeGreaterThan(100);
    expect(failed).toBeLessThanOrEqual(2); // 0.3^7 per request
  }, 60_000);

  it('Ollama backend: same guarantees with 200 requests', async () => {
    const results = await run(
      { backend: 'ollama', baseUrl: ollama.url, timeoutMs: 2_000, maxRetries: 6, maxConcurrency: 32 },
      200,
    );
    const { retried } = check(ollama, results, 200);
    expect(retried).toBeGreaterThan(30);
  }, 60_000);
});
