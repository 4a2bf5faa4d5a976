import { describe, expect, it } from 'vitest';
import { porterStem } from './porter.js';

// Word lists derived from the rules of each step (the examples of Porter's paper and NLTK's
// extensions); the expected stems are what NLTK 3.8 `PorterStemmer().stem(word)` returns.
function table(s: string): [string, string][] {
  return s
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(':') as [string, string]);
}

const CASES: Record<string, [string, string][]> = {
  'step 1a (plurals; NLTK: 4-letter -ies → -ie)': table(`
    caresses:caress ponies:poni ties:tie caress:caress cats:cat toys:toy`),
  'step 1b (-eed, -ed, -ing and the tidy-up; NLTK: -ied)': table(`
    feed:feed agreed:agre plastered:plaster bled:bled motoring:motor sing:sing conflated:conflat
    troubled:troubl sized:size hopping:hop tanned:tan falling:fall hissing:hiss fizzed:fizz failing:fail
    filing:file died:die spied:spi cried:cri`),
  'step 1c (NLTK: y → i only after a consonant that is not the first letter)': table(`
    happy:happi enjoy:enjoy cry:cri toy:toy syzygy:syzygi yyyy:yyyi`),
  'step 2 (double suffixes; NLTK: -alli recursion, -fulli, -logi)': table(`
    relational:relat conditional:condit rational:ration valenci:valenc hesitanci:hesit digitizer:digit
    conformabli:conform radicalli:radic differentli:differ vileli:vile analogousli:analog
    vietnamization:vietnam predication:predic operator:oper feudalism:feudal decisiveness:decis
    hopefulness:hope callousness:callous formaliti:formal sensitiviti:sensit sensibiliti:sensibl
    generously:gener fully:fulli carefully:care radically:radic archaeology:archaeolog geology:geolog
    theology:theolog`),
  'step 3': table(`
    triplicate:triplic formative:form formalize:formal electriciti:electr electrical:electr hopeful:hope
    goodness:good`),
  'step 4': table(`
    revival:reviv allowance:allow inference:infer airliner:airlin gyroscopic:gyroscop adjustable:adjust
    defensible:defens irritant:irrit replacement:replac adjustment:adjust dependent:depend adoption:adopt
    homologou:homolog communism:commun activate:activ angulariti:angular homologous:homolog
    effective:effect bowdlerize:bowdler`),
  'step 5 (final -e, -ll)': table(`probate:probat rate:rate cease:ceas controll:control roll:roll`),
  'NLTK irregular forms bypass the steps': table(`
    dying:die lying:lie tying:tie skies:sky sky:sky news:news innings:inning inning:inning outings:outing
    outing:outing cannings:canning canning:canning howe:howe proceed:proceed exceed:exceed succeed:succeed
    proceeding:proceed exceeded:exceed`),
  'short and degenerate words': table(`a:a is:is as:as was:wa oed:o ies:i`),
};

describe('porterStem (NLTK 3.8 PorterStemmer, NLTK_EXTENSIONS)', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    it(name, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const [word, stem] of cases) expect([word, porterStem(word)]).toEqual([word, stem]);
    });
  }

  it('returns words of at most two characters and the empty string unchanged', () => {
    for (const w of ['', 'y', 'ss', 'ed', 'by']) expect(porterStem(w)).toBe(w);
  });

  it('never returns an empty stem or a non [a-z0-9] character for [a-z0-9] input longer than 3', () => {
    const alphabet = 'aeiouybcdfgstlmnrz0';
    let x = 12345;
    for (let k = 0; k < 5000; k++) {
      let w = '';
      const len = 4 + (k % 9);
      for (let j = 0; j < len; j++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        w += alphabet[x % alphabet.length];
      }
      expect(porterStem(w)).toMatch(/^[a-z0-9]+$/);
    }
  });
});
