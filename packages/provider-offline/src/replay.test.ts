import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReplayProvider, readPredictions } from './replay.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-replay-'));
  file = join(dir, 'preds.jsonl');
  await writeFile(
    file,
    [
      JSON.stringify({
        id: 's1',
        mode: 'joint',
        output: 'Task 1 Answer: A.\nTask 2 Answer: NER: :person;Bo image-entity pair: {}',
      }),
      JSON.stringify({ id: 's1', mode: 'summary', output: 'Task 1 Answer: A.', model: 'qwen' }),
      '{"id": "s2", "mode": "mner", "output": 3}',
      'not json',
      '',
      JSON.stringify({ id: 42, mode: 'mner', output: 'Task 2 Answer: NER: image-entity pair: {}' }),
      JSON.stringify({ id: 's3', mode: 'joint', output: 'first' }),
      JSON.stringify({ id: 's3', mode: 'joint', output: 'second' }),
      JSON.stringify({ id: 's1', mode: 'summary', output: 'Task 1 Answer: A.' }),
      JSON.stringify({ id: 's4', mode: 'both', output: 'x' }),
    ].join('\n'),
  );
});

describe('readPredictions', () => {
  it('validates each line with file:line errors and keeps the good ones', async () => {
    const p = await readPredictions(file);
    expect(p.entries.size).toBe(4);
    expect(p.issues.map((i) => `${i.line}: ${i.message}`)).toEqual([
      '3: field "output": must be a string (the raw model answer)',
      expect.stringMatching(/^4: not valid JSON/),
      '10: field "mode": must be one of joint, summary, mner',
    ]);
    expect([...p.conflicts.values()]).toEqual([[7, 8]]);
  });
});

describe('ReplayProvider', () => {
  it('answers by (vars.id, mode) with the saved output', async () => {
    const p = new ReplayProvider({ config: { path: file } });
    const r = await p.callApi('Task 1 Answer: ... Task 2 Answer: ...', { vars: { id: 's1', mode: 'joint' } });
    expect(r.output).toBe('Task 1 Answer: A.\nTask 2 Answer: NER: :person;Bo image-entity pair: {}');
    expect(r.metadata).toEqual({ mode: 'joint', source: `${file}:1` });
    expect((await p.callApi('x', { vars: { id: 's1', mode: 'summary' } })).output).toBe('Task 1 Answer: A.');
    expect((await p.callApi('Task 2 Answer:', { vars: { id: 42, mode: 'mner' } })).output).toBe(
      'Task 2 Answer: NER: image-entity pair: {}',
    );
  });

  it('reports a missing id/mode, naming the id, mode and file, and the skipped lines', async () => {
    const p = new ReplayProvider({ config: { path: file, mode: 'mner' } });
    const r = await p.callApi('whatever', { vars: { id: 's1' } });
    expect(r.error).toContain(`no prediction for id "s1" mode mner in ${file}`);
    expect(r.error).toContain(`3 invalid lines skipped, first ${file}:3`);
    const c = await new ReplayProvider({ config: { path: file } }).callApi('x', { vars: { id: 's3', mode: 'joint' } });
    expect(c.error).toContain(`different outputs at ${file}:7, ${file}:8`);
    expect((await p.callApi('x', { vars: {} })).error).toMatch(/no vars\.id/);
    // the prompt text is never searched for the mode: only config.mode and vars.mode count
    expect(
      (await new ReplayProvider({ config: { path: file } }).callApi('Task 1 Answer:', { vars: { id: 's1' } })).error,
    ).toMatch(/cannot tell the mode/);
  });

  it('reads a file once per process', async () => {
    const f = join(dir, 'once.jsonl');
    await writeFile(f, `${JSON.stringify({ id: 'a', mode: 'summary', output: 'one' })}\n`);
    const p = new ReplayProvider({ config: { path: f, mode: 'summary' } });
    expect((await p.callApi('', { vars: { id: 'a' } })).output).toBe('one');
    await appendFile(f, `${JSON.stringify({ id: 'b', mode: 'summary', output: 'two' })}\n`);
    expect(
      (await new ReplayProvider({ config: { path: f, mode: 'summary' } }).callApi('', { vars: { id: 'b' } })).error,
    ).toMatch(/no prediction for id "b"/);
  });

  it('validates its config at load, naming the option', () => {
    expect(() => new ReplayProvider({ config: {} as never })).toThrow(/config\.path: is required/);
    expect(() => new ReplayProvider({ config: { path: file, file } as never })).toThrow(
      /unknown option config\.file \(known options: path, mode\)/,
    );
    expect(() => new ReplayProvider({ config: { path: join(dir, 'nope.jsonl') } })).toThrow(
      /predictions file .*nope\.jsonl does not exist/,
    );
    expect(() => new ReplayProvider({ config: { path: 'preds.jsonl', basePath: dir } as never })).not.toThrow();
  });
});
