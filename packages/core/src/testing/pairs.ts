import { mulberry32 } from '../random.js';

/**
 * Words of news-photo summaries, with the punctuation, numbers, contractions and abbreviations that
 * exercise the 13a and rouge-score tokenizers.
 */
const WORDS = (
  'the a an of in on at to with and by from for is are was were has have shows showing shown picture image ' +
  'photo photograph people person man woman men women children child crowd players player team teams match ' +
  'game games stadium fans fan police officers officer protest protesters street streets city cities building ' +
  'buildings fire fires firefighters smoke flames hillside night day morning evening president minister ' +
  'leaders leader meeting meetings conference press reporters microphone podium speech speaking speaks ' +
  'holding holds held standing stands stood sitting sits walking walks running runs ran celebrating ' +
  'celebrates celebration goal goals scored scoring victory win wins won championship league season ' +
  'flooded flooding floods water rescue rescuers boats boat residents homes houses damaged destroyed ' +
  'storm storms hurricane winds trees fallen roads road traffic cars car vehicles bus trucks accident ' +
  'hospital doctors nurses patients vaccine vaccination campaign health workers election elections votes ' +
  'voting voters ballot polling station queue long lines waiting waited flags flag national anniversary ' +
  'ceremony memorial museum exhibition paintings artist artists concert stage singer singing guitar ' +
  'audience lights colorful bright dark cloudy skies sunny beach ocean waves surfers mountains snow ' +
  'skiing climbers trail hikers forest wildlife animals dog dogs cat horses market vendors selling fruit ' +
  'vegetables food restaurant chefs cooking kitchen students school classroom teacher teaching books ' +
  'library studying studies generously donated volunteers organization organizations community local ' +
  'international government officials announced announcing announcement new policy economic growth ' +
  'company companies workers factory production technology phone phones computer screen online social ' +
  "media users posted posting tweet tweets viral video videos news U.S. don't it's Mr. Dr. St. e.g. " +
  'co-op well-known 2024 10,000 $5.00 3-2 7.5% #breaking @user'
).split(' ');
const PUNCT = ['', '', '', '', '', '', ',', '.', '', '', ':', ';', '!', '?', '"', ')'];

export interface SummaryPairOptions {
  /** Words per reference: uniform in [min, max] (default 45–55, like the ~53-word M-MRE summaries). */
  minWords?: number;
  maxWords?: number;
}

/**
 * `n` deterministic, distinct (prediction, reference) pairs that look like image summaries: the
 * prediction is the reference with ~30% of words replaced, ~7% dropped and ~7% inserted. Used by the
 * metric benchmarks so every figure is measured on the same kind of text.
 */
export function summaryLikePairs(n: number, seed = 20240611, options: SummaryPairOptions = {}): [string, string][] {
  const min = options.minWords ?? 45;
  const span = (options.maxWords ?? 55) - min + 1;
  const rand = mulberry32(seed);
  const word = () => WORDS[Math.floor(rand() * WORDS.length)] as string;
  const pairs: [string, string][] = [];
  for (let k = 0; k < n; k++) {
    const ref: string[] = [];
    const len = min + Math.floor(rand() * span);
    for (let i = 0; i < len; i++) {
      let w = word();
      if (i === 0) w = (w[0] as string).toUpperCase() + w.slice(1);
      ref.push(w + PUNCT[Math.floor(rand() * PUNCT.length)]);
    }
    ref.push(`#${k}.`); // every text distinct
    const pred: string[] = [];
    for (const w of ref) {
      const r = rand();
      if (r < 0.3) pred.push(word());
      else if (r < 0.37) continue;
      else pred.push(w);
      if (rand() < 0.07) pred.push(word());
    }
    pairs.push([pred.join(' '), ref.join(' ')]);
  }
  return pairs;
}
