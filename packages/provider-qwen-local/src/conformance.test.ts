import type { Peer } from '@mmre/provider-testkit';
import { describeProviderConformance, startOllamaPeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { QwenLocalProvider } from './provider.js';

const KEY = 'local-conformance-key-7f3a9c1e55';

describeProviderConformance<{ peer: Peer; failing: Peer }>(
  (scenario, { peer, failing }) => {
    process.env.MMRE_CONFORMANCE_LOCAL_KEY = KEY;
    return new QwenLocalProvider({
      config: {
        baseUrl: scenario === 'ok' ? peer.url : failing.url,
        apiKeyEnv: 'MMRE_CONFORMANCE_LOCAL_KEY',
        maxRetries: 0,
      },
    });
  },
  {
    name: 'QwenLocalProvider (vllm) conformance',
    setup: async () => ({
      peer: await startOpenAIPeer({ apiKey: KEY }),
      failing: await startOpenAIPeer({ apiKey: 'another-key-entirely-000' }), // 401 that echoes the key sent
    }),
    teardown: async ({ peer, failing }) => {
      await peer.close();
      await failing.close();
    },
    secrets: [KEY],
  },
);

describeProviderConformance<{ peer: Peer; failing: Peer }>(
  (scenario, { peer, failing }) =>
    new QwenLocalProvider({
      config: { backend: 'ollama', baseUrl: scenario === 'ok' ? peer.url : failing.url, maxRetries: 0 },
    }),
  {
    name: 'QwenLocalProvider (ollama) conformance',
    setup: async () => ({
      peer: await startOllamaPeer(),
      failing: await startOllamaPeer({ models: ['some-other-model'] }), // 404 model not found
    }),
    teardown: async ({ peer, failing }) => {
      await peer.close();
      await failing.close();
    },
  },
);
