// The HTML report at the paper's size: 1,660 paired samples × 3 modes with real JPEG main images, and
// two models (issue 13: a comparison of models stays within the full-size bounds; a second model adds
// its answers to every card). Checks the issue's bounds (file ≤ 20 MB, DOMContentLoaded ≤ 3 s in
// headless Chromium, no network request) and that sorting (also by the difference between the two
// models), filtering, search and paging work over all samples. The measured figures are printed (the
// README quotes them).
import { copyFile, link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Gold, TestSegment } from '@mmre/core';
import { mulberry32 } from '@mmre/core';
import { repoRoot } from '@mmre-test/shared';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChromium, haveChromium, launchChromium } from './__fixtures__/chromium.js';
import type { FixtureSample } from './__fixtures__/fixtures.js';
import { promptfooJson, threeModeRows } from './__fixtures__/fixtures.js';
import type { Report } from './build.js';
import { buildReport } from './build.js';
import { renderHtml } from './html.js';
import { parseResultsJson } from './load.js';

const N = 1660;
/** Distinct pictures drawn; each is linked under N / POOL sample file names (every file is still read). */
const POOL = 166;
const MB = 1024 * 1024;
checkChromium('the headless-browser scale test');

interface DatasetRecord {
  id: string;
  text: string;
  segments: TestSegment[];
  gold: Gold;
}

