import { formatAnswer, type Mode, parseAnswer, pfaPromptText } from '@mmre/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_SAMPLES, type FixtureSample, fixtureVars } from './__fixtures__/samples.js';
import { mmre, ner, summary } from './assertions.js';
import { derivedMetrics } from './derived.js';
import {
  checkPromptsCallable,
  checkSuiteReadiness,
  extension,
  metadataWithoutResponseCopy,
  notReadyMessage,
  PfaPromptReplayError,
  ProvidersNotReadyError,
  replayedPfaPrompts,
  rowNamedScores,
} from './extension.js';

const s = FIXTURE_SAMPLES[0];
if (!s) throw new Error('fixture');
/**
 * A fixture sample answered with inflected words ("images", "showing", "games"), so its ROUGE scores change with
 * the stemmer and a test of the stemmer can fail.
 */
const t: FixtureSample = (() => {
  const parsed = parseAnswer(s.outputs.joint, { mode: 'joint' });
  const pred = { ...parsed, summary: 'These images showing basketball games, players driving to baskets.' };
  return {
    ...s,
    outputs: { joint: formatAnswer(pred, 'joint'), summary: formatAnswer(pred, 'summary'), mner: s.outputs.mner },
  };
})();
const test = {
  assert: [{ type: 'javascript', value: 'package:@mmre/assertions:mmre', config: { namedScores: false } }],
};
/** A result row as promptfoo hands it to afterEach: stored vars (no mode), the mode in the prompt config. */
const row = (mode: Mode, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  vars: { ...fixtureVars(s), mode: 'stale' },
  prompt: { raw: 'x', label: mode, config: { mmre: { mode } } },
  response: { output: s.outputs[mode] },
  failureReason: 0,
  namedScores: {},
  ...extra,
});

