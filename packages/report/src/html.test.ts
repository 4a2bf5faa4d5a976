import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatAnswer } from '@mmre/core';
import { repoRoot } from '@mmre-test/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChromium, haveChromium, launchChromium } from './__fixtures__/chromium.js';
import type { FixtureSample } from './__fixtures__/fixtures.js';
import { makeSamples, promptfooJson, threeModeRows } from './__fixtures__/fixtures.js';
import type { Report, SampleReport, SampleSystem, SystemReport } from './build.js';
import { buildReport, METRICS } from './build.js';
import { galleryItems, scriptJson } from './gallery.js';
import type { GalleryPicture } from './gallery-client.js';
import { deltaChartSvg, markMultiset, renderHtml } from './html.js';
import { parseResultsJson } from './load.js';

checkChromium('the headless-browser tests');

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

/** The report's one model, and a sample's answers of it. */
const sys = (): SystemReport => report.systems[0] as SystemReport;
const only = (s: SampleReport | undefined): SampleSystem => Object.values(s?.systems ?? {})[0] as SampleSystem;

describe('markMultiset', () => {
  it('marks hits as multisets, in prediction order, and lists the missed gold', () => {
    const r = markMultiset(['a', 'a', 'b', 'c'], ['a', 'x', 'a', 'a', 'c'], (s) => s);
    expect(r.pred.map((p) => p.hit)).toEqual([true, false, true, false, true]);
    expect(r.missed).toEqual(['b']);
  });
});

describe('deltaChartSvg', () => {
  it('draws one whisker per delta, spanning low to high', () => {
    const svg = deltaChartSvg(sys().deltas);
    expect(svg.match(/class="delta-row"/g)).toHaveLength(sys().deltas.length);
    expect(svg.match(/class="whisker"/g)).toHaveLength(sys().deltas.filter((d) => d.low !== null).length);
  });
});

/** The pictures of the embedded picture blocks, in order. */
function pictures(html: string): GalleryPicture[] {
  return [...html.matchAll(/<script type="application\/json" class="mmre-picture">([^<]*)<\/script>/g)].map(
    (m) => JSON.parse(m[1] as string) as GalleryPicture,
  );
}

describe('galleryItems', () => {
  it('maps every paired sample; hit marks agree with the metric counts; deltas and boxes as in the report', () => {
    const items = galleryItems(report);
    expect(items.map((i) => i.id)).toEqual(report.samples.map((s) => s.id));
    items.forEach((it, k) => {
      const s = report.samples[k] as Report['samples'][0];
      const d = only(s).deltas;
      expect(it.deltas).toEqual([d.rougeL, d.nerF1, d.accuracy]);
      expect(it.boxes.map((b) => b[0])).toEqual(s.segments.filter((g) => g.box).map((g) => g.id));
      expect(it.gold.entities).toHaveLength(s.gold.entities.length);
      for (const mode of ['mner', 'joint'] as const) {
        const t2 = it.answers[0]?.[mode]?.t2;
        const ms = only(s).modes[mode];
        expect(t2?.entities.pred.filter((c) => c[2] === 1)).toHaveLength(ms?.ner?.tp as number);
        expect(t2?.entities.pred.filter((c) => c[2] === 0)).toHaveLength(ms?.ner?.fp as number);
        expect(t2?.entities.missed).toHaveLength(ms?.ner?.fn as number);
        expect(t2?.pairs.pred.filter((c) => c[2] === 1)).toHaveLength(ms?.matching?.correct as number);
        expect(t2?.pairs.missed).toHaveLength((ms?.matching?.gold as number) - (ms?.matching?.correct as number));
      }
      expect(it.answers[0]?.summary?.t2).toBeNull();
      expect(it.answers[0]?.mner?.t1).toBeNull();
      expect(it.answers[0]?.joint?.t1?.rougeL).toBeCloseTo((only(s).modes.joint?.rouge?.rougeL as number) * 100, 6);
    });
  });

  it('scriptJson escapes what could end or confuse a <script> element', () => {
    const out = scriptJson({ a: '</script><!-- \u2028\u2029' });
    expect(out).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual({ a: '</script><!-- \u2028\u2029' });
  });
});

