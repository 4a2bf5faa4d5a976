import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSample, makeSamples, promptfooJson, threeModeRows } from './__fixtures__/fixtures.js';
import { buildReport } from './build.js';
import { loadResults, parseResultsJson, ResultsFileError } from './load.js';

let dir: string;
let samples: FixtureSample[];
let json: { results: { results: unknown[] } };
let jsonFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-load-'));
  samples = await makeSamples(dir, 9, 5);
  json = promptfooJson(threeModeRows(samples)) as typeof json;
  jsonFile = join(dir, 'out.json');
  // as promptfoo writes it: pretty-printed with two spaces
  await writeFile(jsonFile, JSON.stringify(json, null, 2));
});

const FAST = { bootstrap: 200, seed: 1 };

describe('loadResults streams promptfoo output files', () => {
  it('a JSON file streamed row by row gives what parsing it whole gives', async () => {
    const streamed = await loadResults([jsonFile]);
    const whole = parseResultsJson(JSON.parse(await readFile(jsonFile, 'utf8')), jsonFile);
    expect(streamed).toEqual(whole);
    expect(streamed.rows).toHaveLength(27);
    expect(streamed.runs[0]).toMatchObject({ evalId: 'eval-fixture', promptfooVersion: '0.123.1', rows: 27 });
  });

  it('a row too large to read is skipped with a warning that names it, its size and the fix; the rest is read', async () => {
    const big = structuredClone(json) as { results: { results: { prompt: { raw: string } }[] } };
    // images inline in the prompt, as promptfoo's own providers need them: one row of 3 MiB
    (big.results.results[4] as { prompt: { raw: string } }).prompt.raw =
      `data:image/jpeg;base64,${'A'.repeat(3 << 20)}`;
    const file = join(dir, 'big.json');
    await writeFile(file, JSON.stringify(big));
    const loaded = await loadResults([file], { maxRowBytes: 1 << 20 });
    expect(loaded.rows).toHaveLength(26);
    expect(loaded.rows.map((r) => r.index)).not.toContain(4);
    expect(loaded.warnings.join('\n')).toMatch(
      /big\.json: results\.results\[4\] is 3 MiB, over the 1 MiB .*PROMPTFOO_STRIP_PROMPT_TEXT=true.*skipped/,
    );
    // JSON lines: the same limit per line
    const lines = join(dir, 'big.jsonl');
    await writeFile(lines, `${big.results.results.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const fromLines = await loadResults([lines], { maxRowBytes: 1 << 20 });
    expect(fromLines.rows).toHaveLength(26);
    expect(fromLines.warnings.join('\n')).toMatch(/big\.jsonl:5: /);
  });

  it('a JSONL file (promptfoo -o out.jsonl: one row per line) gives the same report', async () => {
    const file = join(dir, 'out.jsonl');
    await writeFile(file, `${json.results.results.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const fromJsonl = buildReport(await loadResults([file]), FAST);
    const fromJson = buildReport(await loadResults([jsonFile]), FAST);
    expect(fromJsonl.systems[0]?.table.map((t) => t.values)).toEqual(fromJson.systems[0]?.table.map((t) => t.values));
    expect(fromJsonl.systems[0]?.deltas).toEqual(fromJson.systems[0]?.deltas);
    // without the config, providers come from the rows
    expect(fromJsonl.systems[0]?.table[0]?.provider).toMatchObject({ key: 'fixture', model: 'fixture-model' });
    // content decides, not the name: JSON lines in a .json file read the same
    const renamed = join(dir, 'lines.json');
    await writeFile(renamed, await readFile(file));
    expect((await loadResults([renamed])).rows).toHaveLength(27);
  });

  it('a bad line of a JSONL file is named and skipped; the rest is read', async () => {
    const file = join(dir, 'bad.jsonl');
    const lines = json.results.results.map((r) => JSON.stringify(r));
    lines.splice(3, 0, '{"cut off');
    await writeFile(file, `${lines.join('\n')}\n`);
    const loaded = await loadResults([file]);
    expect(loaded.rows).toHaveLength(27);
    expect(loaded.warnings.join('\n')).toMatch(/bad\.jsonl:4: not valid JSON/);
  });

  it('names the file and the fix for what it cannot read', async () => {
    const cut = join(dir, 'cut.json');
    const text = await readFile(jsonFile, 'utf8');
    await writeFile(cut, text.slice(0, Math.floor(text.length * 0.6)));
    await expect(loadResults([cut])).rejects.toThrow(/cut\.json: not valid JSON after \d+ rows: the file is cut off/);
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    await expect(loadResults([empty])).rejects.toThrow(/empty\.json: the file is empty/);
    const csv = join(dir, 'out.csv');
    await writeFile(csv, 'id,output\n1,x\n');
    await expect(loadResults([csv])).rejects.toThrow(/out\.csv: not promptfoo JSON .*CSV\?.*-o results\.json/);
    const html = join(dir, 'out.html');
    await writeFile(html, '<!doctype html><html></html>');
    await expect(loadResults([html])).rejects.toThrow(/out\.html: this is HTML or XML/);
    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ foo: [1, 2] }));
    await expect(loadResults([other])).rejects.toThrow(/other\.json: not a promptfoo results file/);
    await expect(loadResults([join(dir, 'missing.json')])).rejects.toThrow(ResultsFileError);
    await expect(loadResults([])).rejects.toThrow(/no results files given/);
  });

  it('a failed assertion is an answer (promptfoo writes its reason into `error`, failureReason 1); a provider error is not', () => {
    const copy = structuredClone(json) as { results: { results: Record<string, unknown>[] } };
    const [a, b] = copy.results.results as [Record<string, unknown>, Record<string, unknown>];
    Object.assign(a, { success: false, failureReason: 1, error: 'mmre below threshold: format: …' });
    Object.assign(b, { success: false, failureReason: 2, error: 'HTTP 500', response: { error: 'HTTP 500' } });
    const loaded = parseResultsJson(copy, 'x.json');
    expect(loaded.rows[0]?.error).toBeNull();
    expect(loaded.rows[0]?.output).toBe((a.response as { output: string }).output);
    expect(loaded.rows[1]?.error).toBe('HTTP 500');
  });

  it('keeps memory to the reduced rows: prompt text, grading and the rest are not held', async () => {
    const loaded = await loadResults([jsonFile]);
    const row = loaded.rows[0] as unknown as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(
      [
        'cached',
        'error',
        'file',
        'id',
        'index',
        'latencyMs',
        'mode',
        'output',
        'promptLabel',
        'promptSettings',
        'provider',
        'providerId',
        'responseMetadata',
        'tokens',
        'truncated',
        'vars',
      ].sort(),
    );
  });
});