/** A row of sample `f` with these vars, graded: promptfoo keeps the assertions' returned objects in componentResults. */
const gradedRow = (mode: Mode, f: FixtureSample, vars: Record<string, unknown>, componentResults: object[]) => ({
  ...row(mode),
  vars,
  response: { output: f.outputs[mode] },
  gradingResult: { componentResults },
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
    expect(rowNamedScores(row('joint', { vars: { id: 'x' } }))).toBeNull();
    expect(rowNamedScores(row('joint', { prompt: { config: {} } }))).toBeNull();
    // a failed assertion (failureReason 1) is an answer: it is scored
    expect(rowNamedScores(row('joint', { failureReason: 1 }))).not.toBeNull();
  });

  it("afterEach drops the row metadata's copy of response.metadata, keeping the test's own keys and response.metadata whole", () => {
    const reported = {
      backend: 'vllm',
      model: 'Qwen/Qwen2.5-VL-7B-Instruct',
      resolution: { minPixels: 3136 },
      split: 'x',
    };
    // as promptfoo builds it: the test's metadata with the provider's spread over it
    const withTest = { ...test, metadata: { sampleId: s.id, split: 'x' } };
    const result = row('joint', {
      response: { output: s.outputs.joint, metadata: reported },
      metadata: { sampleId: s.id, ...reported, _promptfooFileMetadata: {}, note: 'kept' },
    });
    const out = extension('afterEach', { test: withTest, result }) as {
      result: { metadata: Record<string, unknown>; response: { metadata: unknown }; namedScores: object };
    };
    // split is the test's own key (with the same value as the provider's): it stays. The copies are set to
    // undefined (promptfoo merges the hook's metadata over the row's), which JSON, the output and the database, leaves out.
    expect(out.result.metadata).toStrictEqual({
      sampleId: s.id,
      split: 'x',
      _promptfooFileMetadata: {},
      note: 'kept',
      backend: undefined,
      model: undefined,
      resolution: undefined,
    });
    expect(JSON.parse(JSON.stringify(out.result.metadata))).toEqual({
      sampleId: s.id,
      split: 'x',
      _promptfooFileMetadata: {},
      note: 'kept',
    });
    expect(out.result.response.metadata).toBe(reported);
    expect(Object.keys(out.result.namedScores).length).toBeGreaterThan(0);
    // the input row is not mutated
    expect(result.metadata).toHaveProperty('model');
    // a key whose value differs from the provider's is not a copy: it stays (deep equality, not identity)
    const changed = row('joint', {
      response: { output: 'x', metadata: { model: 'a', resolution: { minPixels: 1 } } },
      metadata: { model: 'b', resolution: { minPixels: 1 } },
    });
    expect(metadataWithoutResponseCopy(test, changed)).toStrictEqual({ model: 'b', resolution: undefined });
    // rows without an answer are deduplicated too; a row with nothing to drop and no scores is left alone
    const failed = row('joint', {
      failureReason: 2,
      response: { error: 'HTTP 500', metadata: { attempts: 3 } },
      metadata: { attempts: 3 },
    });
    expect(
      (extension('afterEach', { test, result: failed }) as { result: { metadata: object } }).result.metadata,
    ).toStrictEqual({ attempts: undefined });
    const plain = row('joint', { failureReason: 2, response: { error: 'x' }, metadata: { a: 1 } });
    expect(metadataWithoutResponseCopy(test, plain)).toBe(plain.metadata);
    expect(extension('afterEach', { test, result: plain })).toBeUndefined();
  });

  it("a graded row: the extension reads the @mmre assertion's scores (with its config) and scores nothing again", () => {
    // promptfoo copies the assertion's returned object into the row's componentResults (object spreads)
    const graded = (mode: Mode, ...results: object[]) =>
      gradedRow(
        mode,
        t,
        fixtureVars(t),
        results.map((r) => ({ ...r, assertion: {} })),
      );
    const cfg = { mode: 'summary' as const, stemmer: true, namedScores: false };
    const forced = mmre(t.outputs.joint, { vars: fixtureVars(t), config: cfg });
    expect(forced.namedScores).toBeUndefined();
    const stemmed = mmre(t.outputs.joint, { vars: fixtureVars(t), config: { ...cfg, namedScores: true } }).namedScores;
    const unstemmed = mmre(t.outputs.joint, { vars: fixtureVars(t), config: { mode: 'summary' } }).namedScores;
    expect(stemmed).not.toEqual(unstemmed); // the fixture is one where the stemmer matters
    // the assertion's mode and stemmer decide, not the row's recorded mode (joint) or the defaults
    expect(rowNamedScores(graded('joint', forced))).toEqual(stemmed);
    // read, not recomputed: it holds for a row whose vars the extension could not score itself
    expect(rowNamedScores({ ...graded('joint', forced), vars: { id: 'x' } })).toEqual(stemmed);
    // an assertion that could not score the row (bad config): no scores, not the defaults
    const bad = mmre(t.outputs.joint, { vars: fixtureVars(t), config: { minRouge1: 2 } });
    expect(bad.pass).toBe(false);
    expect(rowNamedScores(graded('joint', bad))).toBeNull();
    expect(extension('afterEach', { test, result: graded('joint', bad) })).toBeUndefined();
    // other assertions' results carry nothing: the row is scored with the defaults, as without assertions
    const other = { pass: true, score: 1, reason: 'contains' };
    expect(rowNamedScores(graded('joint', other))).toEqual(
      mmre(t.outputs.joint, { vars: { ...fixtureVars(t), mode: 'joint' } }).namedScores,
    );
    // nothing of it is stored: the output file, the JSONL output and the database are JSON
    expect(JSON.stringify(forced)).not.toMatch(/rowScores|summary\./);
  });

  it('several @mmre assertions on a row: each decides the scores of its own tasks, in any order', () => {
    const vars = { ...fixtureVars(t), mode: 'joint' };
    const all = mmre(t.outputs.joint, { vars, config: { namedScores: false } });
    const stemmedSummary = summary(t.outputs.joint, { vars, config: { stemmer: true } });
    const nerOnly = ner(t.outputs.joint, { vars });
    const expected = { ...mmre(t.outputs.joint, { vars }).namedScores, ...stemmedSummary.namedScores };
    expect(expected).not.toEqual(mmre(t.outputs.joint, { vars }).namedScores);
    for (const order of [
      [all, stemmedSummary, nerOnly],
      [stemmedSummary, nerOnly, all],
      [nerOnly, all, stemmedSummary],
    ]) {
      expect(rowNamedScores(gradedRow('joint', t, vars, order))).toEqual(expected);
    }
    // a failed one beside one that scored: the scored one's
    const bad = summary(t.outputs.joint, { vars, config: { minRouge1: 2 } });
    expect(rowNamedScores(gradedRow('joint', t, vars, [bad, nerOnly]))).toEqual(
      mmre(t.outputs.joint, { vars }).namedScores,
    );
  });

  it('rows of different samples and modes, interleaved, each get their own scores (no state between rows)', () => {
    const cases = FIXTURE_SAMPLES.flatMap((f) =>
      (['joint', 'summary', 'mner'] as const).map((mode) => {
        const vars = { ...fixtureVars(f), mode };
        const config = { stemmer: f.id.endsWith('2'), namedScores: false };
        const graded = mmre(f.outputs[mode], { vars, config });
        return {
          result: gradedRow(mode, f, vars, [graded]),
          expected: mmre(f.outputs[mode], { vars, config: { ...config, namedScores: true } }).namedScores,
        };
      }),
    );
    // forwards, backwards and strided: the same scores each time
    const orders = [
      cases,
      [...cases].reverse(),
      cases.filter((_, i) => i % 2 === 0).concat(cases.filter((_, i) => i % 2)),
    ];
    for (const order of orders)
      for (const c of order) {
        const out = extension('afterEach', { test, result: c.result }) as { result: { namedScores: object } };
        expect(out.result.namedScores).toEqual(c.expected);
      }
  });
});

