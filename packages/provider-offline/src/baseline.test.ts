import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pfaInstruction } from '@mmre/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, makeFixture, varsOf } from './__fixtures__/dataset.js';
import { BaselineProvider } from './baseline.js';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterEach(() => {
  delete process.env.MMRE_DATASET;
});

/** A rendered PFA prompt for a mode (the provider reads the mode from vars.mode, which the PFA prompts set). */
const promptFor = (mode: 'joint' | 'summary' | 'mner') =>
  JSON.stringify([
    { role: 'user', content: [{ type: 'text', text: pfaInstruction(mode, { text: 'x', segmentIds: ['a'] }) }] },
  ]);

describe('BaselineProvider', () => {
  it('answers in PFA format for every mode, with one shared algorithm (joint = summary + mner)', async () => {
    const p = new BaselineProvider({ config: { dataset: fx.root } });
    const vars = varsOf(fx, 'x1');
    const [joint, summary, mner] = await Promise.all(
      (['joint', 'summary', 'mner'] as const).map((m) => p.callApi(promptFor(m), { vars: { ...vars, mode: m } })),
    );
    expect(joint?.error).toBeUndefined();
    expect(summary?.output?.startsWith('Task 1 Answer: ')).toBe(true);
    expect(summary?.output).not.toContain('Task 2 Answer:');
    expect(mner?.output).toBe(
      "Task 2 Answer: NER: :person;Kawhi Leonard:organization;Spurs:person;Barack Obama:person;White House image-entity pair: {'a': 'Kawhi Leonard', 'b': 'Barack Obama'}",
    );
    expect(joint?.output).toBe(`${summary?.output}\n${mner?.output}`);
    expect(joint?.metadata).toMatchObject({ mode: 'joint', dataset: fx.root, trainSamples: 4 });
    expect(mner?.metadata?.mode).toBe('mner');
    expect(joint?.tokenUsage).toEqual({ total: 0, prompt: 0, completion: 0, numRequests: 1 });
    expect(typeof joint?.latencyMs).toBe('number');
    // deterministic: a new provider instance gives the same bytes
    const again = await new BaselineProvider({ config: { dataset: fx.root } }).callApi(promptFor('joint'), {
      vars: { ...vars, mode: 'joint' },
    });
    expect(again.output).toBe(joint?.output);
  });

  it('takes the mode from config, then vars.mode, never from the prompt text', async () => {
    const vars = varsOf(fx, 'x2');
    const forced = new BaselineProvider({ config: { dataset: fx.root, mode: 'summary' } });
    expect((await forced.callApi(promptFor('mner'), { vars: { ...vars, mode: 'mner' } })).metadata?.mode).toBe(
      'summary',
    );
    const p = new BaselineProvider({ config: { dataset: fx.root } });
    expect((await p.callApi('plain prompt', { vars: { ...vars, mode: 'mner' } })).metadata?.mode).toBe('mner');
    const none = await p.callApi(promptFor('joint'), { vars });
    expect(none.error).toMatch(/cannot tell the mode of sample "x2".*set vars\.mode or config\.mode/);
  });

  it('finds the dataset from config (relative to promptfoo basePath), vars.dataset, MMRE_DATASET or above the image', async () => {
    const vars = varsOf(fx, 'x2');
    const base = await mkdtemp(join(tmpdir(), 'mmre-base-'));
    const rel = new BaselineProvider({ config: { dataset: relative(base, fx.root), basePath: base } as never });
    expect((await rel.callApi(promptFor('joint'), { vars: { ...vars, mode: 'joint' } })).metadata?.dataset).toBe(
      fx.root,
    );
    const auto = new BaselineProvider({});
    expect((await auto.callApi(promptFor('joint'), { vars: { ...vars, mode: 'joint' } })).metadata?.dataset).toBe(
      fx.root,
    );
    expect(
      (await auto.callApi(promptFor('joint'), { vars: { ...vars, dataset: fx.root, mode: 'joint' } })).metadata
        ?.dataset,
    ).toBe(fx.root);
    const outside = { ...vars, image: '/nonexistent/place/img.png' };
    expect((await auto.callApi(promptFor('joint'), { vars: { ...outside, mode: 'joint' } })).error).toMatch(
      /no dataset to learn from for sample "x2".*config\.dataset/,
    );
    process.env.MMRE_DATASET = fx.root;
    expect((await auto.callApi(promptFor('joint'), { vars: { ...outside, mode: 'joint' } })).metadata?.dataset).toBe(
      fx.root,
    );
    await rm(base, { recursive: true, force: true });
  });

  it('never throws: bad vars and missing datasets are per-test errors', async () => {
    const p = new BaselineProvider({ config: { dataset: '/nonexistent/dataset' } });
    const r = await p.callApi(promptFor('joint'), { vars: { ...varsOf(fx, 'x1'), mode: 'joint' } });
    expect(r.error).toMatch(/cannot load dataset \/nonexistent\/dataset/);
    const bad = await new BaselineProvider({ config: { dataset: fx.root } }).callApi(promptFor('joint'), {
      vars: { id: 7, text: 3 },
    });
    expect(bad.error).toMatch(/sample 7 .*vars\.text/);
    expect((await p.callApi(promptFor('joint'))).error).toMatch(/not M-MRE test vars/);
  });

  it('validates its config at construction, naming the option', () => {
    expect(() => new BaselineProvider({ config: { datasets: 'x' } as never })).toThrow(
      /BaselineProvider: invalid provider config: unknown option config\.datasets \(known options: dataset, mode, split\)/,
    );
    expect(() => new BaselineProvider({ config: { mode: 'both' } as never })).toThrow(
      /config\.mode: must be one of joint, summary, mner/,
    );
    expect(new BaselineProvider({ id: 'my-baseline' }).id()).toBe('my-baseline');
    expect(new BaselineProvider().id()).toBe('mmre:baseline');
  });
});
