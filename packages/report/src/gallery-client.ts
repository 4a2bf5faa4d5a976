// The browser side of the HTML report's sample gallery: the embedded data layout, CSS and an inline
// script (plain ES2017, no dependency). The page carries
//   <script type="application/json" id="mmre-gallery">    GalleryHead: models, modes, image mode, and an
//       index row [id, text, MRE deltas, per-sample scores] per sample (all that sort, filter and search need)
//   <script type="application/json" class="mmre-sample">  per sample, in index order: the rest of its card
//   <script type="application/json" class="mmre-picture"> per sample: its picture (thumbnail data URL)
// Thousands of small blocks, not one big one: Chromium's parser gets through many small elements about
// twice as fast as one multi-megabyte text node (measured), and a block is JSON.parse'd only when its
// card is drawn. The script sorts, filters and searches over the index and builds only the current
// page of cards with DOM calls (textContent / setAttribute, never innerHTML), so answers always show
// as text.
import type { Mode } from '@mmre/core';
import type { GalleryItem } from './gallery.js';
import { GALLERY_MODES, GALLERY_SCORES, scriptJson } from './gallery.js';

/** A sample's picture: `[href | null, width, height, problem | null]` (size = the boxes' frame). */
export type GalleryPicture = [string | null, number, number, string | null];

/** One index row: `[id, text, deltas, scores]` (GalleryItem's `deltas` and `scores`, points, null = n/a). */
export type GalleryIndexRow = [string, string, (number | null)[], (number | null)[]];

/** A sample's block: its item without what the index row and the picture carry (and the image path). */
export type GallerySampleBlock = Omit<GalleryItem, 'image' | 'id' | 'text' | 'deltas' | 'scores'>;

export interface GalleryHead {
  /** How pictures are given: data URLs of thumbnails, relative links, or none. */
  images: 'embed' | 'relative' | 'none';
  /** Longest side of embedded thumbnails in pixels. */
  thumb: number;
  /** The modes present, in card order, with their display names. */
  modes: [Mode, string][];
  /** The models (report.systems order): the answers, deltas and scores of an item are in this order. */
  systems: string[];
  index: GalleryIndexRow[];
}

/** The embedded data of the gallery: the head block, then a sample block and a picture block per sample. */
export function galleryDataHtml(
  head: Omit<GalleryHead, 'index'>,
  items: readonly GalleryItem[],
  pictures: readonly GalleryPicture[],
): string {
  const index = items.map((it): GalleryIndexRow => [it.id, it.text, it.deltas, it.scores]);
  const blocks = items.map((it, i) => {
    const { image: _image, id: _id, text: _text, deltas: _deltas, scores: _scores, ...rest } = it;
    const block: GallerySampleBlock = rest;
    const picture: GalleryPicture = pictures[i] ?? [null, 1, 1, 'no picture'];
    return (
      `<script type="application/json" class="mmre-sample">${scriptJson(block)}</script>` +
      `<script type="application/json" class="mmre-picture">${scriptJson(picture)}</script>`
    );
  });
  return `<script type="application/json" id="mmre-gallery">${scriptJson({ ...head, index })}</script>\n${blocks.join('\n')}`;
}

/** Width of a card's picture in CSS pixels (the script sizes the segment letters for it). */
export const CARD_IMAGE_PX = 180;

export const GALLERY_CSS = `
.controls input,.controls button{font:inherit}.controls input[type=search]{width:15em;padding:2px 6px}
.controls input[type=number]{width:4.5em;padding:1px 4px}.controls button{padding:1px 9px;cursor:pointer}
.controls button:disabled{cursor:default}.pager{display:inline-flex;gap:4px;align-items:center}
button.thumb{display:block;width:100%;padding:0;border:0;background:none;cursor:zoom-in}
button.thumb .box rect{stroke-width:2}
dialog#zoom{border:0;border-radius:6px;padding:10px;max-width:96vw;max-height:96vh;overflow:auto;cursor:zoom-out}
dialog#zoom::backdrop{background:rgba(20,24,30,.65)}dialog#zoom figure{margin:0}
.gallery>p.none{margin:12px 4px}
.card header .vs{font-size:12.5px;color:var(--muted)}.card header .vs span{margin-left:10px;font-variant-numeric:tabular-nums}
`;

