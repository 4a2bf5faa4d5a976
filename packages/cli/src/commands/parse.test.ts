import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatAnswer } from '@mmre/core';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(pkgDir, 'bin', 'mmre.js');

function mmre(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mmre parse (built CLI)', () => {
  beforeAll(() => {
    // `pnpm test` builds every package before the tests run; by hand: pnpm --filter @mmre/cli... build
    if (!existsSync(join(pkgDir, 'dist', 'bin.js')))
      throw new Error('packages/cli is not built: run `pnpm build` first');
  });

  it('prints one JSON line per input line, and reports a malformed line with its number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmre-parse-'));
    const file = join(dir, 'answers.jsonl');
    const joint = formatAnswer(
      {
        summary: 'Two teams on court.',
        entities: [{ label: 'organization', text: 'Spurs' }],
        pairs: [{ segment: 'a', entity: 'Spurs' }],
      },
      'joint',
    );
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 's1', mode: 'joint', output: joint }),
        '{not json',
        JSON.stringify({ id: 's2', mode: 'summary' }),
        '',
        JSON.stringify({ id: 3, mode: 'mner', output: 'no anchors at all' }),
      ].join('\n'),
    );
    const r = mmre(['parse', '--input', file]);
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      id: 's1',
      summary: 'Two teams on court.',
      entities: [{ label: 'organization', text: 'Spurs' }],
      pairs: [{ segment: 'a', entity: 'Spurs' }],
      compliance: { task1: true, ner: true, pairs: true },
      diagnostics: [],
    });
    expect(lines[1].id).toBe('3');
    expect(lines[1].summary).toBeNull();
    expect(lines[1].diagnostics.map((d: { code: string }) => d.code)).toEqual(['missing-task2-anchor']);
    expect(r.stderr).toContain(`${file}:2: not valid JSON`);
    expect(r.stderr).toContain(`${file}:3: field "output"`);
    expect(r.stderr).toContain('2 malformed line(s) skipped');
  });

  it('reads one answer from stdin', () => {
    const r = mmre(['parse', '--mode', 'summary'], '**Task 1 Answer:** A dog on a beach.\n');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toBe('A dog on a beach.');
    expect(out.compliance.task1).toBe(true);
    expect(out.diagnostics).toEqual([]);
  });

  it('rejects a bad --mode with a clear message', () => {
    const r = mmre(['parse', '--mode', 'both'], 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--mode must be one of joint, summary, mner');
  });

  it('has --help', () => {
    const r = mmre(['parse', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--input <file>');
  });
});

describe('mmre with a closed stdout pipe', () => {
  it('exits quietly when the reader stops early (mmre … | head)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmre-epipe-'));
    const file = join(dir, 'answers.jsonl');
    const line = JSON.stringify({ id: 'x', mode: 'summary', output: 'Task 1 Answer: A dog.' });
    writeFileSync(file, `${Array(20000).fill(line).join('\n')}\n`);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" parse --input "${file}" | head -n 1`], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary).toBe('A dog.');
    expect(r.stderr).not.toContain('EPIPE');
  });
});
