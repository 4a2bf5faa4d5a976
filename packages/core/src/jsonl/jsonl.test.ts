import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_MAX_LINE_BYTES,
  decodeUtf8,
  describeLineIssues,
  firstInvalidUtf8,
  type JsonLine,
  readJsonLines,
} from './index.js';

async function all(input: Parameters<typeof readJsonLines>[0], maxLineBytes?: number): Promise<JsonLine[]> {
  const out: JsonLine[] = [];
  for await (const l of readJsonLines(input, maxLineBytes === undefined ? {} : { maxLineBytes })) out.push(l);
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

describe('readJsonLines: bad bytes and long lines', () => {
  it('names a byte that is not UTF-8 with its line and column, and reads the lines around it', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"ok"}\n{"t":"caf'),
      Buffer.from([0xe9]), // Latin-1 é
      Buffer.from('"}\n{"t":"é😀'),
      Buffer.from([0xff]),
      Buffer.from('"}\n{"b":2}\n'),
    ]);
    const lines = await all(Readable.from([bytes]));
    expect(lines.map((l) => [l.line, l.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'encoding'],
      [3, 'encoding'],
      [4, 'ok'],
    ]);
    expect(lines[1]?.error).toBe('not UTF-8: byte 0xe9 at column 10 (byte 10 of the line)');
    // the column counts characters (é and 😀 are one each), the byte offset counts bytes
    expect(lines[2]?.error).toMatch(/^not UTF-8: byte 0xff at column 9 \(byte 13 of the line\)/);
    expect(lines[3]?.value).toEqual({ b: 2 });
  });

  it('refuses a line over the limit with its line number, without keeping it, and reads the rest', async () => {
    const big = `{"t":"${'x'.repeat(3000)}"}`;
    const lines = await all(Readable.from([`{"a":1}\n${big}\n{"b":2}\n${big}`]), 1024);
    expect(lines.map((l) => [l.line, l.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'too-long'],
      [3, 'ok'],
      [4, 'too-long'],
    ]);
    expect(lines[1]?.error).toMatch(/^the line is 3008 bytes, over the limit of 1024 bytes for one line/);
    // a line of exactly the limit is read
    const at = `{"t":"${'y'.repeat(1024 - 8)}"}`;
    expect(at.length).toBe(1024);
    expect((await all(Readable.from([`${at}\n`]), 1024))[0]?.value).toEqual({ t: 'y'.repeat(1016) });
  });

  it('skips a 200 MiB line in bounded memory (the default limit is 16 MiB)', async () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(16 * 1024 * 1024);
    const mib = Buffer.alloc(1024 * 1024, 0x78);
    function* source() {
      yield Buffer.from('{"a":1}\n{"t":"');
      for (let i = 0; i < 200; i++) yield mib;
      yield Buffer.from('"}\n{"b":2}\n');
    }
    const before = process.memoryUsage();
    const lines = await all(Readable.from(source()));
    const after = process.memoryUsage();
    expect(lines.map((l) => [l.line, l.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'too-long'],
      [3, 'ok'],
    ]);
    expect(lines[1]?.error).toMatch(
      /^the line is 209715208 bytes \(200\.0 MiB\), over the limit of 16777216 bytes \(16 MiB\)/,
    );
    // nothing of the line is kept: the heap does not grow by anything like its size
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
  });

  it('reads bytes split anywhere across chunks, CRLF and a final line without newline', async () => {
    const text = Buffer.from('\uFEFF{"a":"é"}\r\n{"b":"😀"}\r\n{"c":3}');
    const chunks = [...text].map((b) => Buffer.from([b]));
    expect((await all(Readable.from(chunks))).map((l) => l.value)).toEqual([{ a: 'é' }, { b: '😀' }, { c: 3 }]);
  });
});

describe('decodeUtf8 and firstInvalidUtf8', () => {
  it('drops a BOM and names the first bad byte by line and column', () => {
    expect(decodeUtf8(Buffer.from('\uFEFF{"a":1}'))).toEqual({ ok: true, text: '{"a":1}' });
    const bad = Buffer.concat([Buffer.from('{\n  "name": "x'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n}')]);
    expect(decodeUtf8(bad)).toMatchObject({ ok: false, line: 2, column: 13, byte: 0xc3 });
  });

  it('agrees with the WHATWG decoder on overlong forms, surrogates and truncated sequences', () => {
    const cases = [
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x98],
      [0x41, 0xe2, 0x82, 0xac, 0x42],
    ];
    for (const c of cases) {
      const bytes = Uint8Array.from(c);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(bytes) === -1).toBe(valid);
    }
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
