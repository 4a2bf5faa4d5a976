import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeLineIssues, type JsonLine, readJsonLines } from './index.js';

async function all(input: Parameters<typeof readJsonLines>[0]): Promise<JsonLine[]> {
  const out: JsonLine[] = [];
  for await (const l of readJsonLines(input)) out.push(l);
  return out;
}

describe('readJsonLines', () => {
  it('reads values with their line numbers: BOM dropped, CRLF, blank lines counted but skipped, bad lines named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmre-jsonl-'));
    const file = join(dir, 'a.jsonl');
    await writeFile(file, '\uFEFF{"a":1}\r\n\r\n  \n{"b":"x\\ny"}\nnot json\n[1,2]');
    const lines = await all(file);
    expect(lines.map((l) => [l.line, l.value])).toEqual([
      [1, { a: 1 }],
      [4, { b: 'x\ny' }],
      [5, undefined],
      [6, [1, 2]],
    ]);
    expect(lines[2]?.error).toMatch(/^not valid JSON \(/);
    // a BOM is dropped only before the first line
    expect((await all(Readable.from(['{"a":1}\n\uFEFF{"b":2}\n'])))[1]?.error).toMatch(/not valid JSON/);
  });

  it('reads a stream split anywhere, multi-byte characters included', async () => {
    const text = '{"t":"é😀"}\n{"t":"ü"}\n';
    const bytes = Buffer.from(text, 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const s = Readable.from(chunks).setEncoding('utf8');
    expect((await all(s)).map((l) => l.value)).toEqual([{ t: 'é😀' }, { t: 'ü' }]);
  });

  it('rejects with the stream error for a file that is not there', async () => {
    await expect(all(join(tmpdir(), 'mmre-no-such-dir', 'x.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('describeLineIssues', () => {
  it('names each field of a bad line, and a line that is not an object', () => {
    const schema = z.object({ id: z.string(), mode: z.enum(['joint', 'mner']), n: z.object({ k: z.number() }) });
    const bad = schema.safeParse({ id: 3, mode: 'x', n: { k: 'y' } });
    expect(bad.success).toBe(false);
    const text = describeLineIssues((bad as { error: z.ZodError }).error);
    expect(text.split('; ').map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'field "id"',
      'field "mode"',
      'field "n.k"',
    ]);
    const notObject = schema.safeParse([1]);
    expect(describeLineIssues((notObject as { error: z.ZodError }).error)).toMatch(/^the line is not a JSON object \(/);
  });
});