describe('renderHtml', () => {
  it('is self-contained: no external reference, thumbnails as data URLs, a CSP that forbids the network', async () => {
    const html = await renderHtml(report);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const pics = pictures(html);
    expect(pics).toHaveLength(samples.length);
    for (const [href, w, h, problem] of pics) {
      expect(href).toMatch(/^data:image\/jpeg;base64,/);
      expect([w, h, problem]).toEqual([240, 160, null]);
    }
    // The answer with markup is data in the embedded JSON, never markup in the page.
    expect(html).not.toContain('<img');
    expect(html).toContain('\\u003cimg src=x onerror=alert(1)>');
    expect(html).not.toContain(samples[0]?.image);
  });

  it('references images relatively when asked, and leaves them out with none', async () => {
    const out = join(dir, 'sub', 'r.html');
    const html = await renderHtml(report, { images: 'relative', outFile: out });
    expect(pictures(html)[0]).toEqual(['../images/s001.png', 240, 160, null]);
    expect(html).toContain("img-src data: 'self' file:");
    const none = await renderHtml(report, { images: 'none' });
    expect(pictures(none).every((p) => p[0] === null && p[1] === 240)).toBe(true);
  });

  it('reports an unreadable image in the card instead of failing', async () => {
    const html = await renderHtml(broken());
    const [p] = pictures(html);
    expect(p?.[0]).toBeNull();
    expect(p?.[3]).toMatch(/^cannot read .*nope\.png/);
  });
});

/** The fixture report with one sample whose image cannot be read. */
function broken(): Report {
  return { ...report, samples: [{ ...(report.samples[0] as Report['samples'][0]), image: join(dir, 'nope.png') }] };
}

