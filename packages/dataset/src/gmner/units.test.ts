import { describe, expect, it } from 'vitest';
import { vocXml } from './__fixtures__/make.js';
import { buildSegments, clampBox, cropRect, scaleBox } from './boxes.js';
import { extractEntities, parseConll } from './conll.js';
import { compactKey, foldKey, levenshtein, matchBoxName } from './ladder.js';
import { orderedMap } from './pool.js';
import { parseVoc } from './voc.js';

const tagged = (pairs: string) => {
  const tokens: string[] = [];
  const tags: string[] = [];
  for (const p of pairs.split(' ')) {
    const [w, t] = p.split('/') as [string, string];
    tokens.push(w);
    tags.push(t);
  }
  return extractEntities(tokens, tags);
};

describe('parseConll', () => {
  it('reads IMGID blocks, keeps tokens and tags, joins nothing itself', () => {
    const text = 'IMGID:1\nRT\tO\nLionel\tB-PER\nMessi\tI-PER\n\nIMGID:O_2\r\nSpurs\tB-ORG\r\n';
    const { tweets, diagnostics } = parseConll(text, 'train.txt', 'train');
    expect(diagnostics).toEqual([]);
    expect(tweets.map((t) => [t.id, t.split, t.tokens, t.tags, t.line])).toEqual([
      ['1', 'train', ['RT', 'Lionel', 'Messi'], ['O', 'B-PER', 'I-PER'], 1],
      ['O_2', 'train', ['Spurs'], ['B-ORG'], 6],
    ]);
  });

  it('reports malformed lines with file and line, and goes on', () => {
    const text = 'stray\tO\nIMGID:1\nnotag\nok\tB-FOO\nfine\tB-LOC\n';
    const { tweets, diagnostics } = parseConll(text, 'dev.txt', 'dev');
    expect(tweets).toHaveLength(1);
    expect(tweets[0]?.tokens).toEqual(['ok', 'fine']);
    expect(tweets[0]?.tags).toEqual(['O', 'B-LOC']);
    expect(diagnostics.map((d) => [d.code, d.line, d.file])).toEqual([
      ['gmner-conll', 1, 'dev.txt'],
      ['gmner-conll', 3, 'dev.txt'],
      ['gmner-tag', 4, 'dev.txt'],
    ]);
    expect(diagnostics[0]?.message).toMatch(/^dev\.txt:1: /);
  });
});

describe('extractEntities (conlleval rule)', () => {
  it('maps GMNER types to the canonical labels and joins tokens with single spaces', () => {
    expect(
      tagged(
        'Lionel/B-PER Messi/I-PER at/O Camp/B-LOC Nou/I-LOC for/O FC/B-ORG Barcelona/I-ORG Star/B-OTHER Wars/I-OTHER',
      ),
    ).toEqual([
      { label: 'person', text: 'Lionel Messi' },
      { label: 'location', text: 'Camp Nou' },
      { label: 'organization', text: 'FC Barcelona' },
      { label: 'other', text: 'Star Wars' },
    ]);
  });
  it('an I-X after O starts a new entity', () => {
    expect(tagged('the/O Park/I-LOC is/O')).toEqual([{ label: 'location', text: 'Park' }]);
  });
  it('an I-X after an entity of another type starts a new entity', () => {
    expect(tagged('Toyota/B-ORG Camry/I-OTHER')).toEqual([
      { label: 'organization', text: 'Toyota' },
      { label: 'other', text: 'Camry' },
    ]);
  });
  it('I-X I-X after O is one entity; B-X B-X are two', () => {
    expect(tagged('x/O Walking/I-OTHER Dead/I-OTHER')).toEqual([{ label: 'other', text: 'Walking Dead' }]);
    expect(tagged('Obama/B-PER Biden/B-PER')).toEqual([
      { label: 'person', text: 'Obama' },
      { label: 'person', text: 'Biden' },
    ]);
  });
  it('an entity at the very end is kept', () => {
    expect(tagged('go/O NBA/B-ORG')).toEqual([{ label: 'organization', text: 'NBA' }]);
  });
});

