import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import type { Sample } from '@mmre/core';
import type { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../program.js';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-cli-ds-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `mmre …` in-process; returns stdout, stderr and the exit code. */
async function mmre(...args: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  let thrown: Error | undefined;
  try {
    // exitOverride and the output capture on every (sub)command: commander applies a parent's only to
    // subcommands added after it, and an option's InvalidArgumentError is raised by the subcommand.
    const program = buildProgram();
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const c of all(program))
      c.exitOverride().configureOutput({
        writeOut: (s) => {
          stdout += s;
        },
        writeErr: (s) => {
          stderr += s;
        },
      });
    await program.parseAsync(['node', 'mmre', ...args]);
  } catch (err) {
    thrown = err as Error;
  }
  vi.restoreAllMocks();
  const code = thrown ? 1 : (process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, code, error: thrown?.message };
}

/** A solid-colour RGB PNG, written by hand (the CLI package does not depend on sharp). */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function sample(id: string): Sample {
  return {
    id,
    split: 'all',
    text: `Lionel Messi scores for Inter Miami in Fort Lauderdale (${id})`,
    image: { path: `${id}.png` },
    segments: [{ id: 'a', path: `${id}_a.png` }],
    gold: {
      summary: 'A footballer in pink celebrates in front of a crowd.',
      entities: [
        { label: 'person', text: 'Lionel Messi' },
        { label: 'organization', text: 'Inter Miami' },
        { label: 'location', text: 'Fort Lauderdale' },
      ],
      pairs: [{ segment: 'a', entity: 'Lionel Messi' }],
    },
  };
}

