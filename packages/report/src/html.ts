import type { Mode } from '@mmre/core';
import { MODE_NAMES } from '@mmre/core';
import type { ComparisonRow, DeltaRow, MetricId, ModeSummary, Report, SystemReport } from './build.js';
import { METRIC_NAMES, METRICS } from './build.js';
import { fmtCi, fmtDelta, fmtP, fmtPoints, fmtRate, modeSettings } from './format.js';
import { GALLERY_MODES, galleryItems, scriptJson } from './gallery.js';
import type { GalleryPicture } from './gallery-client.js';
import { CARD_IMAGE_PX, GALLERY_CSS, GALLERY_SCRIPT, galleryDataHtml } from './gallery-client.js';
import type { ImageMode } from './images.js';
import { prepareImages, THUMBNAIL_QUALITY, THUMBNAIL_SIZE } from './images.js';

export { markMultiset } from './gallery.js';

export interface HtmlOptions {
  /**
   * How the gallery shows main images: `embed` (default) small JPEG thumbnails as data URLs, so the
   * file is self-contained; `relative` references the image files relatively to `outFile`; `none`
   * omits them (the gold boxes are still drawn, on grey).
   */
  images?: ImageMode;
  /** Where the HTML will be written (needed for `relative` images). */
  outFile?: string;
  /** Longest side of embedded thumbnails in pixels (default 160). */
  maxImageSize?: number;
  /** JPEG quality of embedded thumbnails (default 60). */
  imageQuality?: number;
  /** Images read at once (default: the available cores, 2–4). */
  concurrency?: number;
  /** Gallery size cap (default: every paired sample). */
  maxSamples?: number;
  title?: string;
}

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const num = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '' : String(x);

const CSS = `
:root{--fg:#1d232b;--muted:#5d6875;--line:#d9dee4;--bg:#f6f7f9;--hit:#1c7c3a;--hitbg:#e3f4e8;--miss:#b42318;--missbg:#fde8e6;--gold:#7a5b00;--goldbg:#fff4d6;--acc:#2456a6}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1280px;margin:0 auto;padding:20px 24px 60px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
p.note{color:var(--muted);margin:4px 0 10px;max-width:980px}
table.num{border-collapse:collapse;background:#fff;border:1px solid var(--line)}table.num th,table.num td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
table.num th:first-child,table.num td:first-child{text-align:left}table.num thead th{background:#eef1f5;font-weight:600}
td.na{color:#9aa3ad}td.best{font-weight:700}.pos{color:var(--hit)}.neg{color:var(--miss)}
.chart{background:#fff;border:1px solid var(--line);padding:8px}
.controls{display:flex;gap:14px;align-items:center;flex-wrap:wrap;background:#fff;border:1px solid var(--line);padding:10px 12px;position:sticky;top:0;z-index:2}
.controls label{color:var(--muted)}select{font:inherit;padding:2px 4px}
.gallery{display:grid;grid-template-columns:1fr;gap:14px;margin-top:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 14px}
.card header{display:flex;justify-content:space-between;gap:12px;align-items:baseline;border-bottom:1px solid var(--line);padding-bottom:6px;margin-bottom:8px}
.card h3{margin:0;font-size:15px}.deltas span{margin-left:12px;font-variant-numeric:tabular-nums}
.cbody{display:grid;grid-template-columns:${CARD_IMAGE_PX}px 1fr;gap:16px}
figure{margin:0}figure svg{width:100%;height:auto;border:1px solid var(--line);background:#eee}
figure .box rect{fill:none;stroke:#ffd400;stroke-width:3;vector-effect:non-scaling-stroke}
figure .box .tag{fill:#ffd400}figure .box text{font:bold 14px system-ui,sans-serif;fill:#000}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
.text{background:var(--bg);padding:6px 8px;border-radius:4px;margin:0 0 8px}
table.cmp{border-collapse:collapse;width:100%}table.cmp th,table.cmp td{border-top:1px solid var(--line);padding:5px 6px;vertical-align:top;text-align:left}
table.cmp th{width:120px;color:var(--muted);font-weight:600}
.chip{display:inline-block;border-radius:3px;padding:0 5px;margin:1px 3px 1px 0;font-size:12.5px;border:1px solid transparent}
.chip.gold{background:var(--goldbg);color:var(--gold)}.chip.hit{background:var(--hitbg);color:var(--hit)}
.chip.miss{background:var(--missbg);color:var(--miss)}.chip.fn{background:#fff;color:var(--miss);border-color:var(--miss);text-decoration:line-through}
.chip small{opacity:.75}.summ{margin:0}.score{color:var(--muted);font-size:12px}.none{color:#9aa3ad;font-style:italic}
.legend{color:var(--muted);font-size:12px}.warn{color:#8a5300}
@media (max-width:760px){.cbody{grid-template-columns:1fr}.cbody figure{max-width:320px}}
`;

