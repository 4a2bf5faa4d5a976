import type { OpenAIBackend, Peer } from '@mmre/provider-testkit';
import { describeProviderConformance, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import type { LocalBackend } from './config.js';
import { DEFAULT_MODELS } from './config.js';
import { QwenLocalProvider } from './provider.js';

// One conformance suite per backend, each against the peer that imitates its server (error shapes, routes,
// constraint fields: see the testkit's openai-peer.ts / ollama-peer.ts), with the readiness check on.
const KEY = 'local-conformance-key-7f3a9c1e55';

const OPENAI_BACKENDS: [LocalBackend, OpenAIBackend][] = [
  ['vllm', 'vllm'],
  ['sglang', 'sglang'],
  ['lmdeploy', 'lmdeploy'],
  ['llamacpp', 'llamacpp'],
  ['openai-compatible', 'vllm'],
];

for (const [backend, peerBackend] of OPENAI_BACKENDS) {
  const model = DEFAULT_MODELS[backend] ?? 'served-model';
  describeProviderConformance<{ peer: Peer; failing: Peer }>(
    (scenario, { peer, failing }) => {
      process.env.MMRE_CONFORMANCE_LOCAL_KEY = KEY;
      return new QwenLocalProvider({
        config: {
          backend,
          model,
          baseUrl: scenario === 'ok' ? peer.url : failing.url,
          apiKeyEnv: 'MMRE_CONFORMANCE_LOCAL_KEY',
          maxRetries: 0,
          constrainFormat: backend !== 'openai-compatible',
        },
      });
    },
    {
      name: `QwenLocalProvider (${backend}) conformance`,
      setup: async () => ({
        peer: await startOpenAIPeer({ backend: peerBackend, apiKey: KEY, models: [model] }),
        // a 401 that echoes the key sent
        failing: await startOpenAIPeer({ backend: peerBackend, apiKey: 'another-key-entirely-000', models: [model] }),
      }),
      teardown: async ({ peer, failing }) => {
        await peer.close();
        await failing.close();
      },
      secrets: [KEY],
    },
  );
}

describeProviderConformance<{ peer: Peer; failing: Peer }>(
  (scenario, { peer, failing }) =>
    new QwenLocalProvider({
      config: { backend: 'ollama', baseUrl: scenario === 'ok' ? peer.url : failing.url, maxRetries: 0 },
    }),
  {
    name: 'QwenLocalProvider (ollama) conformance',
    setup: async () => ({
      peer: await startOllamaPeer(),
      failing: await startOllamaPeer({ models: ['some-other-model'] }), // the model is not pulled
    }),
    teardown: async ({ peer, failing }) => {
      await peer.close();
      await failing.close();
    },
  },
);
