import { describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES, fixtureVars } from './__fixtures__/samples.js';
import { mmre } from './assertions.js';
import { derivedMetrics } from './derived.js';
import { extension, rowNamedScores } from './extension.js';

const s = FIXTURE_SAMPLES[0];
if (!s) throw new Error('fixture');
const test = {
  assert: [{ type: 'javascript', value: 'package:@mmre/assertions:mmre', config: { namedScores: false } }],
};
/** A result row as promptfoo hands it to afterEach: stored vars (no mode), the mode in the prompt config. */
const row = (mode: 'joint' | 'summary' | 'mner', extra: Record<string, unknown> = {}) => ({
  vars: { ...fixtureVars(s), mode: 'stale' },
  prompt: { raw: 'x', label: mode, config: { mmre: { mode } } },
  response: { output: s.outputs[mode] },
  failureReason: 0,
  namedScores: {},
  ...extra,
});

describe('the M-MRE promptfoo extension', () => {
  it('beforeAll adds the derived metrics once, keeping ones the config lists', () => {
    const out = extension('beforeAll', {
      suite: { derivedMetrics: [{ name: 'corpus.bleu', value: 'x' }], prompts: [] },
    }) as {
      suite: { derivedMetrics: { name: string; value: unknown }[] };
    };
    expect(out.suite.derivedMetrics).toHaveLength(derivedMetrics.length);
    expect(out.suite.derivedMetrics[0]).toEqual({ name: 'corpus.bleu', value: 'x' });
    expect(extension('beforeEach', { test })).toBeUndefined();
  });

  it("afterEach writes the row's named scores: those the mmre assertion would emit, for the recorded mode", () => {
    for (const mode of ['joint', 'summary', 'mner'] as const) {
      const out = extension('afterEach', { test, result: row(mode) }) as {
        result: { namedScores: Record<string, number> };
      };
      const direct = mmre(s.outputs[mode], { vars: { ...fixtureVars(s), mode } });
      expect(out.result.namedScores).toEqual(direct.namedScores);
    }
    // with namedScores: false the assertion leaves them to the extension
    expect(
      mmre(s.outputs.joint, { vars: { ...fixtureVars(s), mode: 'joint' }, config: { namedScores: false } }).namedScores,
    ).toBeUndefined();
  });

  it('leaves rows without an answer, without M-MRE vars or without a mode alone', () => {
    expect(
      extension('afterEach', { test, result: row('joint', { failureReason: 2, response: { error: 'HTTP 500' } }) }),
    ).toBeUndefined();
    expect(rowNamedScores(test, row('joint', { vars: { id: 'x' } }))).toBeNull();
    expect(rowNamedScores(test, row('joint', { prompt: { config: {} } }))).toBeNull();
    // a failed assertion (failureReason 1) is an answer: it is scored
    expect(rowNamedScores(test, row('joint', { failureReason: 1 }))).not.toBeNull();
  });

  it("the mmre assertion's config.mode and stemmer apply, as they do to the assertion", () => {
    const forced = {
      assert: [
        { type: 'javascript', value: 'file:///x/dist/index.js:mmre', config: { mode: 'summary', stemmer: true } },
      ],
    };
    const named = rowNamedScores(forced, row('joint')) ?? {};
    expect(named['ner.n']).toBeUndefined();
    expect(named).toEqual(
      mmre(s.outputs.joint, { vars: fixtureVars(s), config: { mode: 'summary', stemmer: true } }).namedScores,
    );
  });
});
