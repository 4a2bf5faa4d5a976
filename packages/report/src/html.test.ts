import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatAnswer } from '@mmre/core';
import { repoRoot } from '@mmre-test/shared';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSample } from './__fixtures__/fixtures.js';
import { makeSamples, promptfooJson, threeModeRows } from './__fixtures__/fixtures.js';
import type { Report } from './build.js';
import { buildReport, METRICS } from './build.js';
import { deltaChartSvg, markMultiset, renderHtml } from './html.js';
import { parseResultsJson } from './load.js';

const CHROMIUM = process.env.MMRE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  const msg = `${CHROMIUM} is missing (apt-get install -y chromium); skipping the headless-browser tests`;
  if (process.env.CI) throw new Error(`${msg.split(';')[0]} and CI is set`);
  console.warn(msg);
}

let dir: string;
let samples: FixtureSample[];
let report: Report;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-html-'));
  samples = await makeSamples(dir, 12, 11);
  const rows = threeModeRows(samples);
  // One answer with markup in it: it must show as text, never as HTML.
  const evil = rows.find((r) => r.mode === 'joint' && r.sample === samples[0]);
  if (evil)
    evil.output = formatAnswer({ summary: '<img src=x onerror=alert(1)> A crowd', entities: [], pairs: [] }, 'joint');
  report = buildReport(parseResultsJson(promptfooJson(rows), 'fixture.json'), { bootstrap: 300, seed: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('markMultiset', () => {
  it('marks hits as multisets, in prediction order, and lists the missed gold', () => {
    const r = markMultiset(['a', 'a', 'b', 'c'], ['a', 'x', 'a', 'a', 'c'], (s) => s);
    expect(r.pred.map((p) => p.hit)).toEqual([true, false, true, false, true]);
    expect(r.missed).toEqual(['b']);
  });
});

describe('deltaChartSvg', () => {
  it('draws one whisker per delta, spanning low to high', () => {
    const svg = deltaChartSvg(report.deltas);
    expect(svg.match(/class="delta-row"/g)).toHaveLength(report.deltas.length);
    expect(svg.match(/class="whisker"/g)).toHaveLength(report.deltas.filter((d) => d.low !== null).length);
  });
});

describe('renderHtml', () => {
  it('is self-contained: no external reference, images as data URLs, a CSP that forbids the network', async () => {
    const html = await renderHtml(report);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.match(/<image href="data:image\/jpeg;base64,/g)).toHaveLength(samples.length);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('references images relatively when asked', async () => {
    const out = join(dir, 'sub', 'r.html');
    const html = await renderHtml(report, { images: 'relative', outFile: out });
    expect(html).toContain('<image href="../images/s001.png"');
  });

  it('reports an unreadable image in the card instead of failing', async () => {
    const broken: Report = {
      ...report,
      samples: [{ ...(report.samples[0] as Report['samples'][0]), image: join(dir, 'nope.png') }],
    };
    const html = await renderHtml(broken);
    expect(html).toMatch(/class="warn">cannot read .*nope\.png/);
  });
});

describe.skipIf(!haveChromium)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let file: string;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    file = join(dir, 'report.html');
    await writeFile(file, await renderHtml(report, { outFile: file }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('renders without console errors or network requests; DOM numbers equal the JSON; sort and filter work', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('data:')) requests.push(r.url());
    });
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    // Main table: every cell equals the report JSON (full precision in data-value, 2 decimals shown).
    const cells = await page.$$eval('#main-table td[data-metric]', (tds) =>
      tds.map((td) => ({
        mode: td.getAttribute('data-mode'),
        metric: td.getAttribute('data-metric'),
        value: td.getAttribute('data-value'),
        text: td.textContent,
      })),
    );
    expect(cells).toHaveLength(report.table.length * METRICS.length);
    for (const c of cells) {
      const v = report.table.find((t) => t.mode === c.mode)?.metrics[c.metric as (typeof METRICS)[number]];
      expect(c.value === '' ? null : Number(c.value)).toBe(v ?? null);
      expect(c.text).toBe(v === null || v === undefined ? 'n/a' : v.toFixed(2));
    }
    const deltaCells = await page.$$eval(
      '#delta-table td[data-field="delta"], #delta-table td[data-field="pValue"]',
      (tds) =>
        tds.map((td) => [
          td.getAttribute('data-metric'),
          td.getAttribute('data-field'),
          Number(td.getAttribute('data-value')),
        ]),
    );
    expect(deltaCells).toHaveLength(report.deltas.length * 2);
    for (const [metric, field, value] of deltaCells) {
      const d = report.deltas.find((x) => x.metric === metric) as unknown as Record<string, unknown>;
      expect(value).toBe(d[field as string]);
    }
    const embedded = JSON.parse((await page.textContent('#mmre-report')) as string);
    expect(embedded.table).toEqual(JSON.parse(JSON.stringify(report.table)));

    // Gallery: one card per sample with a lettered box per segment.
    expect(await page.locator('.card').count()).toBe(samples.length);
    const boxCount = await page.locator('.card .box').count();
    expect(boxCount).toBe(samples.reduce((n, s) => n + s.segments.length, 0));
    expect(await page.locator('.card img').count()).toBe(0);

    // Sort by Δ NER F1 descending: visible order follows the per-sample deltas.
    await page.selectOption('#sort-metric', 'nerF1');
    await page.selectOption('#sort-order', 'desc');
    const order = await page.$$eval('.card:not([hidden])', (cs) => cs.map((c) => c.getAttribute('data-id')));
    const expected = [...report.samples]
      .sort((a, b) => (b.deltas.nerF1 as number) - (a.deltas.nerF1 as number))
      .map((s) => s.deltas.nerF1);
    const shownDeltas = order.map((id) => report.samples.find((s) => s.id === id)?.deltas.nerF1);
    expect(shownDeltas).toEqual(expected);

    // Filter: joint better on NER F1.
    await page.selectOption('#filter', 'better');
    const better = report.samples.filter((s) => (s.deltas.nerF1 ?? 0) > 0).length;
    expect(await page.locator('.card:not([hidden])').count()).toBe(better);
    expect(await page.textContent('#shown')).toBe(String(better));
    await page.selectOption('#filter', 'worse');
    expect(await page.locator('.card:not([hidden])').count()).toBe(
      report.samples.filter((s) => (s.deltas.nerF1 ?? 0) < 0).length,
    );
    await page.selectOption('#filter', 'all');
    await page.selectOption('#sort-metric', 'rougeL');
    await page.selectOption('#sort-order', 'asc');
    const first = await page.getAttribute('.card:not([hidden])', 'data-id');
    const minR = Math.min(...report.samples.map((s) => s.deltas.rougeL as number));
    expect(report.samples.find((s) => s.id === first)?.deltas.rougeL).toBe(minR);

    // Hit/miss chips agree with the metric counts for every mode of every sample.
    for (const s of report.samples.slice(0, 4)) {
      for (const mode of ['mner', 'joint'] as const) {
        const hits = await page.getAttribute(`.card[data-id="${s.id}"] tr[data-mode="${mode}"] .ents`, 'data-hits');
        expect(Number(hits)).toBe(s.modes[mode]?.ner?.tp);
      }
    }
    expect(problems).toEqual([]);

    await page.selectOption('#sort-metric', 'nerF1');
    await page.selectOption('#sort-order', 'desc');
    const artifacts = resolve(repoRoot, 'artifacts');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-html.png'), fullPage: false });
    await page
      .locator('.card:not([hidden])')
      .first()
      .screenshot({ path: join(artifacts, 'report-html-card.png') });
    await page.close();
  }, 60_000);
});
