import type { Peer } from '@mmre/provider-testkit';
import { describeProviderConformance, startDashScopePeer, startOpenAIPeer } from '@mmre/provider-testkit';
import { QwenHostedProvider } from './provider.js';

const KEY = 'sk-conformance-hosted-3c2b1a0f9e8d';

describeProviderConformance<{ peer: Peer }>(
  (scenario, { peer }) =>
    new QwenHostedProvider({
      config: { backend: 'dashscope', baseUrl: peer.url, model: 'qwen2.5-vl-72b-instruct', maxRetries: 0 },
      // the error scenario sends a key the peer refuses (its 401 message echoes the key it got)
      env: { DASHSCOPE_API_KEY: scenario === 'ok' ? KEY : `${KEY}-revoked` },
    }),
  {
    name: 'QwenHostedProvider (dashscope) conformance',
    setup: async () => ({ peer: await startDashScopePeer({ apiKey: KEY }) }),
    teardown: ({ peer }) => peer.close(),
    secrets: [KEY, `${KEY}-revoked`],
  },
);

describeProviderConformance<{ peer: Peer }>(
  (scenario, { peer }) =>
    new QwenHostedProvider({
      config: {
        backend: 'openrouter',
        baseUrl: peer.url,
        model: scenario === 'ok' ? 'qwen/qwen2.5-vl-32b-instruct' : 'qwen/qwen2.5-vl-72b-instruct',
        maxRetries: 0,
      },
      env: { OPENROUTER_API_KEY: KEY },
    }),
  {
    name: 'QwenHostedProvider (openrouter) conformance',
    setup: async () => ({
      peer: await startOpenAIPeer({
        backend: 'openrouter',
        apiKey: KEY,
        basePath: '/api/v1',
        models: ['qwen/qwen2.5-vl-32b-instruct'],
      }),
    }),
    teardown: ({ peer }) => peer.close(),
    secrets: [KEY],
  },
);

describeProviderConformance<{ peer: Peer }>(
  (scenario, { peer }) =>
    new QwenHostedProvider({
      config: {
        backend: 'openai-compatible',
        baseUrl: peer.url,
        model: 'qwen2.5-vl-7b',
        apiKeyEnv: 'MMRE_GATEWAY_KEY',
        maxRetries: 0,
      },
      env: { MMRE_GATEWAY_KEY: scenario === 'ok' ? KEY : `${KEY}-wrong` },
    }),
  {
    name: 'QwenHostedProvider (openai-compatible) conformance',
    setup: async () => ({ peer: await startOpenAIPeer({ backend: 'vllm', apiKey: KEY, models: ['qwen2.5-vl-7b'] }) }),
    teardown: ({ peer }) => peer.close(),
    secrets: [KEY, `${KEY}-wrong`],
  },
);
