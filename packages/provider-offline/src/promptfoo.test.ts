// A real `promptfoo eval` loading both providers the ways users do: `package:` and `file://`.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promptfooEval, requireDist } from '@mmre-test/promptfoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, makeFixture, varsOf } from './__fixtures__/dataset.js';

const require = createRequire(import.meta.url);
const pkgRoot = resolve(__dirname, '..');
let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});

describe('promptfoo eval', () => {
  it('runs BaselineProvider (package: and file://) and ReplayProvider behind the PFA prompts', async () => {
    const baselineJs = requireDist(join(pkgRoot, 'dist', 'baseline.js'), '@mmre/provider-offline');
    const replayJs = requireDist(join(pkgRoot, 'dist', 'replay.js'), '@mmre/provider-offline');
    requireDist(join(pkgRoot, 'dist', 'index.js'), '@mmre/provider-offline');
    const pfa = requireDist(join(dirname(require.resolve('@mmre/pfa/package.json')), 'dist', 'index.js'), '@mmre/pfa');
    const dir = await mkdtemp(join(tmpdir(), 'mmre-offline-eval-'));
    // As after `npm install @mmre/provider-offline` in the config's folder.
    await mkdir(join(dir, 'node_modules', '@mmre'), { recursive: true });
    await symlink(pkgRoot, join(dir, 'node_modules', '@mmre', 'provider-offline'), 'dir');
    await writeFile(
      join(dir, 'preds.jsonl'),
      `${['joint', 'summary', 'mner'].map((mode) => JSON.stringify({ id: 'x1', mode, output: `saved ${mode}` })).join('\n')}\n${JSON.stringify({ id: 'x2', mode: 'joint', output: 'saved x2' })}\n`,
    );
    const config = `
prompts:
  - { id: "file://${pfa}:joint", label: joint }
  - { id: "file://${pfa}:summary", label: summary }
  - { id: "file://${pfa}:mner", label: mner }
providers:
  - id: package:@mmre/provider-offline:BaselineProvider
    label: pkg
    config: { dataset: "${fx.root}" }
  - id: file://${baselineJs}
    label: file
  - id: file://${replayJs}
    label: replay
    config: { path: preds.jsonl }
tests:
  - vars: ${JSON.stringify(varsOf(fx, 'x1'))}
  - vars: ${JSON.stringify(varsOf(fx, 'x2'))}
`;
    const run = await promptfooEval({ dir, config, okCodes: 'any' });
    expect(run.output, `${run.stderr}\n${run.stdout}`).not.toBeNull();
    // biome-ignore lint/suspicious/noExplicitAny: promptfoo's result rows
    const rows: any[] = run.output.results.results;
    expect(rows).toHaveLength(18);
    const get = (provider: string, prompt: string, id: string) =>
      rows.find((r) => r.provider.label === provider && r.prompt.label === prompt && r.vars.id === id);
    for (const id of ['x1', 'x2']) {
      for (const prompt of ['joint', 'summary', 'mner']) {
        const pkg = get('pkg', prompt, id);
        const file = get('file', prompt, id);
        expect(pkg.error ?? null, pkg.error).toBeNull();
        expect(pkg.response.output).toBe(file.response.output);
        expect(pkg.response.metadata.mode).toBe(prompt);
      }
      expect(get('pkg', 'joint', id).response.output).toBe(
        `${get('pkg', 'summary', id).response.output}\n${get('pkg', 'mner', id).response.output}`,
      );
    }
    expect(get('pkg', 'mner', 'x1').response.output).toContain("{'a': 'Kawhi Leonard', 'b': 'Barack Obama'}");
    expect(get('replay', 'summary', 'x1').response.output).toBe('saved summary');
    expect(get('replay', 'joint', 'x2').response.output).toBe('saved x2');
    const missing = get('replay', 'mner', 'x2');
    expect(JSON.stringify(missing.error ?? missing.response?.error)).toContain(
      'no prediction for id \\"x2\\" mode mner in',
    );
  }, 120_000);

  it('fails at load with a clear message for a wrong provider option', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmre-offline-bad-'));
    await mkdir(join(dir, 'node_modules', '@mmre'), { recursive: true });
    await symlink(pkgRoot, join(dir, 'node_modules', '@mmre', 'provider-offline'), 'dir');
    const run = await promptfooEval({
      dir,
      okCodes: 'any',
      config: `prompts: ["Task 1 Answer: {{text}}"]
providers:
  - id: package:@mmre/provider-offline:BaselineProvider
    config: { datasett: x }
tests:
  - vars: { id: "1", text: hi, image: /x.png }
`,
    });
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}\n${run.stderr}`).toContain('unknown option config.datasett');
  }, 120_000);
});

describe('a bad provider config under promptfoo eval', () => {
  it('is one message naming the provider, the option and the fix, exit 1, no stack trace; elsewhere a ProviderConfigError', async () => {
    const baselineJs = requireDist(join(pkgRoot, 'dist', 'baseline.js'), '@mmre/provider-offline');
    const replayJs = requireDist(join(pkgRoot, 'dist', 'replay.js'), '@mmre/provider-offline');
    for (const [name, provider, want] of [
      [
        'mode',
        `file://${baselineJs}`,
        /BaselineProvider: invalid provider config: config\.mode: must be one of joint, summary, mner/,
      ],
      [
        'path',
        `file://${replayJs}`,
        /ReplayProvider: config\.path: predictions file .*nope\.jsonl does not exist; fix: /,
      ],
    ] as const) {
      const dir = await mkdtemp(join(tmpdir(), `mmre-offline-badcfg-${name}-`));
      const config = name === 'mode' ? '{ mode: both }' : '{ path: nope.jsonl }';
      const r = await promptfooEval({
        dir,
        config: `prompts: ['{{x}}']\nproviders:\n  - id: "${provider}"\n    config: ${config}\ntests:\n  - vars: { x: one }\n`,
        okCodes: 'any',
      });
      const text = `${r.stdout}\n${r.stderr}`;
      expect(r.code, text).toBe(1);
      expect(text).toMatch(want);
      expect(text).not.toMatch(/^\s+at /m);
      expect(r.output).toBeNull();
    }
    // not promptfoo's CLI (this test process): thrown, for the caller to handle
    const [{ BaselineProvider }, { ProviderConfigError }] = await Promise.all([
      import('./index.js'),
      import('@mmre/provider-transport'),
    ]);
    expect(() => new BaselineProvider({ config: { mode: 'both' } as never })).toThrow(ProviderConfigError);
  }, 120_000);
});
