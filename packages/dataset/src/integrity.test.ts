// Issue 12, parts 2 and 3: every path that reads a dataset (validate, loadDataset — so the test generator,
// the baseline and the k-shot examples —, the generator itself and exportLlava) applies the same record
// checks, refuses paths that leave the dataset (symbolic links included), and names bad bytes.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@mmre/core';
import { syntheticSample } from '@mmre/core/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { exportLlava } from './export.js';
import { buildTests } from './generator.js';
import { loadDataset, MAX_SAMPLE_LINE_BYTES, readManifest, SAMPLES_FILE } from './store.js';
import { validate } from './validate.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mmre-integrity-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const MANIFEST = { name: 'x', version: '1', license: 'MIT', labels: ['person', 'organization', 'location', 'other'] };

/** A dataset folder from raw samples.jsonl content (lines or bytes), with a manifest of the given splits. */
async function folder(name: string, lines: (Sample | string)[] | Buffer, splits: Record<string, number> = { test: 3 }) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'dataset.json'), JSON.stringify({ ...MANIFEST, splits }));
  const body = Buffer.isBuffer(lines)
    ? lines
    : `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
  await writeFile(join(dir, SAMPLES_FILE), body);
  return dir;
}

const good = (id: string, split = 'test') => syntheticSample(id, split, 2);

/** One bad record of each kind `validate` rejects, and the code it reports. */
const BAD: { kind: string; code: string; field: string; sample: () => Sample }[] = [
  { kind: 'duplicate id', code: 'duplicate-id', field: 'id', sample: () => good('g1') },
  {
    kind: 'segment letters out of order',
    code: 'segment-order',
    field: 'segments.0.id',
    sample: () => {
      const s = good('bad');
      s.segments = [{ ...(s.segments[1] as Sample['segments'][0]) }, { ...(s.segments[0] as Sample['segments'][0]) }];
      return s;
    },
  },
  {
    kind: 'pair naming an unknown segment',
    code: 'unknown-segment',
    field: 'gold.pairs.2.segment',
    sample: () => {
      const s = good('bad');
      s.gold.pairs.push({ segment: 'q', entity: 'Spurs' });
      return s;
    },
  },
  {
    kind: 'inverted box',
    code: 'degenerate-box',
    field: 'segments.1.box',
    sample: () => {
      const s = good('bad');
      (s.segments[1] as Sample['segments'][0]).box = { xmin: 50, ymin: 60, xmax: 10, ymax: 0 };
      return s;
    },
  },
  {
    kind: 'path leaving the dataset with ..',
    code: 'unsafe-path',
    field: 'image.path',
    sample: () => ({ ...good('bad'), image: { path: '../../etc/passwd' } }),
  },
  {
    kind: 'absolute path',
    code: 'unsafe-path',
    field: 'segments.0.path',
    sample: () => {
      const s = good('bad');
      (s.segments[0] as Sample['segments'][0]).path = '/etc/passwd';
      return s;
    },
  },
];

describe('one validation for every path', () => {
  for (const bad of BAD) {
    it(`${bad.kind}: validate, loadDataset, the generator and export all reject line 2, the others go on`, async () => {
      const dir = await folder(bad.code + bad.field.replace(/\W/g, ''), [good('g1'), bad.sample(), good('g3')]);
      const file = join(dir, SAMPLES_FILE);
      const v = await validate(dir, { checkImages: false });
      const err = v.diagnostics.find((d) => d.severity === 'error');
      expect(err).toMatchObject({ code: bad.code, file, line: 2, field: bad.field });

      const loaded = await loadDataset(dir);
      expect(loaded.samples.map((s) => s.id)).toEqual(['g1', 'g3']);
      expect(loaded.issues.find((d) => d.code === bad.code)).toMatchObject({ file, line: 2, field: bad.field });
      expect(loaded.skipped).toBe(1);

      const gen = await buildTests({ dataset: dir }, {}, []);
      expect(gen.tests.map((t) => t.description)).toEqual(['g1', 'g3']);
      expect(gen.issues.find((d) => d.code === bad.code)?.message).toMatch(new RegExp(`^${file}:2: `));
      expect(gen.skipped).toBe(1);

      const out = join(dir, 'train.json');
      const x = await exportLlava(dir, { mode: 'mner', out });
      expect(x.records).toBe(2);
      expect(x.skipped).toBe(1);
      expect(x.diagnostics.find((d) => d.code === bad.code)).toMatchObject({ line: 2 });
      const written = await readFile(out, 'utf8');
      expect(JSON.parse(written).map((r: { id: string }) => r.id)).toEqual(['g1', 'g3']);
      expect(written).not.toContain('/etc/passwd');
    });
  }

  it('a repeated id keeps the first record, even when the repeat is in the selected split', async () => {
    const dir = await folder('dup-split', [good('a', 'train'), good('b'), good('a')], { train: 1, test: 2 });
    const gen = await buildTests({ dataset: dir, split: 'test' }, {}, []);
    expect(gen.tests.map((t) => t.description)).toEqual(['b']);
    expect(gen.issues.map((d) => [d.code, d.line])).toEqual([['duplicate-id', 3]]);
    // a bad record outside the selection is not reported (nothing of it is read), validate lists it
    const train = await buildTests({ dataset: dir, split: 'train' }, {}, []);
    expect(train.issues).toEqual([]);
  });
});

describe('symbolic links cannot leave the dataset', () => {
  it('an image linked to a file outside, and a linked images folder, are refused by every path; links inside are fine', async () => {
    const outside = join(root, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.jpg'), 'not for the model');
    const inside = good('in');
    const linkedFile = { ...good('lf'), image: { path: 'images/lf.jpg' } };
    const linkedDir = { ...good('ld'), image: { path: 'linked/secret.jpg' } };
    const dir = await folder('links', [inside, linkedFile, linkedDir]);
    await mkdir(join(dir, 'images', 'segments'), { recursive: true });
    await writeFile(join(dir, 'images', 'real.jpg'), 'x');
    await symlink(join(dir, 'images', 'real.jpg'), join(dir, 'images', 'in.jpg')); // inside: allowed
    await symlink(join(outside, 'secret.jpg'), join(dir, 'images', 'lf.jpg'));
    await symlink(outside, join(dir, 'linked'));

    const v = await validate(dir, { checkImages: false });
    expect(v.diagnostics.filter((d) => d.code === 'path-escapes').map((d) => [d.line, d.field])).toEqual([
      [2, 'image.path'],
      [3, 'image.path'],
    ]);
    expect(v.diagnostics.find((d) => d.code === 'path-escapes')?.message).toMatch(
      /leads through a symbolic link to .*outside.*secret\.jpg, outside the dataset folder/,
    );
    const gen = await buildTests({ dataset: dir }, {}, []);
    expect(gen.tests.map((t) => t.description)).toEqual(['in']);
    const x = await exportLlava(dir, { mode: 'mner', out: join(root, 'links.json') });
    expect(x.records).toBe(1);
    expect(await readFile(join(root, 'links.json'), 'utf8')).not.toMatch(/secret|linked/);
  });
});

describe('converting copies no file from outside the source folder', () => {
  it('convert --from jsonl refuses an image that is a symbolic link out of --images; the other records are copied', async () => {
    const src = join(root, 'convert-src');
    await mkdir(join(src, 'images', 'segments'), { recursive: true });
    const secret = join(root, 'convert-secret.txt');
    await writeFile(secret, 'SECRET');
    await symlink(secret, join(src, 'images', 'evil.jpg'));
    const ok = { ...good('ok'), segments: [], gold: { ...good('ok').gold, pairs: [] } };
    const evil = { ...ok, id: 'evil', image: { path: 'images/evil.jpg' } };
    await writeFile(join(src, 'images', 'ok.jpg'), 'jpeg bytes');
    await writeFile(join(src, 'in.jsonl'), `${JSON.stringify(ok)}\n${JSON.stringify(evil)}\n`);
    const out = join(root, 'convert-out');
    const { convertJsonl } = await import('./adapters/jsonl.js');
    const r = await convertJsonl({ input: join(src, 'in.jsonl'), out, images: src });
    expect(r.written).toBe(1);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['unsafe-path', 2]]);
    expect(r.diagnostics[0]?.message).toMatch(/leads through a symbolic link to .*convert-secret\.txt/);
    await expect(readFile(join(out, 'images', 'evil.jpg'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('bad bytes get named', () => {
  it('a BOM is accepted in dataset.json and samples.jsonl', async () => {
    const dir = await folder(
      'bom',
      Buffer.from(`\uFEFF${JSON.stringify(good('b1'))}\n${JSON.stringify(good('b2'))}\n`),
    );
    await writeFile(join(dir, 'dataset.json'), `\uFEFF${JSON.stringify({ ...MANIFEST, splits: { test: 2 } })}`);
    expect((await readManifest(dir)).name).toBe('x');
    const v = await validate(dir, { checkImages: false });
    expect(v.diagnostics).toEqual([]);
    expect((await buildTests({ dataset: dir }, {}, [])).tests).toHaveLength(2);
  });

  it('the converters: a BOM in a LLaVA JSON file is accepted; a non-UTF-8 byte in GMNER CoNLL text is named by line and column', async () => {
    const { convertLlava } = await import('./adapters/llava.js');
    const { convertGmner } = await import('./gmner/convert.js');
    const src = join(root, 'llava-bom');
    await mkdir(src, { recursive: true });
    const record = {
      id: 'm1',
      image: ['m1.jpg'],
      conversations: [
        { from: 'human', value: '<image>\nText: Paris in spring' },
        { from: 'gpt', value: 'Task 2 Answer: NER: :location;Paris image-entity pair: {}' },
      ],
    };
    await writeFile(join(src, 'test.json'), `\uFEFF${JSON.stringify([record])}`);
    const llava = await convertLlava({ input: join(src, 'test.json'), images: null, out: join(root, 'llava-bom-out') });
    expect(llava.written).toBe(1);
    expect(llava.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

    const gmner = join(root, 'gmner-latin1');
    await mkdir(join(gmner, 'txt'), { recursive: true });
    await mkdir(join(gmner, 'xml'), { recursive: true });
    const conll = Buffer.concat([
      Buffer.from('IMGID:1\nParis\tB-LOC\n\nIMGID:2\nCaf'),
      Buffer.from([0xe9]),
      Buffer.from('\tB-ORG\nin\tO\n\n'),
    ]);
    await writeFile(join(gmner, 'txt', 'test.txt'), conll);
    const r = await convertGmner({ root: gmner, out: join(root, 'gmner-latin1-out') });
    const enc = r.diagnostics.find((d) => d.code === 'encoding');
    expect(enc).toMatchObject({ severity: 'error', line: 5 });
    expect(enc?.message).toMatch(
      /test\.txt:5: not UTF-8: byte 0xe9 at line 5, column 4; .*fix: re-save the file as UTF-8/,
    );
    expect(r.written).toBe(2); // the rest goes on
  });

  it('bytes that are not UTF-8 are named by line and column, in samples.jsonl and dataset.json', async () => {
    const line2 = Buffer.from(JSON.stringify({ ...good('l2'), text: 'Caf\u0000' }).replace('\\u0000', 'X'));
    const at = line2.indexOf('CafX');
    line2[at + 3] = 0xe9; // Latin-1 é
    const dir = await folder(
      'latin1',
      Buffer.concat([
        Buffer.from(`${JSON.stringify(good('l1'))}\n`),
        line2,
        Buffer.from(`\n${JSON.stringify(good('l3'))}\n`),
      ]),
      { test: 2 },
    );
    const v = await validate(dir, { checkImages: false });
    expect(v.diagnostics.map((d) => [d.code, d.line])).toEqual([['encoding', 2]]);
    expect(v.diagnostics[0]?.message).toMatch(
      new RegExp(`samples\\.jsonl:2: not UTF-8: byte 0xe9 at column ${at + 4} .*fix: re-save the file as UTF-8`),
    );
    expect((await loadDataset(dir)).samples.map((s) => s.id)).toEqual(['l1', 'l3']);

    await writeFile(
      join(dir, 'dataset.json'),
      Buffer.concat([Buffer.from('{\n  "name": "d'), Buffer.from([0xff]), Buffer.from('"\n}')]),
    );
    await expect(readManifest(dir)).rejects.toThrow(
      /dataset\.json: not UTF-8: byte 0xff at line 2, column 13; fix: save the file as UTF-8/,
    );
    await expect(readManifest(dir)).rejects.toBeInstanceOf(DatasetError);
  });

  it(`a line over ${MAX_SAMPLE_LINE_BYTES} bytes is refused with file:line; a 200 MB line costs no memory and the rest goes on`, async () => {
    const dir = join(root, 'huge');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'dataset.json'), JSON.stringify({ ...MANIFEST, splits: { test: 2 } }));
    const file = join(dir, SAMPLES_FILE);
    const out = createWriteStream(file);
    out.write(`${JSON.stringify(good('h1'))}\n`);
    const big = good('h2');
    const head = JSON.stringify({ ...big, text: '' }).replace('"text":""', '"text":"');
    out.write(head);
    const mib = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 200; i++) if (!out.write(mib)) await new Promise<void>((r) => out.once('drain', () => r()));
    out.write(`"}\n${JSON.stringify(good('h3'))}\n`);
    await new Promise<void>((r) => out.end(() => r()));

    const heap = process.memoryUsage().heapUsed;
    const v = await validate(dir, { checkImages: false });
    const gen = await buildTests({ dataset: dir }, {}, []);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
    expect(v.ok).toBe(false);
    expect(v.diagnostics.map((d) => [d.code, d.line])).toEqual([['line-too-long', 2]]);
    expect(v.diagnostics[0]?.message).toMatch(
      /samples\.jsonl:2: the line is 2097\d+ bytes \(200\.0 MiB\), over the limit of 1048576 bytes \(1 MiB\).*fix: keep each record under 1048576 bytes/,
    );
    expect(gen.tests.map((t) => t.description)).toEqual(['h1', 'h3']);
    expect(gen.issues.map((d) => d.code)).toEqual(['line-too-long']);
  });

  it('validate decodes every image fully by default: a truncated JPEG fails; decode: header says so', async () => {
    const s = { ...good('t1'), segments: [], gold: { ...good('t1').gold, pairs: [] } };
    const dir = await folder('truncated', [s], { test: 1 });
    await mkdir(join(dir, 'images'), { recursive: true });
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } })
      .composite([
        {
          input: Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7919) % 251)),
          raw: { width: 64, height: 48, channels: 3 },
        },
      ])
      .jpeg({ quality: 90 })
      .toBuffer();
    await writeFile(join(dir, 'images', 't1.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    const full = await validate(dir);
    expect(full.images).toBe('full');
    expect(full.ok).toBe(false);
    expect(full.diagnostics.map((d) => [d.code, d.line, d.field])).toEqual([['undecodable-image', 1, 'image.path']]);
    expect(full.diagnostics[0]?.message).toMatch(
      /does not decode \(.*premature end.*\): the file is cut off or damaged/i,
    );
    const header = await validate(dir, { decode: 'header' });
    expect(header).toMatchObject({ ok: true, images: 'header' });
    expect((await validate(dir, { checkImages: false })).images).toBe('none');
    // the whole file decodes: OK
    await writeFile(join(dir, 'images', 't1.jpg'), jpeg);
    expect(await validate(dir)).toMatchObject({ ok: true, images: 'full' });
  });
});

