// promptfoo 0.123 looks for promptfooconfig.* and redteam.* in the working directory at every start
// (even with -c), and its `.cts` candidates load tsx, whose module hooks then sit in front of every
// module promptfoo imports (the extension hooks and the assertion, once per row). The repository root
// has a promptfooconfig.yaml and a redteam.yaml so the search ends before that. This test checks that a
// run from the root does not load tsx — and, as the control, that a run from a folder without them
// does, so the files can go once promptfoo stops doing it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promptfooEntrypoint, promptfooEnv } from '@mmre-test/promptfoo';
import { repoRoot } from '@mmre-test/shared';
import { describe, expect, it } from 'vitest';

async function debugLogOfRun(cwd: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mmre-startup-'));
  const config = join(dir, 'trivial.yaml');
  writeFileSync(config, 'prompts: ["Say {{x}}"]\nproviders: [echo]\ntests:\n  - vars: { x: one }\n');
  const code = await new Promise<number>((resolve) => {
    execFile(
      process.execPath,
      [
        promptfooEntrypoint,
        'eval',
        '-c',
        config,
        '-o',
        join(dir, 'out.json'),
        '--no-cache',
        '--no-table',
        '--no-progress-bar',
      ],
      // the debug log is what this test reads: on, over the repository .env's `false` (dotenv does not
      // override a variable that is set)
      { cwd, env: promptfooEnv(dir, { PROMPTFOO_DISABLE_DEBUG_LOG: 'false' }), timeout: 120_000 },
      (err) => resolve(err ? 1 : 0),
    );
  });
  expect(code).toBe(0);
  const logs = join(dir, '.logs');
  const file = readdirSync(logs).find((f) => f.startsWith('promptfoo-debug-'));
  expect(file, 'promptfoo wrote no debug log').toBeDefined();
  return readFileSync(join(logs, file as string), 'utf8');
}

describe("promptfoo's start-up from the repository root", () => {
  it('does not load tsx (the root promptfooconfig.yaml and redteam.yaml end the search for default configs)', async () => {
    const log = await debugLogOfRun(repoRoot);
    expect(log).not.toContain('TypeScript module detected');
    expect(log).not.toMatch(/(promptfooconfig|redteam)\.c?ts/);
  });

  it('control: from a folder without them, promptfoo tries redteam.cts and loads tsx', async () => {
    const log = await debugLogOfRun(mkdtempSync(join(tmpdir(), 'mmre-startup-cwd-')));
    expect(log).toMatch(/redteam\.cts/);
    expect(log).toContain('TypeScript module detected');
  });
});
