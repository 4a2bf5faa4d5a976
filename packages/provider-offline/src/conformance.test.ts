// The shared provider conformance suite of @mmre/provider-testkit, run against both offline providers.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAnswer, MODES } from '@mmre/core';
import { describeProviderConformance } from '@mmre/provider-testkit';
import { makeFixture } from './__fixtures__/dataset.js';
import { BaselineProvider } from './baseline.js';
import { ReplayProvider } from './replay.js';

describeProviderConformance(
  async (scenario, ctx: { dataset: string }) =>
    new BaselineProvider({ config: { dataset: scenario === 'ok' ? ctx.dataset : join(ctx.dataset, 'missing') } }),
  {
    name: 'BaselineProvider conformance',
    setup: async () => ({ dataset: (await makeFixture()).root }),
  },
);

describeProviderConformance(
  async (scenario, ctx: { ok: string; empty: string }) =>
    new ReplayProvider({ id: 'replay', config: { path: scenario === 'ok' ? ctx.ok : ctx.empty } }),
  {
    name: 'ReplayProvider conformance',
    setup: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mmre-replay-conf-'));
      const answer = {
        summary: 'A game in an arena.',
        entities: [{ label: 'organization', text: 'Spurs' }],
        pairs: [],
      };
      const ok = join(dir, 'ok.jsonl');
      await writeFile(
        ok,
        MODES.map((mode) =>
          JSON.stringify({ id: `conformance-${mode}`, mode, output: formatAnswer(answer, mode) }),
        ).join('\n'),
      );
      const empty = join(dir, 'empty.jsonl');
      await writeFile(empty, '');
      return { ok, empty };
    },
  },
);
