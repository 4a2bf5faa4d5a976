import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pfaPromptText, pfaPromptTextMode } from '@mmre/core';
import { parseImageRef } from '@mmre/images';
import { promptfooEval, requireDist } from '@mmre-test/promptfoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureDataset, makeDataset, varsOf } from './__fixtures__/dataset.js';
import { buildMessages, type ContentPart } from './messages.js';
import { createPfaPrompt, joint, mner, protectFromTemplating, summary } from './prompts.js';

let ds: FixtureDataset;
beforeAll(async () => {
  ds = await makeDataset({ train: 3, test: 2 });
});

const provider = { id: 'echo' };

describe('prompt functions', () => {
  it('joint/summary/mner return the messages of buildMessages, record the row config and set vars.mode', async () => {
    for (const [fn, mode] of [
      [joint, 'joint'],
      [summary, 'summary'],
      [mner, 'mner'],
    ] as const) {
      const vars: Record<string, unknown> = { ...varsOf(ds, 's03'), mode: 'stale' };
      const r = await fn({ vars, provider });
      expect(r.prompt).toEqual(await buildMessages(mode, varsOf(ds, 's03')));
      expect(r.config.mmre).toEqual({
        mode,
        images: 'ref',
        image: { factor: 28, minPixels: 200704, maxPixels: 1003520, format: 'jpeg', quality: 90, passthrough: true },
      });
      // the row's vars now say which mode this prompt asked for (the provider and assertions read it)
      expect(vars.mode).toBe(mode);
    }
  });

  it("promptfoo's stored text of each prompt function is its name (pfaPromptText), not its source", () => {
    expect(String(joint)).toBe(pfaPromptText('joint'));
    expect(String(summary)).toBe(pfaPromptText('summary'));
    expect(String(mner)).toBe(pfaPromptText('mner'));
    expect(String(createPfaPrompt('mner', { maxPixels: 60000 }))).toBe(pfaPromptText('mner'));
    expect(pfaPromptTextMode(String(joint))).toBe('joint');
  });

  it('validates factory options at creation, naming the option', () => {
    expect(() => createPfaPrompt('joint', { maxPixels: -1 })).toThrow(/option `maxPixels`/);
    expect(() => createPfaPrompt('joint', { templates: { task3: 'x' } } as never)).toThrow(
      /unknown option `templates.task3`/,
    );
    expect(() => createPfaPrompt('both' as never)).toThrow(/mode must be one of joint, summary, mner/);
  });

  it('reads the known keys of the prompt config (others belong to the provider) and lets vars win', async () => {
    const fn = createPfaPrompt('summary', { systemPrompt: 'factory' });
    const vars = varsOf(ds, 's03');
    const m = (await fn({ vars, provider, config: { systemPrompt: 'from config', temperature: 0, maxPixels: 50_000 } }))
      .prompt;
    expect(m[0]).toEqual({ role: 'system', content: 'from config' });
    const first = (await fn({ vars: { ...vars, maxPixels: '40000' }, provider, config: { maxPixels: 50_000 } })).prompt;
    const firstUrl = (m: { content: string | ContentPart[] } | undefined) =>
      ((m?.content ?? []) as ContentPart[]).find((p) => p.type === 'image_url')?.image_url.url;
    const direct = await buildMessages('summary', vars, { maxPixels: 40_000 });
    expect(firstUrl(first[1])).toBeDefined();
    expect(firstUrl(first[1])).toBe(firstUrl(direct[0]));
    await expect(fn({ vars, provider, config: { maxPixels: 'big' } })).rejects.toThrow(
      /prompt config of the summary PFA prompt: option `maxPixels`/,
    );
  });

  it('wraps text holding template syntax in a Nunjucks raw block', () => {
    const out = protectFromTemplating([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a {{ b }} c' },
          { type: 'text', text: 'plain {x}' },
        ],
      },
      { role: 'assistant', content: '{% if %}' },
    ]);
    expect(out[0]?.content).toEqual([
      { type: 'text', text: '{% raw %}a {{ b }} c{% endraw %}' },
      { type: 'text', text: 'plain {x}' },
    ]);
    expect(out[1]?.content).toBe('{% raw %}{% if %}{% endraw %}');
  });

  it('works inside a real promptfoo eval (file://…/dist/index.js:mode), byte-identical across modes and reruns', async () => {
    const dist = requireDist(resolve(__dirname, '../dist/index.js'), '@mmre/pfa');
    const dir = await mkdtemp(join(tmpdir(), 'mmre-pfa-eval-'));
    const vars = { ...varsOf(ds, 's03'), text: 'Hi {{ nobody }} @ Spurs' };
    const config = `
prompts:
  - { id: "file://${dist}:joint", label: joint }
  - { id: "file://${dist}:summary", label: summary }
  - { id: "file://${dist}:mner", label: mner, config: { maxPixels: 60000 } }
providers: [echo]
tests:
  - vars: ${JSON.stringify(vars)}
`;
    const run = await promptfooEval({ dir, config, okCodes: 'any' });
    expect(run.output, run.stderr + run.stdout).not.toBeNull();
    const results = run.output.results.results;
    expect(results).toHaveLength(3);
    // what promptfoo stores (and would replay on --resume) as each prompt's text
    for (const p of run.output.results.prompts) expect(p.raw).toBe(pfaPromptText(p.label));
    const byLabel = Object.fromEntries(results.map((r: { prompt: { label: string } }) => [r.prompt.label, r]));
    for (const label of ['joint', 'summary', 'mner']) {
      const r = byLabel[label];
      expect(r.error ?? null).toBeNull();
      const messages = JSON.parse(r.response.output);
      expect(messages).toEqual(
        await buildMessages(label as never, { ...vars, text: vars.text }, label === 'mner' ? { maxPixels: 60000 } : {}),
      );
      // the row records the mode and the image settings as data
      expect(r.prompt.config.mmre).toMatchObject({ mode: label, images: 'ref' });
      expect(r.prompt.config.mmre.image.maxPixels).toBe(label === 'mner' ? 60000 : 1003520);
      // the rendered prompt is small: images travel as references
      expect(r.prompt.raw.length).toBeLessThan(5000);
      // the tweet (asked for by Task 2) reaches the model with its braces untouched
      if (label !== 'summary') expect(r.response.output.includes('Hi {{ nobody }} @ Spurs')).toBe(true);
    }
    // joint and summary refer to the same image with the same settings; mner with its own maxPixels
    const img = (label: string) => JSON.parse(byLabel[label].response.output)[0].content[0].image_url.url;
    expect(img('joint')).toBe(img('summary'));
    expect(parseImageRef(img('mner')).sha256).toBe(parseImageRef(img('joint')).sha256);
    expect(img('mner')).not.toBe(img('joint'));
  }, 120_000);
});
