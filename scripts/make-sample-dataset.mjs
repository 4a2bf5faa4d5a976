#!/usr/bin/env node
// Builds datasets/mmre-sample: a small M-MRE-style dataset the project draws itself.
//
// Each image is an SVG scene (basketball and football games, concert stages, city signs,
// products, press conferences, cinemas, races) rendered with sharp, so the names a model must
// read (team names, jersey names and numbers, band banners, city signs, logos) are really in the
// pixels. Segment images are cropped from the drawn objects' boxes. Texts, entities, gold pairs
// and the 40–90-word summaries are written by hand below. Everything is deterministic: the same
// script on the same sharp/libvips and fonts gives the same files.
//
// Usage: node scripts/make-sample-dataset.mjs [--out DIR]   (default: datasets/mmre-sample)
// Needs the workspace built (`pnpm build`): it writes through @mmre/dataset.
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, segmentId } from '@mmre/core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromDataset = createRequire(join(repo, 'packages/dataset/package.json'));
const sharp = requireFromDataset('sharp');
const { writeDataset, validate } = await import('@mmre/dataset');

const argOut = process.argv.indexOf('--out');
const OUT = resolve(argOut !== -1 ? process.argv[argOut + 1] : join(repo, 'datasets/mmre-sample'));
const W = 640;
const H = 480;
const QUALITY = 80;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

// ---------------------------------------------------------------- drawing helpers

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Text centred at (x, y), shrunk to fit `maxWidth` (a DejaVu Sans Bold capital is ≈ 0.7 em wide; 0.76 leaves a margin). */
function text(x, y, s, { size = 24, maxWidth = 1000, fill = '#fff', weight = 'bold', anchor = 'middle' } = {}) {
  const fit = Math.min(size, maxWidth / (s.length * 0.76));
  return `<text x="${x}" y="${y}" font-family="${FONT}" font-size="${fit.toFixed(1)}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}" dominant-baseline="middle">${esc(s)}</text>`;
}
const rect = (x, y, w, h, fill, extra = '') =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}" ${extra}/>`;
const circle = (x, y, r, fill, extra = '') => `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}" ${extra}/>`;

function crowd(seed, y0, y1, { dark = false } = {}) {
  const r = mulberry32(seed);
  const palette = dark
    ? ['#2a2a3a', '#33334a', '#3d3550', '#25303d']
    : ['#c0392b', '#2980b9', '#f1c40f', '#8e44ad', '#16a085', '#ecf0f1', '#d35400'];
  let out = '';
  for (let y = y0; y < y1; y += 14)
    for (let x = 6 + ((y / 14) % 2) * 7; x < W; x += 14)
      out += circle(x, y, 6, palette[Math.floor(r() * palette.length)]);
  return out;
}

/** A player seen from behind: jersey with surname and number. Box = the whole figure. */
function player({ x, y, s = 1, jersey, trim = '#fff', name, number, skin = '#c68642', shorts, ball = false }) {
  const w = 90 * s;
  const cx = x + w / 2;
  let g = '';
  g += rect(cx - 22 * s, y + 150 * s, 16 * s, 70 * s, skin); // legs
  g += rect(cx + 6 * s, y + 150 * s, 16 * s, 70 * s, skin);
  g += rect(cx - 26 * s, y + 214 * s, 22 * s, 8 * s, '#222'); // shoes
  g += rect(cx + 4 * s, y + 214 * s, 22 * s, 8 * s, '#222');
  g += rect(cx - 32 * s, y + 120 * s, 64 * s, 40 * s, shorts ?? jersey, `stroke="${trim}" stroke-width="${2 * s}"`);
  g += rect(x, y + 40 * s, 14 * s, 60 * s, skin, `rx="${6 * s}"`); // arms
  g += rect(x + w - 14 * s, y + 40 * s, 14 * s, 60 * s, skin, `rx="${6 * s}"`);
  g += rect(cx - 34 * s, y + 34 * s, 68 * s, 92 * s, jersey, `rx="${8 * s}" stroke="${trim}" stroke-width="${3 * s}"`);
  g += circle(cx, y + 18 * s, 18 * s, skin);
  g += text(cx, y + 52 * s, name.toUpperCase(), { size: 14 * s, maxWidth: 62 * s, fill: trim });
  g += text(cx, y + 90 * s, String(number), { size: 40 * s, maxWidth: 60 * s, fill: trim });
  if (ball) g += circle(x + w + 8 * s, y + 96 * s, 14 * s, '#e67e22', `stroke="#7f3b08" stroke-width="${2 * s}"`);
  const box = {
    xmin: Math.floor(x),
    ymin: Math.floor(y),
    xmax: Math.ceil(x + w + (ball ? 24 * s : 0)),
    ymax: Math.ceil(y + 224 * s),
  };
  return { svg: g, box };
}

/** A football (soccer) ball. */
const football = (x, y, r) =>
  circle(x, y, r, '#fff', 'stroke="#111" stroke-width="2"') + circle(x, y, r * 0.35, '#111');

/** A framed banner with a name; box = the banner. */
function banner({ x, y, w, h, label, bg, fg = '#fff', border = '#111', sub }) {
  let g = rect(x, y, w, h, bg, `stroke="${border}" stroke-width="4" rx="6"`);
  g += text(x + w / 2, y + h / (sub ? 2.6 : 2), label, { size: h * 0.5, maxWidth: w - 20, fill: fg });
  if (sub) g += text(x + w / 2, y + h * 0.78, sub, { size: h * 0.2, maxWidth: w - 20, fill: fg, weight: 'normal' });
  return { svg: g, box: { xmin: x - 2, ymin: y - 2, xmax: x + w + 2, ymax: y + h + 2 } };
}

/** A green road sign on two posts; box = sign and posts. */
function roadSign({ x, y, w, h, top = 'WELCOME TO', city }) {
  let g = rect(x + w * 0.2, y + h, 8, 120, '#777') + rect(x + w * 0.8 - 8, y + h, 8, 120, '#777');
  g += rect(x, y, w, h, '#1e7f3c', 'stroke="#fff" stroke-width="4" rx="8"');
  g += text(x + w / 2, y + h * 0.3, top, { size: h * 0.2, maxWidth: w - 30 });
  g += text(x + w / 2, y + h * 0.66, city.toUpperCase(), { size: h * 0.36, maxWidth: w - 30 });
  return { svg: g, box: { xmin: x - 2, ymin: y - 2, xmax: x + w + 2, ymax: y + h + 120 } };
}

/** A brand emblem (circle or hexagon) with a wordmark under it; box = emblem and wordmark. */
function logo({ cx, cy, r, brand, color, shape = 'circle', initial, fg = '#fff', word = '#111' }) {
  let g = '';
  if (shape === 'circle') g += circle(cx, cy, r, color);
  else {
    const pts = Array.from({ length: 6 }, (_, i) => {
      const a = (Math.PI / 3) * i + Math.PI / 6;
      return `${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`;
    }).join(' ');
    g += `<polygon points="${pts}" fill="${color}"/>`;
  }
  g += text(cx, cy + 2, initial ?? brand[0], { size: r * 1.1, fill: fg });
  g += text(cx, cy + r + 22, brand.toUpperCase(), { size: 22, maxWidth: r * 4, fill: word });
  const half = Math.max(r, Math.min(r * 2, (brand.length * 22 * 0.62) / 2));
  return {
    svg: g,
    box: { xmin: Math.floor(cx - half - 4), ymin: cy - r - 4, xmax: Math.ceil(cx + half + 4), ymax: cy + r + 38 },
  };
}