const pointsCell = (t: ModeSummary, v: number | null) => (t.answered ? fmtPoints(v) : 'no answer');

function mainTableHtml(system: SystemReport): string {
  const head = `<tr><th>Mode</th>${METRICS.map((m) => `<th>${esc(METRIC_NAMES[m])}</th>`).join('')}</tr>`;
  const best = new Map<MetricId, number>();
  for (const m of METRICS) {
    const vals = system.table.map((t) => t.metrics[m]).filter((v): v is number => v !== null);
    if (vals.length > 1) best.set(m, Math.max(...vals));
  }
  const rows = system.table
    .map(
      (t) =>
        `<tr data-mode="${t.mode}"><td>${esc(t.name)}</td>${METRICS.map((m) => {
          const v = t.metrics[m];
          const cls = v === null ? 'na' : best.get(m) === v ? 'best' : '';
          return `<td class="${cls}" data-mode="${t.mode}" data-metric="${m}" data-value="${num(v)}">${pointsCell(t, v)}</td>`;
        }).join('')}</tr>`,
    )
    .join('');
  return `<table class="num main-table"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

const levelOf = (alpha: number) => `${Math.round((1 - alpha) * 100)}% CI`;

function deltaTableHtml(system: SystemReport, alpha: number): string {
  const head = `<tr><th>Metric</th><th>Single</th><th>Joint</th><th>Δ (joint − single)</th><th>${levelOf(alpha)}</th><th>p</th><th>p (Holm)</th><th>n</th></tr>`;
  const cell = (
    d: DeltaRow,
    field: 'singleValue' | 'jointValue' | 'delta' | 'pValue' | 'pHolm',
    text: string,
    cls = '',
  ) => `<td class="${cls}" data-metric="${d.metric}" data-field="${field}" data-value="${num(d[field])}">${text}</td>`;
  const rows = system.deltas
    .map((d) => {
      const sign = d.low !== null && d.low > 0 ? 'pos' : d.high !== null && d.high < 0 ? 'neg' : '';
      return (
        `<tr data-metric="${d.metric}"><td>${esc(METRIC_NAMES[d.metric])}</td>` +
        cell(d, 'singleValue', fmtPoints(d.singleValue)) +
        cell(d, 'jointValue', fmtPoints(d.jointValue)) +
        cell(d, 'delta', fmtDelta(d.delta), sign) +
        `<td data-metric="${d.metric}" data-field="ci" data-low="${num(d.low)}" data-high="${num(d.high)}">${fmtCi(d.low, d.high)}</td>` +
        cell(d, 'pValue', fmtP(d.pValue)) +
        cell(d, 'pHolm', fmtP(d.pHolm)) +
        `<td data-metric="${d.metric}" data-field="n" data-value="${d.n}">${d.n}</td></tr>`
      );
    })
    .join('');
  return `<table class="num delta-table"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/** Model against model: every pair, mode and metric, a − b with CI, raw and Holm p. */
function comparisonTableHtml(rows: readonly ComparisonRow[], alpha: number): string {
  const head =
    '<tr><th>Model a</th><th>Model b</th><th>Mode</th><th>Metric</th><th>a</th><th>b</th><th>Δ (a − b)</th>' +
    `<th>${levelOf(alpha)}</th><th>p</th><th>p (Holm)</th><th>n</th></tr>`;
  const body = rows
    .map((c) => {
      const sign = c.low !== null && c.low > 0 ? 'pos' : c.high !== null && c.high < 0 ? 'neg' : '';
      const at = `data-a="${esc(c.a)}" data-b="${esc(c.b)}" data-mode="${c.mode}" data-metric="${c.metric}"`;
      return (
        `<tr ${at}><td>${esc(c.a)}</td><td>${esc(c.b)}</td><td>${esc(MODE_NAMES[c.mode])}</td><td>${esc(METRIC_NAMES[c.metric])}</td>` +
        `<td data-field="aValue" data-value="${num(c.aValue)}">${fmtPoints(c.aValue)}</td>` +
        `<td data-field="bValue" data-value="${num(c.bValue)}">${fmtPoints(c.bValue)}</td>` +
        `<td class="${sign}" data-field="delta" data-value="${num(c.delta)}">${fmtDelta(c.delta)}</td>` +
        `<td data-field="ci" data-low="${num(c.low)}" data-high="${num(c.high)}">${fmtCi(c.low, c.high)}</td>` +
        `<td data-field="pValue" data-value="${num(c.pValue)}">${fmtP(c.pValue)}</td>` +
        `<td data-field="pHolm" data-value="${num(c.pHolm)}">${fmtP(c.pHolm)}</td>` +
        `<td data-field="n" data-value="${c.n}">${c.n}</td></tr>`
      );
    })
    .join('');
  return `<table class="num" id="comparison-table"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** Inline SVG: one row per metric, the delta as a dot and the CI as a whisker, a zero line. */
export function deltaChartSvg(deltas: readonly DeltaRow[], alpha = 0.05): string {
  const rows = deltas.filter((d) => d.delta !== null);
  if (rows.length === 0) return '<p class="note">No delta to chart.</p>';
  const W = 820;
  const left = 170;
  const right = 270;
  const rowH = 34;
  const top = 26;
  const H = top + rows.length * rowH + 26;
  let extent = 0;
  for (const d of rows)
    for (const v of [d.delta, d.low, d.high])
      if (v !== null && Number.isFinite(v)) extent = Math.max(extent, Math.abs(v));
  // Ticks at a 1-2-5 step, two or three per side; the axis ends at the last tick.
  const raw = Math.max(extent, 0.5) / 2.5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = (raw / mag <= 1 ? 1 : raw / mag <= 2 ? 2 : raw / mag <= 5 ? 5 : 10) * mag;
  const k = Math.max(1, Math.ceil(extent / step));
  extent = k * step;
  const plotW = W - left - right;
  const x = (v: number) => left + ((v + extent) / (2 * extent)) * plotW;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="delta-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" style="max-width:100%;height:auto" role="img" aria-label="MRE deltas with ${Math.round((1 - alpha) * 100)}% confidence intervals">`,
  );
  parts.push(
    `<text x="${left}" y="14" font-size="11" fill="#5d6875">joint − single, points (${Math.round((1 - alpha) * 100)}% paired bootstrap CI)</text>`,
  );
  for (let i = -k; i <= k; i++) {
    const t = i * step;
    const label = Number(t.toPrecision(6));
    parts.push(
      `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${H - 22}" stroke="${i === 0 ? '#1d232b' : '#e3e7ec'}" stroke-width="${i === 0 ? 1.2 : 1}"/>`,
    );
    parts.push(
      `<text x="${x(t)}" y="${H - 8}" font-size="11" text-anchor="middle" fill="#5d6875">${label > 0 ? '+' : ''}${label}</text>`,
    );
  }
  rows.forEach((d, i) => {
    const cy = top + i * rowH + rowH / 2;
    const color = d.low !== null && d.low > 0 ? '#1c7c3a' : d.high !== null && d.high < 0 ? '#b42318' : '#5d6875';
    parts.push(`<g class="delta-row" data-metric="${d.metric}" data-delta="${num(d.delta)}">`);
    parts.push(
      `<text x="${left - 10}" y="${cy + 4}" font-size="13" text-anchor="end" fill="#1d232b">${esc(METRIC_NAMES[d.metric])}</text>`,
    );
    if (d.low !== null && d.high !== null) {
      parts.push(
        `<line class="whisker" x1="${x(d.low)}" y1="${cy}" x2="${x(d.high)}" y2="${cy}" stroke="${color}" stroke-width="2"/>`,
      );
      parts.push(
        `<line x1="${x(d.low)}" y1="${cy - 6}" x2="${x(d.low)}" y2="${cy + 6}" stroke="${color}" stroke-width="2"/>`,
      );
      parts.push(
        `<line x1="${x(d.high)}" y1="${cy - 6}" x2="${x(d.high)}" y2="${cy + 6}" stroke="${color}" stroke-width="2"/>`,
      );
    }
    parts.push(`<circle cx="${x(d.delta as number)}" cy="${cy}" r="5" fill="${color}"/>`);
    parts.push(
      `<text x="${W - right + 12}" y="${cy + 4}" font-size="12" fill="#1d232b">${fmtDelta(d.delta)} ${fmtCi(d.low, d.high)} p=${fmtP(d.pValue)}</text>`,
    );
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

function detailsHtml(system: SystemReport): string {
  const rows = system.table
    .map(
      (t) =>
        `<tr data-mode="${t.mode}"><td>${esc(t.name)}</td><td data-field="paired">${t.counts.paired}</td><td data-field="errors">${t.counts.errors}</td>` +
        `<td data-field="cached">${t.counts.cached}</td><td data-field="truncated">${t.counts.truncated}</td>` +
        `<td data-field="compliance" data-value="${num(t.compliance.all)}">${fmtRate(t.compliance.all)}</td>` +
        `<td>${fmtRate(t.compliance.task1)}</td><td>${fmtRate(t.compliance.ner)}</td><td>${fmtRate(t.compliance.pairs)}</td>` +
        `<td data-field="nerMacroF1" data-value="${num(t.extra.nerMacroF1)}">${fmtPoints(t.extra.nerMacroF1)}</td>` +
        `<td>${esc(t.provider?.key ?? 'unknown')}${t.provider?.model ? `<br><small>${esc(t.provider.model)}</small>` : ''}</td>` +
        `<td>${
          modeSettings(t)
            .map(([k, v]) => `${esc(k)}=${esc(v)}`)
            .join('<br>') || '—'
        }</td></tr>`,
    )
    .join('');
  return (
    '<table class="num details-table"><thead><tr><th>Mode</th><th>samples</th><th>errors</th><th>cached</th><th>cut at max tokens</th>' +
    '<th>format ok</th><th>Task 1 anchor</th><th>NER anchor</th><th>pairs anchor</th><th>NER macro F1</th><th>provider / model</th><th>settings</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

/** The report summary (everything but the samples) as JSON safe to embed in a `<script>` element. */
function embeddedJson(report: Report): string {
  const { samples, ...rest } = report;
  void samples;
  return scriptJson(rest);
}

const PAGE_SIZES = [10, 25, 50, 100, 250];
const DEFAULT_PAGE_SIZE = 25;

function controlsHtml(report: Report, total: number, capped: string): string {
  const many = report.systems.length > 1;
  const deltaOptions = (withId: boolean) =>
    [
      ['rougeL', 'Δ ROUGE-L (joint − single)'],
      ['nerF1', 'Δ NER F1 (joint − single)'],
      ['accuracy', 'Δ Image–Entity Acc. (joint − single)'],
      ...(many
        ? [
            ['vs:rougeL', 'ROUGE-L, model − compared'],
            ['vs:nerF1', 'NER F1, model − compared'],
            ['vs:accuracy', 'Image–Entity Acc., model − compared'],
          ]
        : []),
      ...(withId ? [['id', 'sample id']] : []),
    ]
      .map(([v, t]) => `<option value="${v}">${t}</option>`)
      .join('');
  const sizes = PAGE_SIZES.map(
    (n) => `<option value="${n}"${n === DEFAULT_PAGE_SIZE ? ' selected' : ''}>${n}</option>`,
  ).join('');
  const against = many
    ? `<label>compared with <select id="model-b">${report.systems
        .map((s, i) => `<option value="${i}"${i === 1 ? ' selected' : ''}>${esc(s.key)}</option>`)
        .join('')}</select></label>` +
      `<label>in <select id="vs-mode">${report.modes
        .map((m) => `<option value="${m}"${m === 'joint' ? ' selected' : ''}>${esc(MODE_NAMES[m])}</option>`)
        .join('')}</select></label>`
    : '';
  return (
    '<div class="controls" role="search">' +
    against +
    `<label>sort by <select id="sort-metric">${deltaOptions(true)}</select></label>` +
    '<label>order <select id="sort-order"><option value="desc">descending</option><option value="asc">ascending</option></select></label>' +
    '<label>show <select id="filter"><option value="all">all</option><option value="better">Δ &gt; 0 (joint / model better)</option><option value="worse">Δ &lt; 0 (joint / model worse)</option><option value="tie">tie (Δ = 0)</option><option value="na">Δ n/a</option></select></label>' +
    `<label>on <select id="filter-metric" title="the Δ the filter looks at (follows the sort metric)">${deltaOptions(false)}</select></label>` +
    '<label>search <input id="search" type="search" placeholder="id or text" autocomplete="off"></label>' +
    `<label>per page <select id="page-size">${sizes}</select></label>` +
    '<span class="pager"><button type="button" id="page-first" title="first page">«</button><button type="button" id="page-prev" title="previous page">‹</button>' +
    '<label>page <input id="page-num" type="number" min="1" value="1"></label> of <span id="page-count">1</span> <span id="page-range"></span>' +
    '<button type="button" id="page-next" title="next page">›</button><button type="button" id="page-last" title="last page">»</button></span>' +
    `<span id="count"><b id="shown">${total}</b> of ${total} shown${capped}</span></div>`
  );
}

/** One model's tables: the paper's table, its MRE deltas (chart and table), details and settings. */
function systemSectionHtml(report: Report, system: SystemReport, i: number): string {
  const many = report.systems.length > 1;
  const truncated = system.table.reduce((n, t) => n + t.counts.truncated, 0);
  return `<section class="system" id="system-${i}" data-index="${i}" data-system="${esc(system.key)}"${i > 0 ? ' hidden' : ''}>
${many ? `<h2>Model <code>${esc(system.key)}</code></h2>` : ''}
<h2>Results</h2>
<p class="note">${system.pairedSamples} paired samples; modes: ${system.table.map((t) => esc(t.name)).join(', ')}.${truncated ? ` <span class="warn">${truncated} answer(s) cut at max tokens.</span>` : ''}</p>
${mainTableHtml(system)}
${
  system.deltas.length > 0
    ? `<h2>Mutual Reinforcement Effect (joint − single)</h2>
<p class="note">Paired bootstrap percentile CI (${report.options.bootstrap} resamples, seed ${report.options.seed}; corpus metrics recomputed from resampled per-sample statistics) and two-sided paired approximate-randomization p-value; p (Holm): adjusted across the metrics of this table.</p>
<div class="chart">${deltaChartSvg(system.deltas, report.options.alpha)}</div>
${deltaTableHtml(system, report.options.alpha)}`
    : '<p class="note">No MRE delta: the joint mode and the matching single mode are not both present.</p>'
}
<h2>Per mode</h2>
${detailsHtml(system)}
</section>`;
}

/**
 * Renders the report as one self-contained HTML file: inline CSS, JS and SVG, no network request
 * (a Content-Security-Policy forbids any). The tables, the delta chart and the settings are rendered
 * here; the sample gallery is rendered in the browser, one page at a time, from an embedded JSON of
 * compact per-sample data (see `GalleryItem`) and one small JPEG thumbnail per sample (or relative
 * links to the image files, see `images`), so the file stays small and opens fast at full size.
 */
export async function renderHtml(report: Report, options: HtmlOptions = {}): Promise<string> {
  const mode = options.images ?? 'embed';
  const all = galleryItems(report);
  const items = all.slice(0, options.maxSamples ?? all.length);
  const thumb = options.maxImageSize ?? THUMBNAIL_SIZE;
  const images = await prepareImages(
    items.map((it) => it.image),
    {
      mode,
      outFile: options.outFile,
      maxWidth: thumb,
      quality: options.imageQuality ?? THUMBNAIL_QUALITY,
      concurrency: options.concurrency,
    },
  );
  const title = options.title ?? 'M-MRE report: single-task vs joint';
  const imgSrc = mode === 'relative' ? "data: 'self' file:" : 'data:';
  const csp = `default-src 'none'; img-src ${imgSrc}; style-src 'unsafe-inline'; script-src 'unsafe-inline'`;
  const stemNote = report.options.stemmer ? ' (Porter stemmer)' : '';
  const present = GALLERY_MODES.filter((m) => report.modes.includes(m));
  const data = galleryDataHtml(
    {
      images: mode,
      thumb,
      modes: present.map((m): [Mode, string] => [m, MODE_NAMES[m]]),
      systems: report.systems.map((s) => s.key),
    },
    items,
    images.map((im): GalleryPicture => [im.href, im.width, im.height, im.problem]),
  );
  const capped = items.length < all.length ? ` (first ${items.length} of ${all.length} samples)` : '';
  const many = report.systems.length > 1;
  const selector = many
    ? `<div class="controls" id="model-bar"><label>model <select id="model">${report.systems
        .map((s, i) => `<option value="${i}">${esc(s.key)}</option>`)
        .join(
          '',
        )}</select></label><span class="note">the tables, the delta chart and the gallery's joint − single deltas follow it</span></div>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}${GALLERY_CSS}</style></head>
<body><main>
<h1>${esc(title)}</h1>
<p class="note">${many ? `${report.systems.length} models: ${report.systems.map((s) => `${esc(s.key)} (${s.pairedSamples} paired samples)`).join(', ')}. ` : ''}All values in points (fraction × 100): ROUGE = mean per-sample F-measure${stemNote}, BLEU = corpus sacreBLEU, NER F1 = micro, Image–Entity Accuracy = micro (Σcorrect / Σgold). n/a: the mode does not do that task; no answer: every call of the mode errored.</p>
${selector}
${report.systems.map((s, i) => systemSectionHtml(report, s, i)).join('\n')}
${
  report.comparisons.length
    ? `<h2>Model against model</h2>
<p class="note">Per mode, on the samples both models answered: a − b with its paired bootstrap percentile CI and two-sided paired approximate-randomization p-value; p (Holm): adjusted across the metrics of each pair and mode.</p>
${comparisonTableHtml(report.comparisons, report.options.alpha)}`
    : ''
}
${report.warnings.length ? `<h2>Warnings</h2><ul>${report.warnings.map((w) => `<li class="warn">${esc(w)}</li>`).join('')}</ul>` : ''}
<h2 id="samples">Samples</h2>
<p class="legend"><span class="chip gold">gold</span><span class="chip hit">predicted, correct</span><span class="chip miss">predicted, wrong</span><span class="chip fn">gold, missed</span> Boxes are the gold segments, lettered as in the prompt; click a picture for a larger view.</p>
${controlsHtml(report, items.length, capped)}
<noscript><p class="note warn">The sample gallery is drawn by the page's inline script; enable JavaScript to see it.</p></noscript>
<div class="gallery" id="gallery"></div>
<dialog id="zoom" aria-label="larger view"></dialog>
</main>
<script type="application/json" id="mmre-report">${embeddedJson(report)}</script>
${data}
<script>${GALLERY_SCRIPT}</script>
</body></html>
`;
}