describe('beforeAll: a PFA prompt promptfoo would replay as text (--resume, --retry-errors) stops the run', () => {
  const fn = async () => ({ prompt: 'x' });
  it('names the replayed prompts and the fix; prompt functions and text prompts pass', () => {
    const replayed = [
      { raw: pfaPromptText('joint'), label: 'joint', config: {} },
      { raw: pfaPromptText('mner'), label: 'my-mner', config: {} },
    ];
    expect(replayedPfaPrompts(replayed)).toEqual(['joint', 'my-mner']);
    expect(() => extension('beforeAll', { suite: { prompts: replayed } })).toThrow(PfaPromptReplayError);
    expect(() => checkPromptsCallable(replayed, NOT_EVAL)).toThrow(
      /the PFA prompts "joint", "my-mner" would be sent as their stored name.*stops before its first row.*run the same `promptfoo eval` command again/,
    );
    // a normal run: the prompt still has its function; a text prompt that only quotes the name is a prompt
    const fine = [
      { raw: pfaPromptText('joint'), label: 'joint', function: fn },
      { raw: `Say: ${pfaPromptText('summary')}`, label: 'text' },
      { raw: 'Summarize {{text}}', label: 'summary' },
    ];
    expect(replayedPfaPrompts(fine)).toEqual([]);
    expect(() => checkPromptsCallable(fine, NOT_EVAL)).not.toThrow();
    const out = extension('beforeAll', { suite: { prompts: fine } }) as { suite: { derivedMetrics: unknown[] } };
    expect(out.suite.derivedMetrics).toHaveLength(derivedMetrics.length);
  });
});

/** A provider of ours as the extension sees it (duck-typed `mmreReadiness`); `calls` counts the checks. */
function provider(label: string, url: string, message?: string, waitMs = 0) {
  const p = {
    label,
    calls: 0,
    callApi: async () => ({ output: '' }),
    mmreReadiness: async () => {
      p.calls++;
      await new Promise((r) => setTimeout(r, waitMs));
      return message === undefined
        ? { provider: label, urls: [url], ready: true }
        : { provider: label, urls: [url], ready: false, message };
    },
  };
  return p;
}
const NOT_EVAL = ['/usr/bin/node', '/x/vitest.mjs'];

describe('beforeAll: every provider of ours is checked before the first row', () => {
  afterEach(() => {
    delete process.env.MMRE_CHECK_READY;
  });

  it('checks all in parallel and names each one that is not ready, with its URL and the fix, in one message', async () => {
    const ps = [
      provider('qwen-3b', 'http://a:8000/v1'),
      provider(
        'qwen-7b',
        'http://b:8001/v1',
        'model "m" is not served by http://b:8001/v1; it serves "x". Set MMRE_MODEL',
        200,
      ),
      provider('qwen-72b', 'http://c:8002/v1', 'no server answers after waiting 120 s: is it running?', 200),
      { id: () => 'echo', callApi: async () => ({ output: '' }) }, // not ours: not asked
    ];
    const started = Date.now();
    const e = await checkSuiteReadiness(ps, NOT_EVAL).catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(390); // side by side, not one after the other
    expect(e).toBeInstanceOf(ProvidersNotReadyError);
    expect((e as Error).message).toBe(
      [
        'M-MRE: 2 of 3 providers are not ready, so the run stops before its first row (no prompt was sent, no result written):',
        '  - qwen-7b: model "m" is not served by http://b:8001/v1; it serves "x". Set MMRE_MODEL',
        '  - qwen-72b (http://c:8002/v1): no server answers after waiting 120 s: is it running?',
      ].join('\n'),
    );
    expect(ps.slice(0, 3).map((p) => (p as { calls: number }).calls)).toEqual([1, 1, 1]);
  });

  it('through the extension: the suite comes back with its derived metrics when all are ready; throws otherwise', async () => {
    const good = provider('ok', 'http://a/v1');
    const out = (await extension('beforeAll', { suite: { providers: [good], prompts: [] } })) as {
      suite: { derivedMetrics: unknown[]; providers: unknown[] };
    };
    expect(out.suite.derivedMetrics).toHaveLength(derivedMetrics.length);
    expect(out.suite.providers).toEqual([good]);
    const bad = provider('bad', 'http://b/v1', 'http://b/v1 refused the key (HTTP 401): check apiKeyEnv');
    await expect(extension('beforeAll', { suite: { providers: [good, bad] } })).rejects.toThrow(
      /^M-MRE: 1 of 2 providers are not ready.*\n {2}- bad: http:\/\/b\/v1 refused the key/,
    );
    // MMRE_CHECK_READY=0: not asked (each provider then checks before its first request, as without the extension)
    process.env.MMRE_CHECK_READY = '0';
    const skipped = provider('bad2', 'http://b/v1', 'nope');
    expect(extension('beforeAll', { suite: { providers: [skipped] } })).not.toBeInstanceOf(Promise);
    expect(skipped.calls).toBe(0);
  });

  it('one provider: "the provider is not ready"; a check that throws counts as not ready', async () => {
    expect(notReadyMessage([{ provider: 'p', urls: ['http://u/v1'], ready: false, message: 'x' }], 1)).toMatch(
      /^M-MRE: the provider is not ready, .*\n {2}- p \(http:\/\/u\/v1\): x$/,
    );
    const broken = {
      label: 'broken',
      mmreReadiness: async () => {
        throw new Error('boom');
      },
    };
    await expect(checkSuiteReadiness([broken], NOT_EVAL)).rejects.toThrow(/- broken: boom$/);
  });
});