/** A person at a podium with a one- or two-line nameplate; box = person and podium. */
function speaker({ x, y, suit, name, skin = '#e0ac69', tie = '#c0392b' }) {
  const lines = [name].flat();
  let g = circle(x + 75, y + 30, 26, skin);
  g += rect(x + 35, y + 58, 80, 90, suit, 'rx="10"');
  g += `<polygon points="${x + 70},${y + 60} ${x + 80},${y + 60} ${x + 77},${y + 110} ${x + 73},${y + 110}" fill="${tie}"/>`;
  g += rect(x, y + 120, 150, 140, '#5d4037', 'stroke="#3e2723" stroke-width="3"');
  g += rect(x + 6, y + 142, 138, 50, '#f5f5f5');
  lines.forEach((l, i) => {
    const cy = lines.length === 1 ? y + 167 : y + 155 + i * 24;
    g += text(x + 75, cy, l, { size: 18, maxWidth: 132, fill: '#111' });
  });
  return { svg: g, box: { xmin: x - 2, ymin: y, xmax: x + 152, ymax: y + 262 } };
}

/** A film poster in a frame; box = poster. */
function poster({ x, y, w, h, title, tagline, bg, accent, fg = '#fff' }) {
  let g = rect(x - 6, y - 6, w + 12, h + 12, '#222');
  g += rect(x, y, w, h, bg);
  g += circle(x + w / 2, y + h * 0.42, w * 0.28, accent);
  g += text(x + w / 2, y + h * 0.78, title.toUpperCase(), { size: 26, maxWidth: w - 16, fill: fg });
  if (tagline) g += text(x + w / 2, y + h * 0.9, tagline, { size: 12, maxWidth: w - 16, weight: 'normal', fill: fg });
  return { svg: g, box: { xmin: x - 6, ymin: y - 6, xmax: x + w + 6, ymax: y + h + 6 } };
}

/** A runner seen from the front with a race bib; box = runner. */
function runner({ x, y, shirt, bib, skin = '#a0522d' }) {
  let g = circle(x + 40, y + 18, 17, skin);
  g += rect(x + 14, y + 38, 52, 80, shirt, 'rx="8"');
  g += rect(x + 20, y + 58, 40, 30, '#fff', 'stroke="#111" stroke-width="1.5"');
  g += text(x + 40, y + 74, String(bib), { size: 18, maxWidth: 36, fill: '#111' });
  g += rect(x + 18, y + 118, 44, 26, '#222');
  g += `<line x1="${x + 28}" y1="${y + 144}" x2="${x + 12}" y2="${y + 200}" stroke="${skin}" stroke-width="12"/>`;
  g += `<line x1="${x + 52}" y1="${y + 144}" x2="${x + 68}" y2="${y + 196}" stroke="${skin}" stroke-width="12"/>`;
  g += rect(x, y + 44, 12, 50, skin, 'rx="6"') + rect(x + 68, y + 44, 12, 50, skin, 'rx="6"');
  return { svg: g, box: { xmin: x - 4, ymin: y, xmax: x + 84, ymax: y + 206 } };
}

// ---------------------------------------------------------------- scene backgrounds

const bg = {
  court: (seed, board) =>
    rect(0, 0, W, H, '#3b2f2f') +
    crowd(seed, 10, 150) +
    rect(0, 160, W, H - 160, '#d9a066') +
    `<line x1="0" y1="300" x2="${W}" y2="300" stroke="#fff" stroke-width="3"/>` +
    `<ellipse cx="320" cy="390" rx="120" ry="40" fill="none" stroke="#fff" stroke-width="3"/>` +
    rect(560, 180, 60, 44, '#fff', 'stroke="#c00" stroke-width="3"') +
    `<ellipse cx="590" cy="232" rx="18" ry="5" fill="none" stroke="#e74c3c" stroke-width="3"/>` +
    (board ? rect(220, 8, 200, 44, '#111') + text(320, 30, board, { size: 20, maxWidth: 190, fill: '#f1c40f' }) : ''),
  pitch: (seed) =>
    rect(0, 0, W, H, '#87ceeb') +
    crowd(seed, 8, 110) +
    rect(0, 118, W, H - 118, '#2e8b57') +
    Array.from({ length: 6 }, (_, i) => rect(0, 150 + i * 60, W, 30, '#379a63')).join('') +
    `<line x1="320" y1="118" x2="320" y2="${H}" stroke="#fff" stroke-width="3"/>` +
    `<circle cx="320" cy="320" r="60" fill="none" stroke="#fff" stroke-width="3"/>`,
  stage: (seed) =>
    rect(0, 0, W, H, '#0b0b1a') +
    `<polygon points="90,0 150,0 260,330 120,330" fill="#fff7c2" opacity="0.18"/>` +
    `<polygon points="490,0 550,0 520,330 380,330" fill="#c2e7ff" opacity="0.18"/>` +
    rect(40, 300, 560, 40, '#3a2a1a') +
    crowd(seed, 360, H, { dark: true }),
  city: (seed) => {
    const r = mulberry32(seed);
    let g = rect(0, 0, W, H, '#9ecbf0') + circle(560, 70, 34, '#fff3b0');
    for (let x = 0; x < W; x += 46) {
      const h = 90 + Math.floor(r() * 150);
      g += rect(x, 300 - h, 42, h, ['#7f8c8d', '#95a5a6', '#6c7a89', '#8395a7'][Math.floor(r() * 4)]);
      for (let wy = 300 - h + 10; wy < 290; wy += 22)
        g += rect(x + 8, wy, 8, 10, '#d6eaf8') + rect(x + 26, wy, 8, 10, '#d6eaf8');
    }
    return g + rect(0, 300, W, H - 300, '#555') + rect(0, 388, W, 6, '#f1c40f');
  },
  shop: () =>
    rect(0, 0, W, H, '#f4ecd8') +
    rect(0, 330, W, H - 330, '#8d6e63') +
    rect(0, 322, W, 10, '#6d4c41') +
    `<line x1="0" y1="60" x2="${W}" y2="60" stroke="#e0d5bd" stroke-width="2"/>`,
  press: (seed, org, color) => {
    let g = rect(0, 0, W, H, '#e8eef3');
    const r = mulberry32(seed);
    void r;
    for (let y = 20; y < 300; y += 90)
      for (let x = (y / 90) % 2 ? 60 : 10; x < W; x += 160)
        g +=
          circle(x + 30, y + 20, 16, color, 'opacity="0.35"') +
          text(x + 30, y + 52, org.toUpperCase(), { size: 13, maxWidth: 140, fill: '#7b8a97' });
    return g + rect(0, 380, W, H - 380, '#34495e');
  },
  cinema: () =>
    rect(0, 0, W, H, '#3d1f1f') +
    rect(0, 400, W, H - 400, '#222') +
    Array.from({ length: 16 }, (_, i) => circle(20 + i * 40, 20, 6, '#ffd54f')).join(''),
  road: (seed) =>
    rect(0, 0, W, H, '#b3e5fc') +
    crowd(seed, 170, 215) +
    rect(0, 220, W, H - 220, '#6d6d6d') +
    `<line x1="0" y1="350" x2="${W}" y2="350" stroke="#fff" stroke-width="4" stroke-dasharray="30 20"/>`,
};

// ---------------------------------------------------------------- the samples (hand-written)
// Each: id, split, text, entities [label, text], scene(): { bg, objects: [{ draw, entity? }] }.
// Objects with an `entity` (string or list) become segments a, b, … in order, with a gold pair each.