describe('ladder', () => {
  it('keys: fold + collapse, then letters and digits only', () => {
    expect(foldKey('  Bob \t Geldof ')).toBe('bob geldof');
    expect(foldKey('STRASSE')).toBe(foldKey('straße'));
    expect(compactKey('Fox &amp ; Fin')).toBe('foxampfin');
    expect(compactKey('Émile-Zola 2')).toBe('émilezola2');
  });
  it('levenshtein', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'ab')).toBe(2);
    expect(levenshtein('arianagrand', 'arianagrande')).toBe(1);
    expect(levenshtein('abcdef', 'ab', 2)).toBe(3);
  });
  it('rung 1: case fold and whitespace collapse; the pair takes the entity text', () => {
    expect(matchBoxName('bob  geldof', ['Bob Geldof', 'Live Aid'])).toEqual({ entity: 'Bob Geldof', rung: 'exact' });
  });
  it('rung 2: letters and digits only', () => {
    expect(matchBoxName('Lionel Messi', ['LionelMessi'])).toEqual({ entity: 'LionelMessi', rung: 'compact' });
    expect(matchBoxName('Spider-Man', ['Spider Man'])).toEqual({ entity: 'Spider Man', rung: 'compact' });
  });
  it('rung 1 beats rung 2 even when a compact match comes first', () => {
    expect(matchBoxName('A B', ['AB', 'a b'])).toEqual({ entity: 'a b', rung: 'exact' });
  });
  it('rung 3: the one entity within distance 2', () => {
    expect(matchBoxName('Ariana Grand', ['Ariana Grande', 'Big Sean'])).toEqual({
      entity: 'Ariana Grande',
      rung: 'levenshtein',
    });
    // the same text twice is one candidate, not an ambiguity
    expect(matchBoxName('Ariana Grand', ['Ariana Grande', 'Ariana Grande'])).toEqual({
      entity: 'Ariana Grande',
      rung: 'levenshtein',
    });
  });
  it('rung 3 is skipped when two entities are within distance 2 (ambiguous) → rung 4', () => {
    const hit = matchBoxName('Jon', ['John', 'Joan']);
    expect(hit).toEqual({ entity: 'Jon', rung: 'fallback' });
  });
  it('rung 4: the box name, whitespace collapsed', () => {
    expect(matchBoxName('  Taylor   Swift ', ['Kanye West'])).toEqual({ entity: 'Taylor Swift', rung: 'fallback' });
    expect(matchBoxName('Kim', [])).toEqual({ entity: 'Kim', rung: 'fallback' });
  });
  it('a name with no letters or digits never matches by rungs 2–3', () => {
    expect(matchBoxName('!!', ['AB'])).toEqual({ entity: '!!', rung: 'fallback' });
  });
});