/** A photo-like 640×480 JPEG (smooth random colour field, as a blurry photo compresses). */
async function photo(seed: number): Promise<Buffer> {
  const r = mulberry32(seed);
  const w = 48;
  const h = 36;
  const raw = Buffer.alloc(w * h * 3);
  const base = [r() * 255, r() * 255, r() * 255];
  for (let p = 0; p < w * h; p++)
    for (let c = 0; c < 3; c++) raw[p * 3 + c] = Math.max(0, Math.min(255, (base[c] as number) + (r() - 0.5) * 200));
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .resize(640, 480, { kernel: 'cubic' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

let dir: string;
let file: string;
let url: string;
let report: Report;
let html: string;
let buildMs: number;
const figures: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmre-html-scale-'));
  await mkdir(join(dir, 'pool'));
  await mkdir(join(dir, 'images'));
  let t = performance.now();
  const pool: string[] = [];
  for (let i = 0; i < POOL; i += 4)
    await Promise.all(
      Array.from({ length: Math.min(4, POOL - i) }, async (_, k) => {
        const p = join(dir, 'pool', `${i + k}.jpg`);
        await writeFile(p, await photo(i + k + 1));
        pool[i + k] = p;
      }),
    );
  // The shipped sample dataset gives realistic texts, gold summaries (40–90 words) and boxes in a
  // 640×480 frame; cycled to N samples with their own ids and image files.
  const records = (await readFile(resolve(repoRoot, 'datasets/mmre-sample/samples.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DatasetRecord);
  const samples: FixtureSample[] = [];
  for (let i = 0; i < N; i++) {
    const rec = records[i % records.length] as DatasetRecord;
    const image = join(dir, 'images', `p${String(i + 1).padStart(4, '0')}.jpg`);
    await link(pool[i % POOL] as string, image).catch(() => copyFile(pool[i % POOL] as string, image));
    samples.push({
      id: `p${String(i + 1).padStart(4, '0')}`,
      text: rec.text,
      image,
      segments: rec.segments.map((s) => ({ id: s.id, path: null, box: s.box })),
      gold: rec.gold,
    });
  }
  figures.images = `${POOL} pictures drawn, ${N} files in ${Math.round(performance.now() - t)} ms`;
  t = performance.now();
  const second = threeModeRows(samples, { summary: 0.35, mner: 0.35, joint: 0.45 }).map((r) => ({
    ...r,
    provider: { id: 'openai:chat:weak', label: 'weak' },
  }));
  report = buildReport(parseResultsJson(promptfooJson([...threeModeRows(samples), ...second]), 'scale.json'), {
    bootstrap: 100,
    seed: 1,
  });
  figures.report = `buildReport ${Math.round(performance.now() - t)} ms`;
  file = join(dir, 'report.html');
  url = pathToFileURL(file).href;
  t = performance.now();
  const cpu = process.cpuUsage();
  html = await renderHtml(report, { outFile: file });
  buildMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  figures.renderHtmlCpu = `${Math.round((used.user + used.system) / 1000)} ms CPU (all threads)`;
  await writeFile(file, html);
}, 180_000);

afterAll(async () => {
  console.info(
    `HTML report at ${N} samples:\n${Object.entries(figures)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}`,
  );
  // MMRE_SCALE_HTML=out/scale.html keeps the generated report for a look.
  if (process.env.MMRE_SCALE_HTML && file) await copyFile(file, resolve(process.env.MMRE_SCALE_HTML));
  await rm(dir, { recursive: true, force: true });
});

/** A sample's joint − single deltas of the first model (the one the page shows first). */
const mre = (s: Report['samples'][0]) => (s.systems.fixture as Report['samples'][0]['systems'][string]).deltas;

describe(`HTML report at ${N} paired samples`, () => {
  it('is at most 20 MB and rendered in a few seconds', () => {
    expect(report.samples).toHaveLength(N);
    expect(report.systems.map((x) => x.key)).toEqual(['fixture', 'weak']);
    const bytes = Buffer.byteLength(html);
    const thumbs = [...html.matchAll(/data:image\/jpeg;base64,[A-Za-z0-9+/=]*/g)].reduce((n, m) => n + m[0].length, 0);
    const gallery = [
      ...html.matchAll(
        /<script type="application\/json" (?:id="mmre-gallery"|class="mmre-sample"|class="mmre-picture")>[^<]*<\/script>/g,
      ),
    ].reduce((n, m) => n + m[0].length, 0);
    figures.size = `${bytes} bytes (${(bytes / MB).toFixed(2)} MB): thumbnails ${(thumbs / MB).toFixed(2)} MB (${Math.round(thumbs / N)} B each as base64), gallery data without them ${((gallery - thumbs) / MB).toFixed(2)} MB`;
    figures.renderHtml = `${Math.round(buildMs)} ms`;
    expect(bytes).toBeLessThanOrEqual(20 * MB);
    // Generous (measured: a few seconds on 2 cores): only catches a serial or full-size image path.
    expect(buildMs).toBeLessThan(60_000);
  });

  describe.skipIf(!haveChromium)('in headless Chromium', () => {
    let browser: Browser;
    let page: Page;
    const requests: string[] = [];
    const problems: string[] = [];
    const ids = (p: Page) => p.$$eval('.card', (cs) => cs.map((c) => c.getAttribute('data-id') as string));
    const shown = async (p: Page) => Number(await p.textContent('#shown'));

    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('opens in at most 3 s (DOMContentLoaded) without any network request', async () => {
      // Navigation Timing (ms from the start of the navigation) of three loads; the median is held to
      // the bound, so one load slowed by a busy machine (other test files run alongside) does not fail it.
      type Nav = { domContentLoadedEventEnd: number; loadEventEnd: number };
      const loads: { dcl: number; load: number }[] = [];
      for (let k = 0; k < 3; k++) {
        requests.length = 0;
        await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
        loads.push(
          await page.evaluate(() => {
            const e = (performance as unknown as { getEntriesByType(t: string): Nav[] }).getEntriesByType(
              'navigation',
            )[0];
            return { dcl: e?.domContentLoadedEventEnd ?? Number.NaN, load: e?.loadEventEnd ?? Number.NaN };
          }),
        );
        expect(requests[0]).toBe(url);
        expect(requests.filter((u) => u !== url && !u.startsWith('data:'))).toEqual([]);
      }
      const dcl = loads.map((l) => l.dcl).sort((a, b) => a - b)[1] as number;
      figures.chromium = `DOMContentLoaded ${loads.map((l) => Math.round(l.dcl)).join(' / ')} ms (median ${Math.round(dcl)}), load ${loads.map((l) => Math.round(l.load)).join(' / ')} ms`;
      expect(dcl).toBeGreaterThan(0);
      expect(dcl).toBeLessThanOrEqual(3000);
      // Only the current page of cards is in the DOM.
      expect(await shown(page)).toBe(N);
      expect(await page.locator('.card').count()).toBe(25);
      expect(await page.locator('.card svg image').count()).toBe(25);
      expect(problems).toEqual([]);
    }, 90_000);

    it('sorts all samples by Δ NER F1 descending: the largest delta comes first', async () => {
      const t = performance.now();
      await page.selectOption('#sort-metric', 'nerF1');
      await page.selectOption('#sort-order', 'desc');
      figures.sort = `sort by Δ NER F1 + desc: ${Math.round(performance.now() - t)} ms (two selections, round trips included)`;
      const values = report.samples.map((s) => mre(s).nerF1 as number);
      const max = Math.max(...values);
      const first = report.samples.find((s) => mre(s).nerF1 === max)?.id;
      const page1 = await ids(page);
      expect(page1[0]).toBe(first);
      const byId = new Map(report.samples.map((s) => [s.id, mre(s).nerF1 as number]));
      expect(page1.map((id) => byId.get(id))).toEqual([...values].sort((a, b) => b - a).slice(0, 25));
    });

    it('sorts all samples by the difference between the two models (joint NER F1): the largest comes first', async () => {
      await page.selectOption('#vs-mode', 'joint');
      await page.selectOption('#sort-metric', 'vs:nerF1');
      await page.selectOption('#sort-order', 'desc');
      const diff = (s: Report['samples'][0]) =>
        ((s.systems.fixture?.modes.joint?.ner?.f1 as number) - (s.systems.weak?.modes.joint?.ner?.f1 as number)) * 100;
      const values = report.samples.map(diff).sort((a, b) => b - a);
      const page1 = await ids(page);
      const byId = new Map(report.samples.map((s) => [s.id, diff(s)]));
      page1.forEach((id, k) => {
        expect(byId.get(id)).toBeCloseTo(values[k] as number, 4);
      });
      expect(new Set(values).size).toBeGreaterThan(10);
      await page.selectOption('#sort-metric', 'nerF1');
    });

    it('filters "joint worse" to exactly the samples with a negative delta, on every page', async () => {
      const worse = report.samples.filter((s) => (mre(s).nerF1 ?? 0) < 0);
      expect(worse.length).toBeGreaterThan(25);
      await page.selectOption('#filter', 'worse');
      expect(await shown(page)).toBe(worse.length);
      expect(await page.textContent('#page-count')).toBe(String(Math.ceil(worse.length / 25)));
      await page.click('#page-last');
      const last = await ids(page);
      expect(last).toHaveLength(worse.length - 25 * (Math.ceil(worse.length / 25) - 1));
      const worseIds = new Set(worse.map((s) => s.id));
      expect(last.every((id) => worseIds.has(id))).toBe(true);
      await page.selectOption('#filter', 'all');
      expect(await shown(page)).toBe(N);
    });

    it('searches id and text over all samples', async () => {
      await page.fill('#search', 'p1234');
      expect(await ids(page)).toEqual(['p1234']);
      await page.fill('#search', 'p12');
      const p12 = report.samples.filter((s) => s.id.includes('p12')).map((s) => s.id);
      expect(await shown(page)).toBe(p12.length);
      const word = 'riverside';
      await page.fill('#search', 'RiverSide');
      const hits = report.samples.filter((s) => `${s.id}\n${s.text}`.toLowerCase().includes(word));
      expect(hits.length).toBeGreaterThan(0);
      expect(await shown(page)).toBe(hits.length);
      await page.fill('#search', '');
      expect(await shown(page)).toBe(N);
    });

    it('pages to the last sample, and jumps to a page by number', async () => {
      await page.selectOption('#sort-metric', 'id');
      await page.selectOption('#sort-order', 'asc');
      await page.click('#page-last');
      const last = await ids(page);
      expect(last.at(-1)).toBe(report.samples.at(-1)?.id);
      expect(await page.inputValue('#page-num')).toBe(String(Math.ceil(N / 25)));
      expect(await page.isDisabled('#page-next')).toBe(true);
      await page.fill('#page-num', '3');
      await page.press('#page-num', 'Enter');
      expect((await ids(page))[0]).toBe(report.samples[50]?.id);
      await page.selectOption('#page-size', '100');
      expect(await page.locator('.card').count()).toBe(100);
      expect(await page.inputValue('#page-num')).toBe('1');
    });

    it('shows gold vs predicted chips with hit/miss classes that agree with the metrics', async () => {
      // The 100 cards of page 1 (sample id order), read in one go.
      const cards = await page.$$eval('.card', (cs) =>
        cs.map((c) => {
          const n = (sel: string) => c.querySelectorAll(sel).length;
          const mode = (m: string) =>
            ['.ents .chip.hit', '.ents .chip.miss', '.ents .chip.fn', '.pairs .chip.hit', '.pairs .chip.miss'].map(
              (x) => n(`tr[data-mode="${m}"][data-system="0"] ${x}`),
            );
          return {
            id: c.getAttribute('data-id'),
            gold: n('tr.gold .chip.gold'),
            boxes: n('.box'),
            mner: mode('mner'),
            joint: mode('joint'),
          };
        }),
      );
      expect(cards.map((c) => c.id)).toEqual(report.samples.slice(0, 100).map((s) => s.id));
      cards.forEach((c, i) => {
        const s = report.samples[i] as Report['samples'][0];
        expect(c.gold).toBe(s.gold.entities.length + s.gold.pairs.length);
        expect(c.boxes).toBe(s.segments.filter((g) => g.box).length);
        for (const mode of ['mner', 'joint'] as const) {
          const ms = s.systems.fixture?.modes[mode];
          expect(c[mode]).toEqual([
            ms?.ner?.tp,
            ms?.ner?.fp,
            ms?.ner?.fn,
            ms?.matching?.correct,
            (ms?.matching?.pred ?? 0) - (ms?.matching?.correct ?? 0),
          ]);
        }
      });
      await page.selectOption('#page-size', '25');
      const artifacts = resolve(repoRoot, 'artifacts');
      await mkdir(artifacts, { recursive: true });
      await page
        .locator('.card')
        .first()
        .screenshot({ path: join(artifacts, 'report-html-scale-card.png') });
      await page.click('.card button.thumb');
      await page.locator('dialog#zoom[open]').screenshot({ path: join(artifacts, 'report-html-scale-zoom.png') });
      await page.keyboard.press('Escape');
      expect(problems).toEqual([]);
      expect(requests.filter((u) => u !== url && !u.startsWith('data:'))).toEqual([]);
    }, 60_000);
  });
});