describe.skipIf(!haveChromium)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let file: string;
  beforeAll(async () => {
    browser = await launchChromium();
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
    page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('data:')) requests.push(r.url());
    });
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    // Main table: every cell equals the report JSON (full precision in data-value, 2 decimals shown).
    const cells = await page.$$eval('#system-0 .main-table td[data-metric]', (tds) =>
      tds.map((td) => ({
        mode: td.getAttribute('data-mode'),
        metric: td.getAttribute('data-metric'),
        value: td.getAttribute('data-value'),
        text: td.textContent,
      })),
    );
    expect(cells).toHaveLength(sys().table.length * METRICS.length);
    for (const c of cells) {
      const v = sys().table.find((t) => t.mode === c.mode)?.metrics[c.metric as (typeof METRICS)[number]];
      expect(c.value === '' ? null : Number(c.value)).toBe(v ?? null);
      expect(c.text).toBe(v === null || v === undefined ? 'n/a' : v.toFixed(2));
    }
    const deltaCells = await page.$$eval(
      '#system-0 .delta-table td[data-field="delta"], #system-0 .delta-table td[data-field="pValue"]',
      (tds) =>
        tds.map((td) => [
          td.getAttribute('data-metric'),
          td.getAttribute('data-field'),
          Number(td.getAttribute('data-value')),
        ]),
    );
    expect(deltaCells).toHaveLength(sys().deltas.length * 2);
    for (const [metric, field, value] of deltaCells) {
      const d = sys().deltas.find((x) => x.metric === metric) as unknown as Record<string, unknown>;
      expect(value).toBe(d[field as string]);
    }
    const embedded = JSON.parse((await page.textContent('#mmre-report')) as string);
    expect(embedded.systems[0].table).toEqual(JSON.parse(JSON.stringify(sys().table)));

    // Gallery: one card per sample (12 < the default page size) with a lettered box per segment.
    expect(await page.locator('.card').count()).toBe(samples.length);
    expect(await page.textContent('#shown')).toBe(String(samples.length));
    const boxCount = await page.locator('.card .box').count();
    expect(boxCount).toBe(samples.reduce((n, s) => n + s.segments.length, 0));
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.card svg image').count()).toBe(samples.length);

    // The answer with markup shows as text.
    const evil = await page.textContent(`.card[data-id="${samples[0]?.id}"] tr[data-mode="joint"] p.summ`);
    expect(evil).toBe(only(report.samples[0]).modes.joint?.summary);
    expect(evil).toContain('<img src=x onerror=alert(1)>');

    // Sort by Δ NER F1 descending: visible order follows the per-sample deltas.
    await page.selectOption('#sort-metric', 'nerF1');
    await page.selectOption('#sort-order', 'desc');
    const order = await page.$$eval('.card', (cs) => cs.map((c) => c.getAttribute('data-id')));
    const expected = [...report.samples]
      .sort((a, b) => (only(b).deltas.nerF1 as number) - (only(a).deltas.nerF1 as number))
      .map((s) => only(s).deltas.nerF1);
    const shownDeltas = order.map((id) => only(report.samples.find((s) => s.id === id)).deltas.nerF1);
    expect(shownDeltas).toEqual(expected);
    expect(await page.inputValue('#filter-metric')).toBe('nerF1');

    // Filter: joint better / worse on NER F1.
    await page.selectOption('#filter', 'better');
    const better = report.samples.filter((s) => (only(s).deltas.nerF1 ?? 0) > 0).length;
    expect(await page.locator('.card').count()).toBe(better);
    expect(await page.textContent('#shown')).toBe(String(better));
    await page.selectOption('#filter', 'worse');
    expect(await page.locator('.card').count()).toBe(
      report.samples.filter((s) => (only(s).deltas.nerF1 ?? 0) < 0).length,
    );
    // Sorting by sample id keeps the filter (on the Δ it was on).
    await page.selectOption('#sort-metric', 'id');
    await page.selectOption('#sort-order', 'asc');
    expect(await page.$$eval('.card', (cs) => cs.map((c) => c.getAttribute('data-id')))).toEqual(
      report.samples.filter((s) => (only(s).deltas.nerF1 ?? 0) < 0).map((s) => s.id),
    );
    await page.selectOption('#filter', 'all');
    await page.selectOption('#sort-metric', 'rougeL');
    await page.selectOption('#sort-order', 'asc');
    const first = await page.getAttribute('.card', 'data-id');
    const minR = Math.min(...report.samples.map((s) => only(s).deltas.rougeL as number));
    expect(only(report.samples.find((s) => s.id === first)).deltas.rougeL).toBe(minR);

    // Search over id and text.
    await page.fill('#search', 's01');
    expect(await page.$$eval('.card', (cs) => cs.map((c) => c.getAttribute('data-id')).sort())).toEqual(
      report.samples.filter((s) => s.id.includes('s01')).map((s) => s.id),
    );
    const word = report.samples[3]?.text.split(' ')[0] as string;
    await page.fill('#search', word.toUpperCase());
    expect(await page.locator('.card').count()).toBe(
      report.samples.filter((s) => s.text.toLowerCase().includes(word.toLowerCase())).length,
    );
    await page.fill('#search', '');

    // Paging: 10 per page, the last page holds the rest.
    await page.selectOption('#page-size', '10');
    expect(await page.locator('.card').count()).toBe(10);
    await page.click('#page-next');
    expect(await page.locator('.card').count()).toBe(samples.length - 10);
    expect(await page.isDisabled('#page-next')).toBe(true);
    await page.click('#page-first');
    await page.selectOption('#page-size', '25');

    // Chips: gold, and per mode hit / miss / missed gold, agreeing with the metric counts.
    for (const s of report.samples) {
      const cardSel = `.card[data-id="${s.id}"]`;
      expect(await page.locator(`${cardSel} tr.gold .chip.gold`).count()).toBe(
        s.gold.entities.length + s.gold.pairs.length,
      );
      for (const mode of ['mner', 'joint'] as const) {
        const ms = only(s).modes[mode];
        const row = `${cardSel} tr[data-mode="${mode}"]`;
        expect(Number(await page.getAttribute(`${row} .ents`, 'data-hits'))).toBe(ms?.ner?.tp);
        expect(await page.locator(`${row} .ents .chip.hit`).count()).toBe(ms?.ner?.tp);
        expect(await page.locator(`${row} .ents .chip.miss`).count()).toBe(ms?.ner?.fp);
        expect(await page.locator(`${row} .ents .chip.fn`).count()).toBe(ms?.ner?.fn);
        expect(await page.locator(`${row} .pairs .chip.hit`).count()).toBe(ms?.matching?.correct);
        expect(await page.locator(`${row} .pairs .chip.miss`).count()).toBe(
          (ms?.matching?.pred ?? 0) - (ms?.matching?.correct ?? 0),
        );
      }
    }

    // Larger view on demand: the same picture and boxes in a modal dialog.
    const zoomed = report.samples.find((s) => s.segments.length > 0) as Report['samples'][0];
    await page.click(`.card[data-id="${zoomed.id}"] button.thumb`);
    expect(await page.locator('dialog#zoom[open] .box').count()).toBe(zoomed.segments.length);
    expect(await page.locator('dialog#zoom[open] svg image').count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await page.locator('dialog#zoom[open]').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);

    await page.selectOption('#sort-metric', 'nerF1');
    await page.selectOption('#sort-order', 'desc');
    const artifacts = resolve(repoRoot, 'artifacts');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-html.png'), fullPage: false });
    await page
      .locator('.card')
      .first()
      .screenshot({ path: join(artifacts, 'report-html-card.png') });
    await page.close();
  }, 60_000);

  it('shows an unreadable image as a warning in its card', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const f = join(dir, 'broken.html');
    await writeFile(f, await renderHtml(broken(), { outFile: f }));
    await page.goto(pathToFileURL(f).href);
    expect(await page.textContent('.card figcaption.warn')).toMatch(/^cannot read .*nope\.png/);
    expect(await page.locator('.card .box').count()).toBe(report.samples[0]?.segments.filter((g) => g.box).length);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!haveChromium)('HTML report of several models in headless Chromium', () => {
  let browser: Browser;
  let multi: Report;
  let file: string;
  beforeAll(async () => {
    browser = await launchChromium();
    const rows = threeModeRows(samples);
    const weak = threeModeRows(samples, { summary: 0.3, mner: 0.3, joint: 0.4 }).map((r) => ({
      ...r,
      provider: { id: 'openai:chat:weak', label: 'weak' },
    }));
    multi = buildReport(parseResultsJson(promptfooJson([...rows, ...weak]), 'multi.json'), { bootstrap: 300, seed: 1 });
    file = join(dir, 'multi.html');
    await writeFile(file, await renderHtml(multi, { outFile: file }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('a model selector switches the tables and the deltas; answers side by side; sort by the difference between two models', async () => {
    expect(multi.systems.map((x) => x.key)).toEqual(['fixture', 'weak']);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const visible = () =>
      page.$$eval('section.system', (ss) => ss.map((x) => !(x as unknown as { hidden: boolean }).hidden));
    expect(await visible()).toEqual([true, false]);
    const tableOf = (i: number) =>
      page.$$eval(`#system-${i} .main-table td[data-metric]`, (tds) =>
        tds.map((td) => [td.getAttribute('data-mode'), td.getAttribute('data-metric'), td.getAttribute('data-value')]),
      );
    for (const i of [0, 1])
      for (const [mode, metric, value] of await tableOf(i)) {
        const v = multi.systems[i]?.table.find((t) => t.mode === mode)?.metrics[metric as (typeof METRICS)[number]];
        expect(value === '' ? null : Number(value)).toBe(v ?? null);
      }
    // model against model: every row of the JSON, with its numbers
    const cmp = await page.$$eval('#comparison-table tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-mode'),
        tr.getAttribute('data-metric'),
        Number(tr.querySelector('[data-field="delta"]')?.getAttribute('data-value')),
        Number(tr.querySelector('[data-field="pHolm"]')?.getAttribute('data-value')),
      ]),
    );
    expect(cmp).toEqual(multi.comparisons.map((c) => [c.mode, c.metric, c.delta, c.pHolm]));

    // each card shows both models' answers, mode by mode
    const first = samples[0]?.id as string;
    for (const mode of ['summary', 'mner', 'joint'])
      for (const sys of ['0', '1'])
        expect(
          await page.locator(`.card[data-id="${first}"] tr[data-mode="${mode}"][data-system="${sys}"]`).count(),
        ).toBeGreaterThan(0);

    // the selector: the second model's tables and its per-sample MRE deltas
    await page.selectOption('#model', '1');
    expect(await visible()).toEqual([false, true]);
    await page.selectOption('#sort-metric', 'nerF1');
    const shownD = await page.$$eval('.card', (cs) =>
      cs.map((c) => [c.getAttribute('data-id'), c.getAttribute('data-d-nerF1')]),
    );
    for (const [id, d] of shownD) {
      const want = multi.samples.find((x) => x.id === id)?.systems.weak?.deltas.nerF1;
      expect(d === '' ? null : Number(d)).toBe(want ?? null);
    }

    // sort by the per-sample difference fixture − weak on joint NER F1
    await page.selectOption('#model', '0');
    await page.selectOption('#model-b', '1');
    await page.selectOption('#vs-mode', 'joint');
    await page.selectOption('#sort-metric', 'vs:nerF1');
    await page.selectOption('#sort-order', 'desc');
    const diff = (id: string | null) => {
      const x = multi.samples.find((s) => s.id === id);
      const a = x?.systems.fixture?.modes.joint?.ner?.f1 as number;
      const b = x?.systems.weak?.modes.joint?.ner?.f1 as number;
      return Math.round((a - b) * 1e6) / 1e4;
    };
    const order = await page.$$eval('.card', (cs) =>
      cs.map((c) => [c.getAttribute('data-id'), c.getAttribute('data-vs-nerF1')]),
    );
    const diffs = order.map(([id]) => diff(id));
    expect(diffs).toEqual([...diffs].sort((x, y) => y - x));
    for (const [id, v] of order) expect(Number(v)).toBeCloseTo(diff(id), 4);
    expect(new Set(diffs).size).toBeGreaterThan(1);
    // filter: samples where the first model is better on that difference
    await page.selectOption('#filter', 'better');
    expect(await page.locator('.card').count()).toBe(diffs.filter((d) => d > 0).length);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