describe('boxes', () => {
  it('scales from the XML frame to the image frame, rounding', () => {
    expect(
      scaleBox({ xmin: 10, ymin: 20, xmax: 101, ymax: 200 }, { width: 500, height: 400 }, { width: 250, height: 800 }),
    ).toEqual({
      xmin: 5,
      ymin: 40,
      xmax: 51,
      ymax: 400,
    });
    expect(scaleBox({ xmin: 1, ymin: 2, xmax: 3, ymax: 4 }, { width: 5, height: 5 }, { width: 5, height: 5 })).toEqual({
      xmin: 1,
      ymin: 2,
      xmax: 3,
      ymax: 4,
    });
  });
  it('clamps to the image and rejects what is left empty', () => {
    expect(clampBox({ xmin: -5, ymin: 10, xmax: 120, ymax: 90 }, { width: 100, height: 80 })).toEqual({
      xmin: 0,
      ymin: 10,
      xmax: 100,
      ymax: 80,
    });
    expect(clampBox({ xmin: 150, ymin: 10, xmax: 200, ymax: 50 }, { width: 100, height: 80 })).toBeNull();
    expect(clampBox({ xmin: 30, ymin: 10, xmax: 30, ymax: 50 }, { width: 100, height: 80 })).toBeNull();
    expect(clampBox({ xmin: 40, ymin: 10, xmax: 30, ymax: 50 }, { width: 100, height: 80 })).toBeNull();
    expect(clampBox({ xmin: 40, ymin: 10, xmax: 900, ymax: 50 }, null)).toEqual({
      xmin: 40,
      ymin: 10,
      xmax: 900,
      ymax: 50,
    });
  });
  it('cropRect gives whole pixels inside the image', () => {
    expect(cropRect({ xmin: 0.5, ymin: 1, xmax: 10.2, ymax: 5 }, { width: 10, height: 10 })).toEqual({
      left: 0,
      top: 1,
      width: 10,
      height: 4,
    });
  });
  it('letters kept boxes a…z, aa, ab and skips degenerate ones without a gap', () => {
    const objects = Array.from({ length: 29 }, (_, i) => ({
      name: `E${i}`,
      box: i === 3 ? { xmin: 50, ymin: 0, xmax: 50, ymax: 10 } : { xmin: i, ymin: 0, xmax: i + 10, ymax: 10 },
    }));
    const built = buildSegments(
      objects,
      ['E0', 'E28'],
      { xml: { width: 100, height: 100 }, image: null },
      { sampleId: 's', file: 's.xml' },
    );
    expect(built.segments).toHaveLength(28);
    expect(built.segments.map((s) => s.id).slice(0, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(built.segments[3]?.box?.xmin).toBe(4);
    expect(built.segments.map((s) => s.id).slice(24)).toEqual(['y', 'z', 'aa', 'ab']);
    expect(built.skippedBoxes).toBe(1);
    expect(built.pairs.at(-1)).toEqual({ segment: 'ab', entity: 'E28' });
    expect(built.ladder).toEqual({ exact: 2, compact: 0, levenshtein: 0, fallback: 26 });
    expect(built.diagnostics.filter((d) => d.code === 'gmner-box-degenerate')).toHaveLength(1);
    expect(built.diagnostics.filter((d) => d.code === 'gmner-ladder-fallback')).toHaveLength(26);
  });
});

describe('parseVoc', () => {
  it('reads size and objects in XML order, decoding entities', () => {
    const { annotation, diagnostics } = parseVoc(
      vocXml(500, 706, [
        ['Fox &amp ; Fin', 1, 2, 3, 4],
        ['Bieber', 132, 22, 500, 706],
      ]),
      'a.xml',
    );
    expect(diagnostics).toEqual([]);
    expect(annotation).toEqual({
      size: { width: 500, height: 706 },
      objects: [
        { name: 'Fox &amp ; Fin', box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } },
        { name: 'Bieber', box: { xmin: 132, ymin: 22, xmax: 500, ymax: 706 } },
      ],
    });
  });
  it('a single object is still a list; a numeric name stays a string', () => {
    const { annotation } = parseVoc(vocXml(10, 10, [['2016', 0, 0, 5, 5]]), 'b.xml');
    expect(annotation?.objects).toEqual([{ name: '2016', box: { xmin: 0, ymin: 0, xmax: 5, ymax: 5 } }]);
  });
  it('malformed XML is a diagnostic with the line, never a throw', () => {
    const { annotation, diagnostics } = parseVoc(
      '<annotation>\n<size><width>5</width>\n</annotation>',
      'bad.xml',
      '42',
    );
    expect(annotation).toBeNull();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', code: 'gmner-xml', file: 'bad.xml', sampleId: '42' });
  });
  it('missing bndbox values and size are reported', () => {
    const xml = '<annotation><object><name>X</name><bndbox><xmin>a</xmin></bndbox></object></annotation>';
    const { annotation, diagnostics } = parseVoc(xml, 'c.xml');
    expect(annotation).toEqual({ size: null, objects: [{ name: 'X', box: null }] });
    expect(diagnostics.map((d) => d.code)).toEqual(['gmner-size', 'gmner-box-missing']);
  });
});

describe('orderedMap', () => {
  it('keeps input order with bounded concurrency', async () => {
    let active = 0;
    let peak = 0;
    const out: number[] = [];
    for await (const v of orderedMap([5, 1, 4, 2, 3, 0], 3, async (x) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, x * 3));
      active--;
      return x * 10;
    }))
      out.push(v);
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