const P = 'person';
const O = 'organization';
const L = 'location';
const X = 'other';

const SAMPLES = [
  {
    id: 'mmre-s001',
    split: 'test',
    text: 'Riverside Hawks edge Lakeport Bears 98-91 as Maya Torres drops 31 in Riverside #HoopsNight',
    entities: [
      [O, 'Riverside Hawks'],
      [O, 'Lakeport Bears'],
      [P, 'Maya Torres'],
      [L, 'Riverside'],
      [X, 'HoopsNight'],
    ],
    scene: () => ({
      bg: bg.court(1, 'HAWKS 98  BEARS 91'),
      objects: [
        {
          draw: player({ x: 150, y: 190, s: 1.1, jersey: '#1f4e9c', name: 'Torres', number: 7, ball: true }),
          entity: 'Maya Torres',
        },
        {
          draw: player({
            x: 360,
            y: 200,
            s: 1.05,
            jersey: '#8b1a1a',
            trim: '#f1c40f',
            name: 'Okafor',
            number: 23,
            skin: '#8d5524',
          }),
          entity: 'Lakeport Bears',
        },
      ],
    }),
    summary:
      'An indoor basketball court with a light wooden floor and a packed, colourful crowd in the stands. A scoreboard at the top reads HAWKS 98, BEARS 91. On the left, a player in a blue jersey with TORRES and the number 7 holds an orange ball; beside her, a player in a dark red jersey with yellow lettering, OKAFOR 23, stands near the centre circle. A white backboard and red hoop are on the right.',
  },
  {
    id: 'mmre-s002',
    split: 'train',
    text: 'Jalen Brooks and the Harbor City Sharks stun Summit Rams on the road in Denver',
    entities: [
      [P, 'Jalen Brooks'],
      [O, 'Harbor City Sharks'],
      [O, 'Summit Rams'],
      [L, 'Denver'],
    ],
    scene: () => ({
      bg: bg.court(2, 'RAMS 84  SHARKS 90'),
      objects: [
        {
          draw: player({
            x: 240,
            y: 180,
            s: 1.2,
            jersey: '#0e7c7b',
            name: 'Brooks',
            number: 11,
            skin: '#6f4e37',
            ball: true,
          }),
          entity: 'Jalen Brooks',
        },
      ],
    }),
    summary:
      'A basketball arena seen from the floor, with a crowd of spectators in bright shirts filling the stands behind the court. The scoreboard shows RAMS 84 and SHARKS 90. In the middle of the court a single player in a teal jersey with white trim, BROOKS number 11, carries an orange basketball at his side. The wooden floor has a white centre circle, and a hoop hangs at the right edge.',
  },
  {
    id: 'mmre-s003',
    split: 'test',
    text: 'Nora Lindqvist scores twice as Oslo Vikings FC beat Bergen United at home #Eliteserien',
    entities: [
      [P, 'Nora Lindqvist'],
      [O, 'Oslo Vikings FC'],
      [O, 'Bergen United'],
      [X, 'Eliteserien'],
    ],
    scene: () => ({
      bg: bg.pitch(3),
      objects: [
        {
          draw: player({
            x: 130,
            y: 190,
            s: 1.05,
            jersey: '#c0392b',
            name: 'Lindqvist',
            number: 9,
            skin: '#f1c27d',
            shorts: '#fff',
          }),
          entity: 'Nora Lindqvist',
        },
        {
          draw: player({
            x: 400,
            y: 200,
            s: 1.0,
            jersey: '#f5f5f5',
            trim: '#1a237e',
            name: 'Haugen',
            number: 4,
            skin: '#f1c27d',
            shorts: '#1a237e',
          }),
          entity: 'Bergen United',
        },
        { draw: { svg: football(330, 410, 16), box: null } },
      ],
    }),
    summary:
      'A football match on a striped green pitch under a blue sky, with a crowd of supporters in the stand behind. On the left a player in a red shirt and white shorts, LINDQVIST 9, faces the stand; on the right a defender in a white shirt with navy lettering, HAUGEN 4, wears navy shorts. A black and white ball lies on the grass between them near the halfway line and centre circle.',
  },
  {
    id: 'mmre-s004',
    split: 'test',
    text: 'Kestrel Coffee opens its first Lisbon store, launching the Nightjar Cold Brew',
    entities: [
      [O, 'Kestrel Coffee'],
      [L, 'Lisbon'],
      [X, 'Nightjar Cold Brew'],
    ],
    scene: () => ({
      bg: bg.shop(),
      objects: [
        {
          draw: logo({ cx: 180, cy: 160, r: 60, brand: 'Kestrel Coffee', color: '#6d4c41', initial: 'K' }),
          entity: 'Kestrel Coffee',
        },
        {
          draw: banner({
            x: 360,
            y: 170,
            w: 200,
            h: 150,
            label: 'NIGHTJAR',
            sub: 'COLD BREW',
            bg: '#1b2631',
            fg: '#f7dc6f',
          }),
          entity: 'Nightjar Cold Brew',
        },
      ],
    }),
    summary:
      'A bright shop interior with cream walls and a brown wooden counter along the bottom. On the left wall hangs a round brown emblem with a white letter K above the words KESTREL COFFEE. To the right, a tall dark navy product box stands on the counter, printed in yellow with NIGHTJAR and, smaller, COLD BREW. The scene is simple and clean, like a store opening display.',
  },
  {
    id: 'mmre-s005',
    split: 'test',
    text: 'The Neon Foxes sell out their Glasgow show on the Midnight Static tour',
    entities: [
      [O, 'The Neon Foxes'],
      [L, 'Glasgow'],
      [X, 'Midnight Static'],
    ],
    scene: () => ({
      bg: bg.stage(5),
      objects: [
        {
          draw: banner({
            x: 140,
            y: 60,
            w: 360,
            h: 110,
            label: 'THE NEON FOXES',
            sub: 'MIDNIGHT STATIC TOUR',
            bg: '#ff4f9a',
            border: '#fff',
          }),
          entity: ['The Neon Foxes', 'Midnight Static'],
        },
      ],
    }),
    summary:
      'A dark concert hall at night. Two pale spotlight beams cross the stage from above. A large bright pink banner with a white border hangs over the stage and reads THE NEON FOXES in bold white letters, with MIDNIGHT STATIC TOUR underneath. Below, a brown wooden stage edge runs across the picture, and the dark silhouettes of a large audience fill the lower part of the image.',
  },
  {
    id: 'mmre-s006',
    split: 'test',
    text: 'Welcome to Portland: Volta Motors unveils its electric city bus downtown',
    entities: [
      [L, 'Portland'],
      [O, 'Volta Motors'],
    ],
    scene: () => ({
      bg: bg.city(6),
      objects: [
        { draw: roadSign({ x: 40, y: 150, w: 230, h: 110, city: 'Portland' }), entity: 'Portland' },
        {
          draw: (() => {
            const b = banner({
              x: 320,
              y: 300,
              w: 280,
              h: 80,
              label: 'VOLTA MOTORS',
              sub: 'ELECTRIC',
              bg: '#2e86de',
              border: '#1b4f72',
            });
            return {
              svg: b.svg + circle(370, 385, 16, '#222') + circle(550, 385, 16, '#222'),
              box: { ...b.box, ymax: 402 },
            };
          })(),
          entity: 'Volta Motors',
        },
      ],
    }),
    summary:
      'A city street on a sunny day with a row of grey office buildings with lit windows under a pale blue sky and a soft yellow sun. On the left stands a green road sign on two posts reading WELCOME TO PORTLAND. On the right, a blue bus with dark wheels drives along the grey road; its side says VOLTA MOTORS and ELECTRIC. A yellow line runs along the road.',
  },
  {
    id: 'mmre-s007',
    split: 'train',
    text: 'Senator Alice Morgan announces Clearwater Institute climate fund in Boston',
    entities: [
      [P, 'Alice Morgan'],
      [O, 'Clearwater Institute'],
      [L, 'Boston'],
    ],
    scene: () => ({
      bg: bg.press(7, 'Clearwater Institute', '#1abc9c'),
      objects: [
        {
          draw: speaker({ x: 260, y: 150, suit: '#2c3e50', name: ['SENATOR', 'ALICE MORGAN'], skin: '#f1c27d' }),
          entity: 'Alice Morgan',
        },
        {
          draw: logo({ cx: 520, cy: 200, r: 44, brand: 'Clearwater', color: '#1abc9c', initial: 'C' }),
          entity: 'Clearwater Institute',
        },
      ],
    }),
    summary:
      'A press conference in front of a pale backdrop repeating a faint teal circle and the name CLEARWATER INSTITUTE. In the centre a woman in a dark suit with a red tie stands behind a brown wooden podium; a white nameplate on the podium reads SENATOR ALICE MORGAN. On the right a larger teal circle with a white C and the word CLEARWATER is displayed. The floor is dark blue-grey.',
  },
  {
    id: 'mmre-s008',
    split: 'test',
    text: 'Echoes of Mars premieres tonight at the Roxy Theatre in Austin',
    entities: [
      [X, 'Echoes of Mars'],
      [O, 'Roxy Theatre'],
      [L, 'Austin'],
    ],
    scene: () => ({
      bg: bg.cinema(),
      objects: [
        {
          draw: banner({
            x: 120,
            y: 50,
            w: 400,
            h: 80,
            label: 'ROXY THEATRE',
            bg: '#b71c1c',
            fg: '#ffd54f',
            border: '#ffd54f',
          }),
          entity: 'Roxy Theatre',
        },
        {
          draw: poster({
            x: 240,
            y: 160,
            w: 160,
            h: 220,
            title: 'Echoes of Mars',
            tagline: 'PREMIERE TONIGHT',
            bg: '#1a1a40',
            accent: '#c0392b',
          }),
          entity: 'Echoes of Mars',
        },
      ],
    }),
    summary:
      'The front of an old cinema at night, with a row of small yellow lights along the top of a dark red wall. A red marquee with a yellow border reads ROXY THEATRE in yellow letters. Below it hangs a framed film poster: a dark blue background with a large red planet, the title ECHOES OF MARS and the line PREMIERE TONIGHT. The pavement in front is dark.',
  },
  {
    id: 'mmre-s009',
    split: 'test',
    text: 'Amara Osei wins the Cape Town Marathon in record time for Team Solace',
    entities: [
      [P, 'Amara Osei'],
      [X, 'Cape Town Marathon'],
      [O, 'Team Solace'],
    ],
    scene: () => ({
      bg: bg.road(9),
      objects: [
        {
          draw: banner({ x: 110, y: 40, w: 420, h: 90, label: 'CAPE TOWN MARATHON', sub: 'FINISH', bg: '#e67e22' }),
          entity: 'Cape Town Marathon',
        },
        {
          draw: runner({ x: 280, y: 210, shirt: '#8e44ad', bib: 101, skin: '#5c3a21' }),
          entity: ['Amara Osei', 'Team Solace'],
        },
      ],
    }),
    summary:
      'A road race finish on a clear day. An orange banner stretched across the top reads CAPE TOWN MARATHON with FINISH below it. Spectators line the far side of the grey road. In the centre a runner in a purple shirt and black shorts strides toward the camera, wearing a white race bib with the number 101. A dashed white line runs along the road behind her.',
  },
  {
    id: 'mmre-s010',
    split: 'train',
    text: 'Marcus Lee and Dario Russo lead Westbrook Comets past the Northfield Owls',
    entities: [
      [P, 'Marcus Lee'],
      [P, 'Dario Russo'],
      [O, 'Westbrook Comets'],
      [O, 'Northfield Owls'],
    ],
    scene: () => ({
      bg: bg.court(10, 'COMETS 102  OWLS 95'),
      objects: [
        {
          draw: player({ x: 90, y: 200, s: 1.0, jersey: '#6a1b9a', name: 'Lee', number: 3, skin: '#e0ac69' }),
          entity: 'Marcus Lee',
        },
        {
          draw: player({
            x: 270,
            y: 190,
            s: 1.05,
            jersey: '#6a1b9a',
            name: 'Russo',
            number: 15,
            skin: '#f1c27d',
            ball: true,
          }),
          entity: 'Dario Russo',
        },
        {
          draw: player({ x: 450, y: 205, s: 0.95, jersey: '#2e7d32', name: 'Adeyemi', number: 8, skin: '#6f4e37' }),
          entity: 'Northfield Owls',
        },
      ],
    }),
    summary:
      'A basketball game on a wooden court in front of a crowded stand. The scoreboard at the top shows COMETS 102 and OWLS 95. Two players in purple jerseys, LEE 3 and RUSSO 15, stand side by side on the left and centre; Russo holds the ball. On the right a player in a green jersey, ADEYEMI 8, watches them. A white backboard and red hoop are visible at the right edge.',
  },
  {
    id: 'mmre-s011',
    split: 'test',
    text: 'Fjordline Airways adds daily flights from Bergen to Reykjavik this summer',
    entities: [
      [O, 'Fjordline Airways'],
      [L, 'Bergen'],
      [L, 'Reykjavik'],
    ],
    scene: () => ({
      bg: bg.city(11),
      objects: [
        {
          draw: (() => {
            const body = `<ellipse cx="320" cy="120" rx="210" ry="34" fill="#ecf0f1" stroke="#34495e" stroke-width="3"/>`;
            const wing = `<polygon points="280,130 380,130 330,200" fill="#2874a6"/><polygon points="500,110 540,60 550,110" fill="#2874a6"/>`;
            const name = text(300, 118, 'FJORDLINE AIRWAYS', { size: 24, maxWidth: 300, fill: '#1b4f72' });
            return { svg: body + wing + name, box: { xmin: 108, ymin: 56, xmax: 552, ymax: 202 } };
          })(),
          entity: 'Fjordline Airways',
        },
        { draw: roadSign({ x: 400, y: 250, w: 200, h: 90, top: 'AIRPORT', city: 'Bergen' }), entity: 'Bergen' },
      ],
    }),
    summary:
      'A white passenger plane with a blue tail fin and blue wing flies low over a city skyline of grey buildings. FJORDLINE AIRWAYS is painted in dark blue along the fuselage. Below, at the right side of a grey road with a yellow line, a green sign on two posts reads AIRPORT and BERGEN. The sky is pale blue with a soft yellow sun in the corner.',
  },
  {
    id: 'mmre-s012',
    split: 'test',
    text: 'Sunday Paper Club headline the Harbor Jazz Festival in New Orleans',
    entities: [
      [O, 'Sunday Paper Club'],
      [X, 'Harbor Jazz Festival'],
      [L, 'New Orleans'],
    ],
    scene: () => ({
      bg: bg.stage(12),
      objects: [
        {
          draw: banner({
            x: 90,
            y: 40,
            w: 460,
            h: 70,
            label: 'HARBOR JAZZ FESTIVAL',
            bg: '#1f618d',
            border: '#f4d03f',
          }),
          entity: 'Harbor Jazz Festival',
        },
        {
          draw: banner({
            x: 170,
            y: 160,
            w: 300,
            h: 100,
            label: 'SUNDAY PAPER CLUB',
            bg: '#f4d03f',
            fg: '#1b2631',
            border: '#fff',
          }),
          entity: 'Sunday Paper Club',
        },
      ],
    }),
    summary:
      'An outdoor stage at night with two faint spotlight beams. At the top, a blue banner edged in yellow reads HARBOR JAZZ FESTIVAL. Lower down, hanging above the stage, a yellow sign with dark letters names the act: SUNDAY PAPER CLUB. The brown stage floor crosses the image, and a large dark crowd of silhouetted heads fills the bottom, facing the stage.',
  },
  {
    id: 'mmre-s013',
    split: 'train',
    text: 'Pixelgrove unveils the Aurora X handheld console at GameFest in Tokyo',
    entities: [
      [O, 'Pixelgrove'],
      [X, 'Aurora X'],
      [X, 'GameFest'],
      [L, 'Tokyo'],
    ],
    scene: () => ({
      bg: bg.shop(),
      objects: [
        {
          draw: logo({ cx: 150, cy: 150, r: 56, brand: 'Pixelgrove', color: '#27ae60', shape: 'hex', initial: 'P' }),
          entity: 'Pixelgrove',
        },
        {
          draw: (() => {
            const g =
              rect(330, 190, 240, 120, '#212f3d', 'rx="26"') +
              rect(390, 210, 120, 80, '#85c1e9') +
              circle(360, 250, 14, '#e74c3c') +
              circle(540, 240, 10, '#f4d03f') +
              circle(545, 268, 10, '#58d68d') +
              text(450, 250, 'AURORA X', { size: 20, maxWidth: 110, fill: '#1b2631' });
            return { svg: g, box: { xmin: 328, ymin: 188, xmax: 572, ymax: 312 } };
          })(),
          entity: 'Aurora X',
        },
        { draw: banner({ x: 240, y: 360, w: 160, h: 60, label: 'GAMEFEST', bg: '#884ea0' }), entity: 'GameFest' },
      ],
    }),
    summary:
      'A product display on a wooden table against a cream wall. On the left, a green hexagon emblem with a white P sits above the name PIXELGROVE. On the right lies a dark handheld game console with a light blue screen that reads AURORA X, a red button on the left and yellow and green buttons on the right. A small purple sign on the table says GAMEFEST.',
  },
  {
    id: 'mmre-s014',
    split: 'test',
    text: 'Late goal from Kenji Sato sends Osaka Blue Wave past Nagoya Grampus Reds',
    entities: [
      [P, 'Kenji Sato'],
      [O, 'Osaka Blue Wave'],
      [O, 'Nagoya Grampus Reds'],
    ],
    scene: () => ({
      bg: bg.pitch(14),
      objects: [
        {
          draw: player({
            x: 270,
            y: 180,
            s: 1.15,
            jersey: '#1565c0',
            name: 'Sato',
            number: 10,
            skin: '#f1c27d',
            shorts: '#0d47a1',
          }),
          entity: 'Kenji Sato',
        },
        { draw: { svg: football(200, 400, 15), box: null } },
      ],
    }),
    summary:
      'A football pitch with light and dark green stripes, white markings and a centre circle, under a blue sky with spectators packed in the stand behind. A single player in a blue shirt and darker blue shorts stands in the middle, his back to the camera, showing SATO and the number 10 in white. A black and white ball rests on the grass to his left. No other players are visible.',
  },
  {
    id: 'mmre-s015',
    split: 'test',
    text: 'Greenline Grocers pledges to cut plastic in all Vancouver stores by 2027',
    entities: [
      [O, 'Greenline Grocers'],
      [L, 'Vancouver'],
    ],
    scene: () => ({
      bg: bg.shop(),
      objects: [
        {
          draw: logo({ cx: 320, cy: 170, r: 70, brand: 'Greenline Grocers', color: '#229954', initial: 'G' }),
          entity: 'Greenline Grocers',
        },
      ],
    }),
    summary:
      'A simple shop wall painted cream above a brown wooden counter. In the centre hangs a large green circular emblem with a white letter G, and below it the store name GREENLINE GROCERS is written in bold dark capitals. There are no people in the picture; the sign is the only object, making it look like the entrance or checkout area of a grocery store.',
  },
  {
    id: 'mmre-s016',
    split: 'test',
    text: 'Coach Elena Petrova and the Kyiv Falcons arrive in Warsaw for the Euro Cup final',
    entities: [
      [P, 'Elena Petrova'],
      [O, 'Kyiv Falcons'],
      [L, 'Warsaw'],
      [X, 'Euro Cup'],
    ],
    scene: () => ({
      bg: bg.city(16),
      objects: [
        { draw: roadSign({ x: 380, y: 140, w: 220, h: 110, city: 'Warsaw' }), entity: 'Warsaw' },
        {
          draw: speaker({
            x: 90,
            y: 190,
            suit: '#f1c40f',
            name: ['COACH', 'ELENA PETROVA'],
            skin: '#f1c27d',
            tie: '#2874a6',
          }),
          entity: 'Elena Petrova',
        },
      ],
    }),
    summary:
      'A street scene with a skyline of grey buildings under a pale blue sky. On the left a woman in a yellow jacket with a blue tie stands behind a brown podium whose white nameplate reads COACH ELENA PETROVA, as if giving an arrival interview. On the right a green road sign on two grey posts says WELCOME TO WARSAW. A grey road with a yellow line runs along the bottom.',
  },
  {
    id: 'mmre-s017',
    split: 'train',
    text: 'Velvet Harbor announce a reunion gig at the Apollo Hall in Manchester',
    entities: [
      [O, 'Velvet Harbor'],
      [L, 'Apollo Hall'],
      [L, 'Manchester'],
    ],
    scene: () => ({
      bg: bg.stage(17),
      objects: [
        {
          draw: banner({ x: 100, y: 30, w: 440, h: 70, label: 'APOLLO HALL', bg: '#7d3c98', border: '#f5b7b1' }),
          entity: 'Apollo Hall',
        },
        {
          draw: banner({
            x: 150,
            y: 150,
            w: 340,
            h: 110,
            label: 'VELVET HARBOR',
            sub: 'REUNION',
            bg: '#922b21',
            border: '#fff',
          }),
          entity: 'Velvet Harbor',
        },
      ],
    }),
    summary:
      'Inside a dark music venue. A purple sign with a pink border across the top reads APOLLO HALL. Below it a deep red banner with a white frame announces VELVET HARBOR in large white letters, with the word REUNION underneath. Two soft spotlight beams fall on the brown stage, and the bottom of the picture is filled with the dark heads of a waiting audience.',
  },
  {
    id: 'mmre-s018',
    split: 'test',
    text: 'Tomás Herrera breaks away for Valencia Albatros as fans in Valencia celebrate',
    entities: [
      [P, 'Tomás Herrera'],
      [O, 'Valencia Albatros'],
      [L, 'Valencia'],
    ],
    scene: () => ({
      bg: bg.pitch(18),
      objects: [
        {
          draw: player({
            x: 330,
            y: 170,
            s: 1.1,
            jersey: '#ff8f00',
            trim: '#111',
            name: 'Herrera',
            number: 17,
            skin: '#c68642',
            shorts: '#111',
          }),
          entity: 'Tomás Herrera',
        },
        {
          draw: banner({
            x: 40,
            y: 140,
            w: 220,
            h: 70,
            label: 'VALENCIA ALBATROS',
            bg: '#ff8f00',
            fg: '#111',
            border: '#111',
          }),
          entity: 'Valencia Albatros',
        },
      ],
    }),
    summary:
      'A football stadium under a blue sky with a crowd of colourful supporters. On the green striped pitch a player in an orange shirt with black lettering, HERRERA 17, and black shorts runs with his back to the camera. To the left, an orange advertising board with a black border along the touchline reads VALENCIA ALBATROS. White pitch lines and part of the centre circle are visible.',
  },
  {
    id: 'mmre-s019',
    split: 'test',
    text: 'Lumen Labs shows its SolarLeaf panel at the Berlin Energy Expo',
    entities: [
      [O, 'Lumen Labs'],
      [X, 'SolarLeaf'],
      [X, 'Berlin Energy Expo'],
    ],
    scene: () => ({
      bg: bg.press(19, 'Berlin Energy Expo', '#f39c12'),
      objects: [
        {
          draw: logo({ cx: 140, cy: 190, r: 52, brand: 'Lumen Labs', color: '#f39c12', initial: 'L' }),
          entity: 'Lumen Labs',
        },
        {
          draw: (() => {
            let g = rect(330, 160, 240, 160, '#1b4f72', 'stroke="#aab7b8" stroke-width="6"');
            for (let i = 1; i < 4; i++)
              g += `<line x1="${330 + i * 60}" y1="160" x2="${330 + i * 60}" y2="320" stroke="#5dade2" stroke-width="2"/>`;
            for (let j = 1; j < 3; j++)
              g += `<line x1="330" y1="${160 + j * 53}" x2="570" y2="${160 + j * 53}" stroke="#5dade2" stroke-width="2"/>`;
            g +=
              rect(380, 330, 140, 34, '#fdfefe') +
              text(450, 347, 'SOLARLEAF', { size: 18, maxWidth: 130, fill: '#1b4f72' });
            return { svg: g, box: { xmin: 326, ymin: 156, xmax: 574, ymax: 366 } };
          })(),
          entity: 'SolarLeaf',
        },
      ],
    }),
    summary:
      'A trade fair stand in front of a light backdrop printed with faint orange circles and the words BERLIN ENERGY EXPO. On the left an orange round emblem with a white L sits above the name LUMEN LABS. On the right a dark blue solar panel with a light blue grid is mounted in a grey frame, with a white label beneath it reading SOLARLEAF. The floor is dark blue-grey.',
  },
  {
    id: 'mmre-s020',
    split: 'train',
    text: 'Dublin Harriers relay team led by Siobhan Kelly takes gold at the Dublin City Run',
    entities: [
      [O, 'Dublin Harriers'],
      [P, 'Siobhan Kelly'],
      [X, 'Dublin City Run'],
    ],
    scene: () => ({
      bg: bg.road(20),
      objects: [
        {
          draw: banner({ x: 120, y: 40, w: 400, h: 80, label: 'DUBLIN CITY RUN', bg: '#117a65' }),
          entity: 'Dublin City Run',
        },
        { draw: runner({ x: 180, y: 220, shirt: '#2e86c1', bib: 12, skin: '#f1c27d' }), entity: 'Siobhan Kelly' },
        { draw: runner({ x: 380, y: 225, shirt: '#2e86c1', bib: 14, skin: '#e0ac69' }) },
      ],
    }),
    summary:
      'Runners on a city road race. A dark green banner across the top reads DUBLIN CITY RUN. Two runners in matching blue shirts and black shorts run toward the camera on the grey road, one wearing bib number 12 on the left and the other bib number 14 on the right. A line of spectators stands along the far side of the road under a light blue sky.',
  },
  {
    id: 'mmre-s021',
    split: 'test',
    text: 'Mayor Daniel Okoro opens the new Lagos Waterfront Park',
    entities: [
      [P, 'Daniel Okoro'],
      [L, 'Lagos Waterfront Park'],
    ],
    scene: () => ({
      bg: bg.city(21),
      objects: [
        {
          draw: speaker({
            x: 100,
            y: 180,
            suit: '#1c2833',
            name: ['MAYOR', 'DANIEL OKORO'],
            skin: '#6f4e37',
            tie: '#27ae60',
          }),
          entity: 'Daniel Okoro',
        },
        {
          draw: roadSign({ x: 330, y: 150, w: 270, h: 110, top: 'NOW OPEN', city: 'Lagos Waterfront Park' }),
          entity: 'Lagos Waterfront Park',
        },
      ],
    }),
    summary:
      'An outdoor opening ceremony in a city, with grey high-rise buildings against a pale blue sky. On the left a man in a dark suit and green tie stands at a wooden podium with a nameplate reading MAYOR DANIEL OKORO. On the right a large green sign on two posts says NOW OPEN above LAGOS WATERFRONT PARK. The road in front is grey with a yellow line.',
  },
  {
    id: 'mmre-s022',
    split: 'test',
    text: 'Northwind Outfitters recalls the Tundra 2 jacket sold in Canada',
    entities: [
      [O, 'Northwind Outfitters'],
      [X, 'Tundra 2'],
      [L, 'Canada'],
    ],
    scene: () => ({
      bg: bg.shop(),
      objects: [
        {
          draw: logo({ cx: 150, cy: 160, r: 58, brand: 'Northwind', color: '#34495e', shape: 'hex', initial: 'N' }),
          entity: 'Northwind Outfitters',
        },
        {
          draw: (() => {
            const g =
              `<polygon points="360,120 420,100 480,100 540,120 570,220 530,230 530,330 370,330 370,230 330,220" fill="#c0392b" stroke="#7b241c" stroke-width="3"/>` +
              rect(445, 100, 10, 230, '#7b241c') +
              rect(390, 260, 120, 36, '#fdfefe') +
              text(450, 278, 'TUNDRA 2', { size: 20, maxWidth: 110, fill: '#7b241c' });
            return { svg: g, box: { xmin: 326, ymin: 96, xmax: 574, ymax: 334 } };
          })(),
          entity: 'Tundra 2',
        },
      ],
    }),
    summary:
      'A clothing shop display against a cream wall above a wooden counter. On the left a dark slate hexagon emblem with a white N sits above the brand name NORTHWIND. On the right hangs a red winter jacket with a dark red zip down the middle and a white tag on the front that reads TUNDRA 2. Nothing else is in the picture, which looks like a product photo.',
  },
  {
    id: 'mmre-s023',
    split: 'test',
    text: 'Priya Nair stars as Mumbai Tigers hold off Chennai Kings #T20Finals',
    entities: [
      [P, 'Priya Nair'],
      [O, 'Mumbai Tigers'],
      [O, 'Chennai Kings'],
      [X, 'T20Finals'],
    ],
    scene: () => ({
      bg: bg.pitch(23),
      objects: [
        {
          draw: player({
            x: 120,
            y: 200,
            s: 1.0,
            jersey: '#1f3a93',
            trim: '#f4d03f',
            name: 'Nair',
            number: 18,
            skin: '#8d5524',
            shorts: '#1f3a93',
          }),
          entity: 'Priya Nair',
        },
        {
          draw: player({
            x: 400,
            y: 200,
            s: 1.0,
            jersey: '#f4d03f',
            trim: '#1b2631',
            name: 'Raman',
            number: 5,
            skin: '#6f4e37',
            shorts: '#f4d03f',
          }),
          entity: 'Chennai Kings',
        },
      ],
    }),
    summary:
      'A sunny stadium with a green striped field and a crowded stand. Two players stand apart with their backs to the camera. On the left, a player in a navy kit with yellow lettering shows NAIR and the number 18. On the right, a player in an all-yellow kit with dark lettering shows RAMAN and the number 5. White field lines cross the grass between them.',
  },
  {
    id: 'mmre-s024',
    split: 'train',
    text: 'Quiet Orbit drop surprise album Paper Moons before Lisbon gig',
    entities: [
      [O, 'Quiet Orbit'],
      [X, 'Paper Moons'],
      [L, 'Lisbon'],
    ],
    scene: () => ({
      bg: bg.stage(24),
      objects: [
        {
          draw: banner({ x: 60, y: 90, w: 250, h: 100, label: 'QUIET ORBIT', bg: '#154360', border: '#aed6f1' }),
          entity: 'Quiet Orbit',
        },
        {
          draw: poster({
            x: 400,
            y: 60,
            w: 160,
            h: 200,
            title: 'Paper Moons',
            tagline: 'NEW ALBUM',
            bg: '#f5eef8',
            accent: '#d2b4de',
            fg: '#4a235a',
          }),
          entity: 'Paper Moons',
        },
      ],
    }),
    summary:
      'A dim concert stage lit by two faint spotlights. On the left hangs a dark blue banner with a light blue edge reading QUIET ORBIT. On the right is a framed album poster with a pale lilac background and a soft purple circle, titled PAPER MOONS, with NEW ALBUM written underneath. The stage floor is brown, and a dark crowd fills the bottom of the picture.',
  },
  {
    id: 'mmre-s025',
    split: 'test',
    text: 'Seoul Phoenix guard Min-jun Park hits the winner against Busan Tide',
    entities: [
      [O, 'Seoul Phoenix'],
      [P, 'Min-jun Park'],
      [O, 'Busan Tide'],
    ],
    scene: () => ({
      bg: bg.court(25, 'PHOENIX 77  TIDE 76'),
      objects: [
        {
          draw: player({
            x: 200,
            y: 185,
            s: 1.15,
            jersey: '#e74c3c',
            name: 'Park',
            number: 1,
            skin: '#f1c27d',
            ball: true,
          }),
          entity: 'Min-jun Park',
        },
        {
          draw: player({ x: 420, y: 205, s: 0.95, jersey: '#154360', name: 'Jung', number: 32, skin: '#f1c27d' }),
          entity: 'Busan Tide',
        },
      ],
    }),
    summary:
      'An indoor basketball game in front of a full, colourful crowd. The scoreboard at the top shows PHOENIX 77 and TIDE 76, a one-point game. In the centre a player in a red jersey, PARK number 1, holds the orange ball. To the right a player in a dark blue jersey, JUNG 32, stands slightly behind. The light wooden floor, centre circle and a red hoop complete the scene.',
  },
  {
    id: 'mmre-s026',
    split: 'train',
    text: 'Traffic jams as thousands head to Lakeside Music Weekend outside Chicago',
    entities: [
      [X, 'Lakeside Music Weekend'],
      [L, 'Chicago'],
    ],
    scene: () => ({
      bg: bg.city(26),
      objects: [
        { draw: roadSign({ x: 60, y: 140, w: 260, h: 110, top: 'CITY LIMIT', city: 'Chicago' }), entity: 'Chicago' },
        {
          draw: banner({
            x: 360,
            y: 130,
            w: 240,
            h: 110,
            label: 'LAKESIDE',
            sub: 'MUSIC WEEKEND',
            bg: '#e74c3c',
            border: '#fff',
          }),
          entity: 'Lakeside Music Weekend',
        },
      ],
    }),
    summary:
      'A busy road at the edge of a city, with grey buildings of different heights against a light blue sky and a pale sun. On the left a green road sign on posts reads CITY LIMIT and CHICAGO. On the right a red billboard with a white frame advertises LAKESIDE, with MUSIC WEEKEND in smaller letters below. The grey road with a yellow line runs along the bottom.',
  },
  {
    id: 'mmre-s027',
    split: 'train',
    text: 'Hannah Weiss named new chief of Alpine Rail at Zurich press event',
    entities: [
      [P, 'Hannah Weiss'],
      [O, 'Alpine Rail'],
      [L, 'Zurich'],
    ],
    scene: () => ({
      bg: bg.press(27, 'Alpine Rail', '#c0392b'),
      objects: [
        {
          draw: speaker({ x: 140, y: 150, suit: '#566573', name: 'HANNAH WEISS', skin: '#f1c27d', tie: '#c0392b' }),
          entity: 'Hannah Weiss',
        },
        {
          draw: logo({ cx: 470, cy: 190, r: 50, brand: 'Alpine Rail', color: '#c0392b', initial: 'A' }),
          entity: 'Alpine Rail',
        },
      ],
    }),
    summary:
      'A press event in front of a pale wall printed with faint red circles and the words ALPINE RAIL. On the left a woman in a grey suit with a red tie stands at a brown podium; its white nameplate reads HANNAH WEISS. On the right a red round emblem with a white A is displayed above the name ALPINE RAIL. The floor at the bottom is dark blue-grey.',
  },
  {
    id: 'mmre-s028',
    split: 'test',
    text: 'Cairo Pharaohs captain Youssef Hamdi lifts the trophy after beating Tunis Stars',
    entities: [
      [O, 'Cairo Pharaohs'],
      [P, 'Youssef Hamdi'],
      [O, 'Tunis Stars'],
    ],
    scene: () => ({
      bg: bg.pitch(28),
      objects: [
        {
          draw: (() => {
            const p = player({
              x: 260,
              y: 200,
              s: 1.05,
              jersey: '#f5f5f5',
              trim: '#b03a2e',
              name: 'Hamdi',
              number: 6,
              skin: '#a0522d',
              shorts: '#b03a2e',
            });
            const cup =
              `<polygon points="282,150 322,150 314,190 290,190" fill="#f1c40f" stroke="#9a7d0a" stroke-width="2"/>` +
              rect(294, 190, 16, 16, '#9a7d0a');
            return { svg: p.svg + cup, box: { ...p.box, ymin: 146 } };
          })(),
          entity: 'Youssef Hamdi',
        },
      ],
    }),
    summary:
      'A celebration on a green football pitch in front of a packed stand under a blue sky. In the middle a player in a white shirt with red lettering and red shorts, HAMDI number 6, stands with his back to the camera while a gold trophy is raised above his head. No other players appear. White pitch markings and the centre circle are visible on the striped grass around him.',
  },
  {
    id: 'mmre-s029',
    split: 'test',
    text: 'Brightwater Bank sponsors the Hamburg Harbour Regatta for five more years',
    entities: [
      [O, 'Brightwater Bank'],
      [X, 'Hamburg Harbour Regatta'],
    ],
    scene: () => ({
      bg:
        rect(0, 0, W, H, '#aed6f1') +
        rect(0, 260, W, H - 260, '#2471a3') +
        Array.from(
          { length: 8 },
          (_, i) => `<path d="M${i * 90} 320 q 22 -12 45 0 t 45 0" stroke="#d6eaf8" stroke-width="3" fill="none"/>`,
        ).join(''),
      objects: [
        {
          draw: banner({ x: 80, y: 40, w: 480, h: 80, label: 'HAMBURG HARBOUR REGATTA', bg: '#1b2631' }),
          entity: 'Hamburg Harbour Regatta',
        },
        {
          draw: (() => {
            const g =
              `<polygon points="240,360 400,360 380,390 260,390" fill="#6e2c00"/>` +
              rect(318, 170, 6, 190, '#4d4d4d') +
              `<polygon points="324,175 324,350 480,350" fill="#fdfefe" stroke="#aab7b8"/>` +
              text(392, 330, 'BRIGHTWATER', { size: 18, maxWidth: 130, fill: '#1f618d' });
            return { svg: g, box: { xmin: 236, ymin: 166, xmax: 484, ymax: 394 } };
          })(),
          entity: 'Brightwater Bank',
        },
      ],
    }),
    summary:
      'A sailing race on a blue harbour under a light blue sky with small white waves. A black banner across the top reads HAMBURG HARBOUR REGATTA in white capitals. In the centre a small brown sailboat carries a tall grey mast and a white triangular sail printed with BRIGHTWATER in blue. The water fills the lower half of the image, and there are no other boats.',
  },
  {
    id: 'mmre-s030',
    split: 'test',
    text: 'Crowds in Nairobi cheer as Kibet Rono wins for Rift Valley Striders',
    entities: [
      [L, 'Nairobi'],
      [P, 'Kibet Rono'],
      [O, 'Rift Valley Striders'],
    ],
    scene: () => ({
      bg: bg.road(30),
      objects: [
        { draw: roadSign({ x: 30, y: 30, w: 220, h: 100, city: 'Nairobi' }), entity: 'Nairobi' },
        {
          draw: runner({ x: 330, y: 210, shirt: '#d35400', bib: 7, skin: '#4a2c17' }),
          entity: ['Kibet Rono', 'Rift Valley Striders'],
        },
      ],
    }),
    summary:
      'A road race passing a cheering line of spectators under a light blue sky. In the top left corner a green sign on posts reads WELCOME TO NAIROBI. In the centre right a runner in an orange shirt and black shorts runs toward the camera with a white bib showing the number 7 on his chest. The grey road has a dashed white centre line.',
  },
  {
    id: 'mmre-s031',
    split: 'train',
    text: 'Fans queue overnight in Melbourne for Starfall Saga: Part Two at Palace Cinemas',
    entities: [
      [L, 'Melbourne'],
      [X, 'Starfall Saga: Part Two'],
      [O, 'Palace Cinemas'],
    ],
    scene: () => ({
      bg: bg.cinema(),
      objects: [
        {
          draw: banner({
            x: 80,
            y: 50,
            w: 480,
            h: 80,
            label: 'PALACE CINEMAS',
            bg: '#0b5345',
            fg: '#f7dc6f',
            border: '#f7dc6f',
          }),
          entity: 'Palace Cinemas',
        },
        {
          draw: poster({
            x: 120,
            y: 170,
            w: 150,
            h: 210,
            title: 'Starfall Saga',
            tagline: 'PART TWO',
            bg: '#17202a',
            accent: '#5dade2',
          }),
          entity: 'Starfall Saga: Part Two',
        },
        {
          draw: poster({
            x: 370,
            y: 170,
            w: 150,
            h: 210,
            title: 'Starfall Saga',
            tagline: 'PART TWO',
            bg: '#17202a',
            accent: '#f5b041',
          }),
          entity: 'Starfall Saga: Part Two',
        },
      ],
    }),
    summary:
      'The front of a cinema at night with a string of small yellow lights along the top. A dark green marquee with yellow trim reads PALACE CINEMAS. Below it, two framed posters hang side by side on the dark red wall, both titled STARFALL SAGA with PART TWO beneath; the left poster shows a blue planet and the right one an orange planet on a black background.',
  },
  {
    id: 'mmre-s032',
    split: 'test',
    text: 'Heavy rain forces organisers to delay the Riverside Book Fair until June',
    entities: [
      [X, 'Riverside Book Fair'],
      [L, 'Riverside'],
    ],
    scene: () => ({
      bg:
        bg.city(32) +
        Array.from(
          { length: 60 },
          (_, i) =>
            `<line x1="${(i * 53) % W}" y1="${(i * 37) % 300}" x2="${((i * 53) % W) - 6}" y2="${((i * 37) % 300) + 18}" stroke="#5d6d7e" stroke-width="2"/>`,
        ).join(''),
      objects: [],
    }),
    summary:
      'A rainy city view. Thin grey streaks of rain fall across a skyline of grey office buildings with small lit windows under a pale sky with a faint sun. A wide grey road with a yellow line runs along the bottom of the picture. There are no people, signs or vehicles in view; the image only shows the wet, quiet street and the buildings beyond it.',
  },
];