describe('one error when there is nothing to run', () => {
  it('a misspelt split, an empty dataset and a split with no usable sample: one DatasetError naming the splits', async () => {
    const dir = await folder('splits', [good('a', 'train'), good('b')], { train: 1, test: 1 });
    const tset = buildTests({ dataset: dir }, { MMRE_SPLIT: 'tset' }, []);
    await expect(tset).rejects.toBeInstanceOf(DatasetError);
    await expect(tset).rejects.toThrow(/has no split "tset"; its splits are train \(1\), test \(1\)/);

    const empty = await folder('empty', [], { test: 0 });
    await writeFile(join(empty, SAMPLES_FILE), '');
    await expect(buildTests({ dataset: empty, split: 'test' }, {}, [])).rejects.toThrow(
      /no test to run: split "test" of .*empty has no usable sample; valid samples per split: none \(dataset\.json says test \(0\)\)/,
    );
    await expect(buildTests({ dataset: dir, ids: 'nope,b' }, { MMRE_SPLIT: 'train' }, [])).rejects.toThrow(
      /no test to run: split "train" with ids nope, b of .* has no usable sample \(ids not in the file for that split: nope, b\)/,
    );
    const allBad = await folder('all-bad', ['{"id": 1', good('a', 'train')], { train: 1, test: 1 });
    await expect(buildTests({ dataset: allBad, split: 'test' }, {}, [])).rejects.toThrow(
      /no test to run: split "test" .* \(1 skipped; first: error \[json\] .*samples\.jsonl:1: not valid JSON.*valid samples per split: train \(1\)/,
    );
  });

  it('bad options and a bad manifest are DatasetErrors that name the variable or the file', async () => {
    const dir = await folder('opts', [good('a')], { test: 1 });
    await expect(buildTests({ dataset: dir }, { MMRE_LIMIT: 'abc' }, [])).rejects.toThrow(
      /invalid options: MMRE_LIMIT="abc": must be a whole number/,
    );
    await expect(buildTests({ dataset: dir, limit: 'abc' }, {}, [])).rejects.toThrow(
      /config\.limit: must be a whole number/,
    );
    await expect(buildTests('test', {}, [])).rejects.toThrow(/config must be an object of options .*, got "test"/);
    await writeFile(join(dir, 'dataset.json'), '{"name": 1}');
    const bad = buildTests({ dataset: dir }, {}, []);
    await expect(bad).rejects.toBeInstanceOf(DatasetError);
    await expect(bad).rejects.toThrow(
      /dataset\.json: invalid manifest: name: .*fix: make `name` a string; version: .*fix: add the required field `version`/,
    );
    await expect(buildTests({ dataset: join(root, 'nope') }, {}, [])).rejects.toBeInstanceOf(DatasetError);
  });
});