describe('mmre dataset (in-process)', () => {
  it('convert jsonl → validate → split → stats → export → convert mmre-llava round trip', async () => {
    const src = join(dir, 'src');
    await mkdir(src, { recursive: true });
    const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
    for (const id of ids) {
      await writeFile(join(src, `${id}.png`), png(32, 24, [170, 51, 51]));
      await writeFile(join(src, `${id}_a.png`), png(8, 8, [51, 170, 51]));
    }
    const input = join(src, 'records.jsonl');
    await writeFile(input, `${ids.map((id) => JSON.stringify(sample(id))).join('\n')}\n{broken\n`);
    const ds = join(dir, 'ds');

    const conv = await mmre('dataset', 'convert', '--from', 'jsonl', '--input', input, '--out', ds, '--license', 'MIT');
    expect(conv.code).toBe(1); // the broken line is an error; the rest is written
    expect(conv.stdout).toContain('wrote 10 samples');
    expect(conv.stderr).toMatch(/records\.jsonl:11: not valid JSON/);
    expect(conv.stderr).toMatch(/1\s+error json/);
    expect(conv.stderr).toContain('records: 11'); // plain line count (not a TTY)

    const val = await mmre('dataset', 'validate', ds);
    expect(val).toMatchObject({ code: 0 });
    expect(val.stdout).toMatch(/10 valid sample\(s\) of 10 line\(s\); 0 error\(s\), 0 warning\(s\) — OK/);

    const sp = await mmre('dataset', 'split', ds, '--ratio', '7:3', '--seed', '42');
    expect(sp.stdout).toContain('train 7, test 3');

    const st = await mmre('dataset', 'stats', ds, '--json');
    const stats = JSON.parse(st.stdout);
    expect(stats.total.samples).toBe(10);
    expect(stats.total.entities).toEqual({ person: 10, organization: 10, location: 10, other: 0 });
    expect(Object.keys(stats.splits)).toEqual(['train', 'test']);
    expect((await mmre('dataset', 'stats', ds)).stdout).toMatch(/samples\s+7\s+3\s+10/);

    const file = join(dir, 'train.json');
    const ex = await mmre(
      'dataset',
      'export',
      ds,
      '--to',
      'llava',
      '--mode',
      'joint',
      '--split',
      'train',
      '--out',
      file,
    );
    expect(ex.code).toBe(0);
    expect(ex.stdout).toContain('wrote 7 joint record(s)');
    const back = join(dir, 'back');
    const cv = await mmre('dataset', 'convert', '--from', 'mmre-llava', '--input', file, '--images', ds, '--out', back);
    expect(cv.stderr).toBe('records: 7/7\n');
    expect(cv.code).toBe(0);
    const orig = (await readFile(join(ds, 'samples.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((s) => s.split === 'train');
    const round = (await readFile(join(back, 'samples.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(round).toEqual(orig);
    expect((await mmre('dataset', 'validate', back)).code).toBe(0);
  });

  it('validate exits 1 with a summary by code', async () => {
    const ds = join(dir, 'broken');
    await mkdir(ds, { recursive: true });
    await writeFile(
      join(ds, 'dataset.json'),
      JSON.stringify({ name: 'b', version: '1', license: 'MIT', splits: { test: 3 } }),
    );
    const s = sample('x');
    const lines = [
      { ...s, split: 'test', image: { path: '/etc/passwd' } },
      { ...s, id: 'y', split: 'test', image: { path: '../up.png' } },
      { ...s, id: 'y', split: 'test', gold: { ...s.gold, pairs: [{ segment: 'q', entity: 'Nobody' }] } },
    ];
    await writeFile(join(ds, 'samples.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const r = await mmre('dataset', 'validate', ds, '--no-images');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\s+2\s+error unsafe-path$/m);
    expect(r.stderr).toMatch(/^\s+1\s+error duplicate-id$/m);
    expect(r.stderr).toMatch(/^\s+1\s+error unknown-segment$/m);
    expect(r.stderr).toMatch(/^\s+1\s+warning pair-entity-not-in-entities$/m);
    expect(r.stdout).toMatch(/4 error\(s\), 1 warning\(s\)/);
    const json = JSON.parse((await mmre('dataset', 'validate', ds, '--no-images', '--json')).stdout);
    expect(json.byCode).toMatchObject({ 'unsafe-path': 2, 'duplicate-id': 1 });
  });

  it('convert --from gmner and stats --from gmner --json', async () => {
    const root = join(dir, 'gmner');
    await mkdir(join(root, 'txt'), { recursive: true });
    await mkdir(join(root, 'xml'), { recursive: true });
    const tweet = (id: string, toks: [string, string][]) =>
      `IMGID:${id}\n${toks.map(([t, g]) => `${t}\t${g}`).join('\n')}\n\n`;
    await writeFile(
      join(root, 'txt', 'train.txt'),
      tweet('1', [
        ['Messi', 'B-PER'],
        ['joins', 'O'],
        ['Inter', 'B-ORG'],
        ['Miami', 'I-ORG'],
      ]) + tweet('2', [['Paris', 'B-LOC']]),
    );
    await writeFile(join(root, 'txt', 'dev.txt'), tweet('3', [['Oscars', 'B-OTHER']]));
    await writeFile(join(root, 'txt', 'test.txt'), tweet('4', [['hello', 'O']]));
    await writeFile(
      join(root, 'xml', '1.xml'),
      '<annotation><size><width>100</width><height>80</height><depth>3</depth></size>' +
        '<object><name>Lionel Messi</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>40</xmax><ymax>60</ymax></bndbox></object>' +
        '</annotation>',
    );
    const out = join(dir, 'gmner-out');
    const c = await mmre('dataset', 'convert', '--from', 'gmner', '--root', root, '--no-images', '--out', out);
    expect(c.stdout).toContain('wrote 4 samples');
    expect(c.stdout).toMatch(/ladder: exact 0, compact 0, levenshtein 0, fallback 1|ladder: exact \d+/);
    const st = JSON.parse((await mmre('dataset', 'stats', '--from', 'gmner', '--root', root, '--json')).stdout);
    expect(Object.keys(st.splits)).toEqual(['train', 'dev', 'test']);
    expect(st.total).toMatchObject({ samples: 4, tokens: 7, samplesWithSegments: 1, segments: 1 });
    expect(st.total.entities).toEqual({ person: 1, organization: 1, location: 1, other: 1 });
    const noImages = await mmre('dataset', 'validate', out);
    expect(noImages.code).toBe(1);
    expect(noImages.stderr).toMatch(/hint: .*--no-images/);
    expect((await mmre('dataset', 'validate', out, '--no-images')).code).toBe(0);
  });

  it('rejects bad arguments with a message', async () => {
    expect((await mmre('dataset', 'convert', '--from', 'csv', '--out', 'x')).error).toMatch(/--from must be one of/);
    expect((await mmre('dataset', 'convert', '--from', 'mmre-llava', '--input', 'a.json', '--out', 'x')).error).toMatch(
      /needs --images/,
    );
    expect((await mmre('dataset', 'export', dir, '--mode', 'both', '--out', 'x')).error).toMatch(
      /--mode must be one of/,
    );
    expect((await mmre('dataset', 'split', dir, '--seed', 'abc')).error).toMatch(/whole number/);
  });
});

describe('mmre dataset: bad bytes, bad paths and bad arguments (issue 12)', () => {
  async function folder(name: string, lines: (Sample | Buffer)[], splits: Record<string, number>) {
    const ds = join(dir, name);
    await mkdir(ds, { recursive: true });
    await writeFile(join(ds, 'dataset.json'), JSON.stringify({ name, version: '1', license: 'MIT', splits }));
    await writeFile(
      join(ds, 'samples.jsonl'),
      Buffer.concat(lines.flatMap((l) => [Buffer.isBuffer(l) ? l : Buffer.from(JSON.stringify(l)), Buffer.from('\n')])),
    );
    return ds;
  }

  it('split --ratio abc is a one-line message, not zod JSON; a misspelt option value never prints JSON', async () => {
    const r = await mmre('dataset', 'split', dir, '--ratio', 'abc');
    expect(r.code).toBe(1);
    expect(r.error ?? '').toMatch(
      /--ratio.*must be two or more numbers separated by ":", e.g. 7:3 or 8:1:1, got "abc"/,
    );
    expect(`${r.stderr}${r.error}`).not.toMatch(/"code":|"origin"|\[\s*\{/);
  });

  it('a zod error that reaches the top of mmre is worded, never printed as JSON', async () => {
    const { describeError } = await import('../io.js');
    const { z } = await import('zod');
    const e = z
      .object({ ratio: z.string().regex(/^\d+:\d+$/, { message: 'ratio must look like 7:3' }) })
      .safeParse({ ratio: 'abc' });
    expect(describeError((e as { error: Error }).error)).toBe('invalid input: field "ratio": ratio must look like 7:3');
    expect(describeError(new Error('plain'))).toBe('plain');
  });

  it('validate: a missing or invalid manifest is one line naming the file; BOM accepted; says what it did not check', async () => {
    const none = await mmre('dataset', 'validate', join(dir, 'no-such-dataset'), '--no-images');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error \[manifest\] .*no-such-dataset\/dataset\.json: not found/);
    expect(none.stderr).not.toMatch(/\n\s+at /);
    const s = sample('bom');
    const ds = await folder('bom', [s], { all: 1 });
    await writeFile(
      join(ds, 'dataset.json'),
      `\uFEFF${JSON.stringify({ name: 'bom', version: '1', license: 'MIT', splits: { all: 1 } })}`,
    );
    const ok = await mmre('dataset', 'validate', ds, '--no-images');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/0 error\(s\).*— OK\nimages: NOT checked \(--no-images\)/);
    await writeFile(join(ds, 'dataset.json'), '{"name": 1}');
    const bad = await mmre('dataset', 'validate', ds, '--no-images');
    expect(bad.stderr).toMatch(/dataset\.json: invalid manifest: name: .*fix: make `name` a string/);
  });

  it('validate decodes images by default: a truncated PNG fails; --header-only passes and says what it skipped', async () => {
    const s = sample('cut');
    const ds = await folder('cut', [s], { all: 1 });
    const whole = png(64, 64, [10, 200, 30]);
    await writeFile(join(ds, 'cut.png'), whole.subarray(0, whole.length - 40)); // IDAT and IEND cut
    await writeFile(join(ds, 'cut_a.png'), png(8, 8, [1, 2, 3]));
    const full = await mmre('dataset', 'validate', ds);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(
      /error \[undecodable-image\] .*samples\.jsonl:1: sample "cut": image\.path "cut\.png" does not decode/,
    );
    expect(full.stdout).toMatch(/images: .*every pixel decoded/);
    const header = await mmre('dataset', 'validate', ds, '--header-only');
    expect(header.code).toBe(0);
    expect(header.stdout).toMatch(/images: headers only \(--header-only\): the pixels were NOT decoded/);
  });

  it('validate names a non-UTF-8 byte by line and column and a line over 1 MiB by its line; the other lines are checked', async () => {
    const a = sample('a');
    const latin1 = Buffer.from(JSON.stringify({ ...sample('b'), text: 'Caf~ in Paris' }));
    latin1[latin1.indexOf('~')] = 0xe9;
    const long = Buffer.from(JSON.stringify({ ...sample('c'), text: 'x'.repeat(2 * 1024 * 1024) }));
    const ds = await folder('bytes', [a, latin1, long, sample('d')], { all: 2 });
    const r = await mmre('dataset', 'validate', ds, '--no-images');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error \[encoding\] .*samples\.jsonl:2: not UTF-8: byte 0xe9 at column \d+/);
    expect(r.stderr).toMatch(
      /error \[line-too-long\] .*samples\.jsonl:3: the line is \d+ bytes \(2\.0 MiB\), over the limit of 1048576 bytes/,
    );
    expect(r.stdout).toMatch(/2 valid sample\(s\) of 4 line\(s\); 2 error\(s\)/);
  });

  it('export of a folder that is not a dataset, or to an --out that cannot be made, is one line and leaves no file', async () => {
    // in a child process: the old failure was an unhandled stream error that killed the process with a stack trace
    const bin = join(pkgDir, 'dist', 'bin.js');
    if (!existsSync(bin)) return;
    const out = join(dir, 'never.json');
    const r = spawnSync(
      process.execPath,
      [bin, 'dataset', 'export', join(dir, 'no-such-dataset'), '--mode', 'joint', '--out', out],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^mmre: .*no-such-dataset\/samples\.jsonl: not found; a dataset folder holds dataset\.json and samples\.jsonl/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at |ERR_STREAM/);
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const sample = join(pkgDir, '..', '..', 'datasets', 'mmre-sample');
    const bad = await mmre('dataset', 'export', sample, '--mode', 'joint', '--out', join(file, 'sub', 'x.json'));
    expect(bad.error ?? '').toMatch(
      /a-file\/sub\/x\.json: cannot create its folder \(ENOTDIR.*\); fix: choose another --out/,
    );
  });

  it('export refuses ../../etc/passwd paths and records validate rejects: not written, exit 1, the rest exported', async () => {
    const ok = sample('ok');
    const outside = { ...sample('esc'), image: { path: '../../etc/passwd' } };
    const dup = sample('ok');
    const ds = await folder('export-bad', [ok, outside, dup], { all: 3 });
    const out = join(dir, 'export-bad.json');
    const r = await mmre('dataset', 'export', ds, '--mode', 'mner', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error \[unsafe-path\] .*samples\.jsonl:2: sample "esc": image\.path "\.\.\/\.\.\/etc\/passwd" escapes/,
    );
    expect(r.stderr).toMatch(/error \[duplicate-id\] .*samples\.jsonl:3: id "ok" was already used on line 1/);
    expect(r.stdout).toMatch(/wrote 1 mner record\(s\) .*\(2 skipped\)/);
    const written = await readFile(out, 'utf8');
    expect(written).not.toContain('etc/passwd');
    expect(JSON.parse(written)).toHaveLength(1);
  });
});

describe('mmre --help stays light (built CLI)', () => {
  const bin = join(pkgDir, 'dist', 'bin.js');
  it.skipIf(!existsSync(bin))('does not load @mmre/dataset, sharp or cli-progress', () => {
    // Load the program, render the help, and list the CommonJS modules Node loaded (sharp is CJS).
    const code = `
      const { buildProgram } = await import(${JSON.stringify(join(pkgDir, 'dist', 'program.js'))});
      const p = buildProgram();
      p.helpInformation();
      p.commands.find((c) => c.name() === 'dataset').helpInformation();
      const { createRequire } = await import('node:module');
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(cache.filter((k) => /sharp|cli-progress|@mmre[\\/]dataset|packages[\\/]dataset/.test(k))));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
    // And the same check proves something: importing @mmre/dataset's validate path does load sharp.
    const withSharp = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import('sharp'); const { createRequire } = await import('node:module'); console.log(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('sharp')));`,
      ],
      { encoding: 'utf8', cwd: join(pkgDir, '..', 'dataset') },
    );
    expect(withSharp.stdout.trim()).toBe('true');
  });
});
