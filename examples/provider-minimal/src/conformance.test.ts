// The same guarantees every provider package of this repository proves, with one call.
import { describeProviderConformance, type Peer, startOpenAIPeer } from '@mmre/provider-testkit';
import { MinimalProvider } from './index.js';

const KEY = 'sk-example-not-a-real-key';

describeProviderConformance<{ peer: Peer }>(
  (scenario, { peer }) =>
    new MinimalProvider({
      // the 'error' scenario points at a port nothing listens on
      config: { baseUrl: scenario === 'ok' ? peer.url : 'http://127.0.0.1:9/v1', apiKeyEnv: 'EXAMPLE_API_KEY' },
    }),
  {
    name: 'MinimalProvider conformance',
    setup: async () => {
      process.env.EXAMPLE_API_KEY = KEY;
      return { peer: await startOpenAIPeer({ apiKey: KEY }) };
    },
    teardown: ({ peer }) => peer.close(),
    secrets: [KEY],
  },
);