export const GALLERY_SCRIPT = String.raw`
(function () {
  'use strict';
  performance.mark('mmre-gallery-start');
  var byId = function (id) { return document.getElementById(id); };
  var head = JSON.parse(byId('mmre-gallery').textContent), index = head.index, modes = head.modes, systems = head.systems;
  var blocks = document.querySelectorAll('script.mmre-sample'), pics = document.querySelectorAll('script.mmre-picture');
  var NS = 'http://www.w3.org/2000/svg', CARD_W = ${CARD_IMAGE_PX};
  var ALL_MODES = ${JSON.stringify(GALLERY_MODES)}, SCORES = ${JSON.stringify(GALLERY_SCORES)};
  var gallery = byId('gallery'), dlg = byId('zoom'), shown = byId('shown');
  var c = {
    metric: byId('sort-metric'), order: byId('sort-order'), filter: byId('filter'), on: byId('filter-metric'),
    q: byId('search'), size: byId('page-size'), page: byId('page-num'), pages: byId('page-count'),
    range: byId('page-range'), first: byId('page-first'), prev: byId('page-prev'), next: byId('page-next'), last: byId('page-last'),
    model: byId('model'), modelB: byId('model-b'), vsMode: byId('vs-mode')
  };
  var hay = index.map(function (r) { return (r[0] + '\n' + r[1]).toLowerCase(); });
  var view = [], page = 0;

  function fin(x) { return typeof x === 'number' && isFinite(x); }
  // The chosen model (tables, MRE deltas) and the one it is compared with, by index in systems.
  function sel() { return c.model ? Number(c.model.value) || 0 : 0; }
  function selB() { return c.modelB ? Number(c.modelB.value) || 0 : 0; }
  function vsMode() { return c.vsMode ? c.vsMode.value : 'joint'; }
  // Model s's joint − single delta of score k on sample i; model s's per-sample score k in a mode.
  function mre(i, s, k) { var x = index[i][2][s * 3 + SCORES.indexOf(k)]; return fin(x) ? x : null; }
  function score(i, s, mode, k) {
    var x = index[i][3][(s * 3 + ALL_MODES.indexOf(mode)) * 3 + SCORES.indexOf(k)];
    return fin(x) ? x : null;
  }
  // Chosen model − compared model on sample i, score k, in the compared mode (rounded like the scores).
  function vs(i, k) {
    var a = score(i, sel(), vsMode(), k), b = score(i, selB(), vsMode(), k);
    return a === null || b === null ? null : Math.round((a - b) * 1e6) / 1e6;
  }
  // Sample i: its blocks (parsed now, for its card) joined with its index row.
  function load(i) {
    var it = JSON.parse(blocks[i].textContent), r = index[i], s = sel();
    it.id = r[0];
    it.text = r[1];
    it.deltas = { rougeL: mre(i, s, 'rougeL'), nerF1: mre(i, s, 'nerF1'), accuracy: mre(i, s, 'accuracy') };
    return { it: it, pic: JSON.parse(pics[i].textContent) };
  }
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function s(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function tn(t) { return document.createTextNode(t); }
  function points(x) { return fin(x) ? x.toFixed(2) : 'n/a'; }
  function signed(x) {
    if (!fin(x)) return 'n/a';
    var t = x.toFixed(2);
    return x > 0 || (x === 0 && t.charAt(0) !== '-') ? '+' + t : t;
  }

  function chip(a, b, cls, pair) {
    var e = h('span', 'chip ' + cls);
    if (pair) { e.appendChild(h('b', null, a)); e.appendChild(tn(' \u2192 ' + b)); }
    else { e.appendChild(tn(a + ' ')); e.appendChild(h('small', null, b)); }
    return e;
  }
  function none(t) { return h('span', 'none', t || 'none'); }
  function chips(list, pair, td) {
    if (!list.length) td.appendChild(none());
    list.forEach(function (x) { td.appendChild(chip(x[0], x[1], 'gold', pair)); });
  }
  function marked(m, pair, score) {
    var d = h('div', pair ? 'pairs' : 'ents'), hits = 0;
    m.pred.forEach(function (p) { if (p[2]) hits++; d.appendChild(chip(p[0], p[1], p[2] ? 'hit' : 'miss', pair)); });
    m.missed.forEach(function (g) { d.appendChild(chip(g[0], g[1], 'fn', pair)); });
    if (!m.pred.length && !m.missed.length) d.appendChild(none());
    d.appendChild(tn(' '));
    d.appendChild(h('span', 'score', score));
    d.setAttribute('data-hits', String(hits));
    return d;
  }
  function row(table, th, mode, cls, system) {
    var tr = h('tr', cls), td = h('td');
    if (mode) tr.setAttribute('data-mode', mode);
    if (system !== undefined) tr.setAttribute('data-system', String(system));
    tr.appendChild(h('th', null, th));
    tr.appendChild(td);
    table.appendChild(tr);
    return td;
  }

  // The boxes' frame: the original image size, or (image unreadable) the boxes' extent.
  function frame(x) {
    var p = x.pic, W = p[1], H = p[2];
    if (p[3] || !(W > 1 && H > 1)) {
      W = 4; H = 3;
      x.it.boxes.forEach(function (b) { W = Math.max(W, b[3]); H = Math.max(H, b[4]); });
    }
    return { href: p[0], W: W, H: H, problem: p[3] };
  }
  // The picture with the gold boxes, in the image's own pixel frame, shown 'width' CSS px wide with
  // segment letters 'px' CSS px high.
  function picture(x, width, px) {
    var it = x.it, f = frame(x), W = f.W, H = f.H;
    var fs = Math.max(1, Math.round((px * W) / width));
    var svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': it.id + ', ' + it.boxes.length + ' boxes' });
    svg.appendChild(f.href
      ? s('image', { href: f.href, x: 0, y: 0, width: W, height: H, preserveAspectRatio: 'none' })
      : s('rect', { width: W, height: H, fill: '#ddd' }));
    it.boxes.forEach(function (b) {
      var g = s('g', { 'class': 'box', 'data-segment': b[0] });
      g.appendChild(s('rect', { x: b[1], y: b[2], width: Math.max(1, b[3] - b[1]), height: Math.max(1, b[4] - b[2]) }));
      g.appendChild(s('rect', { 'class': 'tag', x: b[1], y: b[2], width: fs * (0.75 + 0.62 * b[0].length), height: fs * 1.25 }));
      var t = s('text', { x: b[1] + fs * 0.3, y: b[2] + fs });
      t.style.fontSize = fs + 'px';
      t.textContent = b[0];
      g.appendChild(t);
      svg.appendChild(g);
    });
    return svg;
  }
  function figure(x) {
    var it = x.it, f = frame(x), fig = h('figure'), b = h('button', 'thumb');
    b.type = 'button';
    b.title = 'larger view';
    b.appendChild(picture(x, CARD_W, 11));
    b.addEventListener('click', function () { zoom(x); });
    fig.appendChild(b);
    fig.appendChild(f.problem
      ? h('figcaption', 'warn', f.problem)
      : h('figcaption', null, f.W + '\u00d7' + f.H + ', ' + it.segments + ' segment' + (it.segments === 1 ? '' : 's')));
    return fig;
  }
  function zoom(x) {
    var f = frame(x);
    var w = Math.max(160, Math.min(innerWidth * 0.9 - 20, ((innerHeight * 0.9 - 70) * f.W) / f.H, Math.max(f.W, 720)));
    var fig = h('figure');
    fig.style.width = Math.round(w) + 'px';
    fig.appendChild(picture(x, w, 15));
    var what = !f.href ? 'no picture' : head.images === 'embed' ? 'the ' + head.thumb + ' px thumbnail, scaled up' : 'the image file';
    fig.appendChild(h('figcaption', null, x.it.id + ' \u2014 ' + what + '; original ' + f.W + '\u00d7' + f.H + '. Click or Esc to close.'));
    dlg.replaceChildren(fig);
    dlg.showModal();
  }
  dlg.addEventListener('click', function () { dlg.close(); });

  function card(i) {
    var x = load(i), it = x.it, d = it.deltas, a = h('article', 'card'), top = h('header'), ds = h('div', 'deltas');
    a.setAttribute('data-idx', String(i));
    a.setAttribute('data-id', it.id);
    SCORES.forEach(function (m) { a.setAttribute('data-d-' + m, fin(d[m]) ? String(d[m]) : ''); });
    top.appendChild(h('h3', null, it.id));
    [['ROUGE-L', d.rougeL], ['NER F1', d.nerF1], ['Acc', d.accuracy]].forEach(function (p) {
      var v = p[1];
      ds.appendChild(h('span', !fin(v) ? '' : v > 0 ? 'pos' : v < 0 ? 'neg' : '', '\u0394' + p[0] + ' ' + signed(v)));
    });
    if (systems.length > 1) {
      var vd = h('div', 'vs');
      vd.appendChild(h('b', null, systems[sel()] + ' \u2212 ' + systems[selB()] + ' (' + vsMode() + ')'));
      [['ROUGE-L', 'rougeL'], ['NER F1', 'nerF1'], ['Acc', 'accuracy']].forEach(function (p) {
        var v = vs(i, p[1]);
        a.setAttribute('data-vs-' + p[1], v === null ? '' : String(v));
        vd.appendChild(h('span', !fin(v) ? '' : v > 0 ? 'pos' : v < 0 ? 'neg' : '', p[0] + ' ' + signed(v)));
      });
      top.appendChild(vd);
    }
    top.appendChild(ds);
    a.appendChild(top);
    var body = h('div', 'cbody'), t = h('table', 'cmp');
    body.appendChild(figure(x));
    row(t, 'Text').appendChild(h('p', 'text', it.text));
    // Every model's answer, mode by mode, side by side.
    var answers = [];
    modes.forEach(function (m) {
      it.answers.forEach(function (ans, si) {
        if (ans && ans[m[0]]) answers.push({ mode: m[0], name: systems.length > 1 ? m[1] + ' \u00b7 ' + systems[si] : m[1], si: si, r: ans[m[0]] });
      });
    });
    var t2 = answers.filter(function (x) { return x.r.t2; }), t1 = answers.filter(function (x) { return x.r.t1; });
    if (t2.length) {
      chips(it.gold.entities, false, row(t, 'Gold entities', null, 'gold'));
      chips(it.gold.pairs, true, row(t, 'Gold pairs', null, 'gold'));
      t2.forEach(function (x) {
        var r = x.r.t2, td = row(t, x.name, x.mode, null, x.si);
        td.appendChild(marked(r.entities, false, 'F1 ' + points(r.nerF1)));
        td.appendChild(marked(r.pairs, true, 'acc ' + points(r.accuracy)));
      });
    }
    if (t1.length) {
      row(t, 'Gold summary', null, 'gold').appendChild(h('p', 'summ', it.gold.summary || ''));
      t1.forEach(function (x) {
        var r = x.r.t1, td = row(t, x.name, x.mode, null, x.si), p = h('p', 'summ');
        if (r.summary) p.textContent = r.summary;
        else p.appendChild(none('no summary'));
        td.appendChild(p);
        td.appendChild(h('span', 'score', 'R-1 ' + points(r.rouge1) + ' \u00b7 R-2 ' + points(r.rouge2) + ' \u00b7 R-L ' + points(r.rougeL)));
      });
    }
    answers.forEach(function (x) {
      var r = x.r;
      if (!r.error && !r.format) return;
      var td = row(t, x.name, x.mode, null, x.si);
      td.className = 'warn';
      td.textContent = r.error ? 'error: ' + r.error : 'format: ' + (r.format.join(', ') || 'non-compliant');
    });
    body.appendChild(t);
    a.appendChild(body);
    return a;
  }

  // The value a sort or filter key reads: a Δ of the chosen model (joint − single), or 'vs:<score>'
  // (chosen model − compared model in the compared mode).
  function delta(i, key) { return key.indexOf('vs:') === 0 ? vs(i, key.slice(3)) : mre(i, sel(), key); }
  function keep(i, f, on, q) {
    var x = delta(i, on);
    if (f === 'better' && !(x !== null && x > 0)) return false;
    if (f === 'worse' && !(x !== null && x < 0)) return false;
    if (f === 'tie' && x !== 0) return false;
    if (f === 'na' && x !== null) return false;
    return !q || hay[i].indexOf(q) >= 0;
  }
  function apply() {
    var m = c.metric.value, asc = c.order.value === 'asc', f = c.filter.value, on = c.on.value;
    var q = c.q.value.trim().toLowerCase(), list = [];
    for (var i = 0; i < index.length; i++) if (keep(i, f, on, q)) list.push(i);
    if (m === 'id') {
      if (!asc) list.reverse();
    } else {
      list.sort(function (a, b) {
        var x = delta(a, m), y = delta(b, m);
        if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
        return (asc ? x - y : y - x) || a - b;
      });
    }
    view = list;
    page = 0;
    render();
  }
  function pageCount() { return Math.max(1, Math.ceil(view.length / Number(c.size.value))); }
  function render() {
    var size = Number(c.size.value), n = pageCount();
    page = Math.min(Math.max(0, page), n - 1);
    var start = page * size, end = Math.min(view.length, start + size), frag = document.createDocumentFragment();
    for (var k = start; k < end; k++) frag.appendChild(card(view[k]));
    if (!view.length) frag.appendChild(h('p', 'none', 'No sample matches.'));
    gallery.replaceChildren(frag);
    shown.textContent = String(view.length);
    c.page.value = String(page + 1);
    c.page.max = String(n);
    c.pages.textContent = String(n);
    c.range.textContent = view.length ? '(' + (start + 1) + '\u2013' + end + ')' : '';
    c.first.disabled = c.prev.disabled = page === 0;
    c.next.disabled = c.last.disabled = page >= n - 1;
  }
  function go(p) {
    page = p;
    render();
    var top = byId('samples');
    if (top && top.getBoundingClientRect().top < 0) top.scrollIntoView();
  }

  // The model selector also picks which model's tables and delta chart show.
  function showModel() {
    var s = String(sel());
    document.querySelectorAll('section.system').forEach(function (e) { e.hidden = e.getAttribute('data-index') !== s; });
  }
  c.metric.addEventListener('change', function () { if (c.metric.value !== 'id') c.on.value = c.metric.value; apply(); });
  [c.order, c.filter, c.on, c.size, c.modelB, c.vsMode].forEach(function (e) { if (e) e.addEventListener('change', apply); });
  if (c.model) c.model.addEventListener('change', function () { showModel(); apply(); });
  showModel();
  c.q.addEventListener('input', apply);
  c.page.addEventListener('change', function () { go((parseInt(c.page.value, 10) || 1) - 1); });
  c.first.addEventListener('click', function () { go(0); });
  c.prev.addEventListener('click', function () { go(page - 1); });
  c.next.addEventListener('click', function () { go(page + 1); });
  c.last.addEventListener('click', function () { go(pageCount() - 1); });
  if (c.metric.value !== 'id') c.on.value = c.metric.value;
  apply();
  performance.measure('mmre-gallery', 'mmre-gallery-start');
})();
`;