// ---------------------------------------------------------------- build

async function render(spec) {
  const { bg: back, objects } = spec.scene();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${back}${objects.map((o) => o.draw.svg).join('')}</svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  await sharp(png)
    .jpeg({ quality: QUALITY })
    .toFile(join(OUT, 'images', `${spec.id}.jpg`));
  const segments = [];
  const pairs = [];
  let k = 0;
  for (const o of objects) {
    if (o.entity === undefined || !o.draw.box) continue;
    const letter = segmentId(k++);
    const b = o.draw.box;
    const box = {
      xmin: Math.max(0, b.xmin),
      ymin: Math.max(0, b.ymin),
      xmax: Math.min(W, b.xmax),
      ymax: Math.min(H, b.ymax),
    };
    const path = `images/segments/${spec.id}_${letter}.jpg`;
    await sharp(png)
      .extract({ left: box.xmin, top: box.ymin, width: box.xmax - box.xmin, height: box.ymax - box.ymin })
      .jpeg({ quality: QUALITY })
      .toFile(join(OUT, path));
    segments.push({ id: letter, path, box });
    for (const e of [o.entity].flat()) pairs.push({ segment: letter, entity: e });
  }
  return {
    id: spec.id,
    split: spec.split,
    text: spec.text,
    image: { path: `images/${spec.id}.jpg`, width: W, height: H },
    segments,
    gold: {
      summary: spec.summary,
      entities: spec.entities.map(([label, t]) => ({ label, text: t })),
      pairs,
    },
  };
}

await rm(join(OUT, 'images'), { recursive: true, force: true });
await mkdir(join(OUT, 'images', 'segments'), { recursive: true });
const samples = [];
for (const spec of SAMPLES) samples.push(await render(spec));
const r = await writeDataset(
  OUT,
  {
    name: 'mmre-sample',
    version: '1.0.0',
    license: 'CC0-1.0',
    description:
      'A small M-MRE-style sample dataset drawn by scripts/make-sample-dataset.mjs: synthetic SVG scenes (sports, concerts, city signs, products, press events, cinemas, races) with readable names, segment crops, headline texts with all four entity labels, gold pairs and hand-written summaries. People, teams, bands, companies, products and events are fictional; place names are real.',
    source: 'scripts/make-sample-dataset.mjs',
  },
  samples,
);
const v = await validate(OUT);
console.log(
  `wrote ${r.count} samples to ${OUT} (${Object.entries(r.splits)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')})`,
);
console.log(`validate: ${v.errors} error(s), ${v.warnings} warning(s)`);
for (const d of v.diagnostics) console.log(`  ${d.severity} [${d.code}] ${d.message}`);
if (!v.ok) process.exitCode = 1;
