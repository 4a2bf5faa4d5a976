import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64Cores, formatAnswer } from '@mmre/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureRow, FixtureSample } from './__fixtures__/fixtures.js';
import { makeSamples, promptfooJson, threeModeRows } from './__fixtures__/fixtures.js';
import { buildReport } from './build.js';
import { renderHtml } from './html.js';
import { parseResultsJson } from './load.js';
import { renderJson, renderMarkdown } from './markdown.js';
import { redactDeep, secretsFromEnv } from './redact.js';

const KEY = 'sk-MARKERreport0123456789abcdef';
/** A key whose variable's name says nothing: found through the provider config's `apiKeyEnv`. */
const QUIET_KEY = 'qk_quiet_9f8e7d6c5b4a3210';
const PASSWORD = 'PASSWORDp4ss0rd';

let dir: string;
let samples: FixtureSample[];
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-report-redact-'));
  samples = await makeSamples(dir, 6);
  process.env.MMRE_TEST_API_KEY = KEY;
  process.env.QWEN_VALUE_X = QUIET_KEY;
});
afterAll(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

function hostileRows(): FixtureRow[] {
  const rows = threeModeRows(samples);
  const [s0, s1, s2] = samples as [FixtureSample, FixtureSample, FixtureSample];
  const echo = (s: FixtureSample, text: string): FixtureRow => ({
    sample: s,
    mode: 'joint',
    output: formatAnswer({ summary: text, entities: [{ label: 'other', text }], pairs: [] }, 'joint'),
  });
  return [
    ...rows.filter((r) => r.mode !== 'joint' || ![s0, s1, s2].includes(r.sample)),
    echo(s0, `my key is ${KEY} and ${QUIET_KEY}`),
    echo(s1, `escaped: ${JSON.stringify(JSON.stringify(KEY)).replace(/s/g, '\\\\u0073')}`),
    { sample: s2, mode: 'joint', error: `401 for Basic ${Buffer.from(`user:${QUIET_KEY}`).toString('base64')}` },
  ];
}

describe('redaction of the report', () => {
  it('secretsFromEnv takes variables named like keys and the ones the configs name', () => {
    const env = { A_API_KEY: 'aaaaaaaaaa', HOME: '/root', PLAIN: 'bbbbbbbbbb', SHORT_TOKEN: 'x' };
    expect(secretsFromEnv(env).sort()).toEqual(['aaaaaaaaaa']);
    expect(secretsFromEnv(env, ['PLAIN']).sort()).toEqual(['aaaaaaaaaa', 'bbbbbbbbbb']);
  });

  it('no key echoed in answers or errors, and no URL password, reaches the JSON, markdown or HTML; the numbers do not change', async () => {
    const json = promptfooJson(hostileRows(), {
      providers: [
        {
          id: 'file://provider.mjs',
          label: 'fixture',
          config: { temperature: 0, baseUrl: `http://user:${PASSWORD}@gpu1:8000/v1`, apiKeyEnv: 'QWEN_VALUE_X' },
        },
      ],
    });
    const loaded = parseResultsJson(json, 'hostile.json');
    // what the results file holds: the secrets are there (as a hostile server put them)
    const raw = JSON.stringify(json);
    expect(raw).toContain(KEY);
    expect(raw).toContain(PASSWORD);
    const report = buildReport(loaded, { bootstrap: 200 });
    const plain = buildReport(loaded, { bootstrap: 200, redact: (t) => t });
    const outputs = [renderJson(report), renderMarkdown(report), await renderHtml(report, { images: 'none' })];
    // KEY.slice(3): the key without its `sk-`, as the \u-escaped echo leaves it
    const forms = [
      KEY,
      KEY.slice(3),
      QUIET_KEY,
      PASSWORD,
      ...base64Cores(QUIET_KEY),
      ...base64Cores(`user:${QUIET_KEY}`),
    ];
    for (const text of outputs) for (const f of forms) expect(text).not.toContain(f);
    // the unredacted build shows the test is not vacuous
    expect(renderJson(plain)).toContain(KEY);
    expect(renderJson(plain)).toContain(PASSWORD);
    expect(renderJson(report)).toContain('[REDACTED]');
    // scores were computed before: the same numbers
    const numbers = (r: typeof report) => r.systems.map((x) => [x.table.map((t) => t.values), x.deltas]);
    expect(numbers(report)).toEqual(numbers(plain));
  });

  it('redactDeep keeps keys and numbers, redacts every string', () => {
    const v = { a: 1, [KEY]: [KEY, { b: `x ${KEY}` }], n: null };
    expect(redactDeep(v, (t) => t.replaceAll(KEY, 'R'))).toEqual({ a: 1, [KEY]: ['R', { b: 'x R' }], n: null });
  });
});
