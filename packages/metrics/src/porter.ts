/**
 * Porter stemmer identical to NLTK 3.8's `PorterStemmer()` in its default `NLTK_EXTENSIONS` mode.
 *
 * The input must already be lower-cased (rouge-score lower-cases the whole text before tokenizing;
 * this function does not lower-case). Every step follows NLTK's rule tables, including its
 * "first matching suffix decides" rule-list semantics: when a suffix matches but its condition
 * fails, the word is returned unchanged and no later rule of that step is tried.
 */

/** NLTK's irregular forms: the word maps straight to its paradigm form, bypassing the steps. */
const POOL: Readonly<Record<string, string>> = Object.freeze({
  sky: 'sky',
  skies: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  news: 'news',
  innings: 'inning',
  inning: 'inning',
  outings: 'outing',
  outing: 'outing',
  cannings: 'canning',
  canning: 'canning',
  howe: 'howe',
  proceed: 'proceed',
  exceed: 'exceed',
  succeed: 'succeed',
});

function isVowel(c: string): boolean {
  return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u';
}

/** NLTK `_is_consonant`: a letter other than a/e/i/o/u, and 'y' only when not preceded by a consonant. */
function isConsonant(word: string, i: number): boolean {
  // Iterative form of NLTK's recursion on 'y' (word[i] == 'y' → not consonant(i-1); i == 0 → consonant).
  let k = i;
  let flips = 0;
  while (true) {
    const c = word[k]!;
    if (isVowel(c)) return flips % 2 === 1;
    if (c === 'y' && k > 0) {
      flips++;
      k--;
      continue;
    }
    return flips % 2 === 0;
  }
}

/** NLTK `_measure`: the number of "vc" transitions in the consonant/vowel pattern of `stem`. */
function measure(stem: string): number {
  let m = 0;
  let prevCons = true; // value irrelevant for i = 0 (a 'y' at 0 is a consonant)
  let prevVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const c = stem[i]!;
    let cons: boolean;
    if (isVowel(c)) cons = false;
    else if (c === 'y') cons = i === 0 ? true : !prevCons;
    else cons = true;
    if (cons && prevVowel) m++;
    prevVowel = !cons;
    prevCons = cons;
  }
  return m;
}

function containsVowel(stem: string): boolean {
  let prevCons = true;
  for (let i = 0; i < stem.length; i++) {
    const c = stem[i]!;
    let cons: boolean;
    if (isVowel(c)) cons = false;
    else if (c === 'y') cons = i === 0 ? true : !prevCons;
    else cons = true;
    if (!cons) return true;
    prevCons = cons;
  }
  return false;
}

function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** NLTK `_ends_cvc` (condition *o), with the NLTK extension for two-letter words ("vc"). */
function endsCvc(word: string): boolean {
  const n = word.length;
  if (n >= 3) {
    const last = word[n - 1]!;
    if (
      isConsonant(word, n - 3) &&
      !isConsonant(word, n - 2) &&
      isConsonant(word, n - 1) &&
      last !== 'w' &&
      last !== 'x' &&
      last !== 'y'
    ) {
      return true;
    }
  }
  return n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

type Condition = ((stem: string) => boolean) | null;
type Rule = readonly [suffix: string, replacement: string, condition: Condition];

const positive: Condition = (stem) => measure(stem) > 0;
const gt1: Condition = (stem) => measure(stem) > 1;

/** NLTK `_apply_rule_list` for plain suffixes: the first rule whose suffix matches decides. */
function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

function step1a(word: string): string {
  if (word.length === 4 && word.endsWith('ies')) return `${word.slice(0, -3)}ie`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ies')) return word.slice(0, -2);
  if (word.endsWith('ss')) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

function step1b(word: string): string {
  if (word.endsWith('ied')) return word.length === 4 ? `${word.slice(0, -3)}ie` : `${word.slice(0, -3)}i`;
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? `${stem}ee` : word;
  }
  let stem: string;
  if (word.endsWith('ed') && containsVowel(word.slice(0, -2))) stem = word.slice(0, -2);
  else if (word.endsWith('ing') && containsVowel(word.slice(0, -3))) stem = word.slice(0, -3);
  else return word;

  if (stem.endsWith('at')) return `${stem}e`;
  if (stem.endsWith('bl')) return `${stem}e`;
  if (stem.endsWith('iz')) return `${stem}e`;
  if (endsDoubleConsonant(stem)) {
    const last = stem[stem.length - 1]!;
    // "*d and not (*L or *S or *Z) -> single letter"; otherwise the stem is kept as it is.
    return last !== 'l' && last !== 's' && last !== 'z' ? stem.slice(0, -1) : stem;
  }
  return measure(stem) === 1 && endsCvc(stem) ? `${stem}e` : stem;
}

function step1c(word: string): string {
  // NLTK extension: y -> i when preceded by a consonant that is not the first letter.
  if (word.endsWith('y')) {
    const stem = word.slice(0, -1);
    return stem.length > 1 && isConsonant(stem, stem.length - 1) ? `${stem}i` : word;
  }
  return word;
}

const STEP2_RULES: readonly Rule[] = Object.freeze([
  ['ational', 'ate', positive],
  ['tional', 'tion', positive],
  ['enci', 'ence', positive],
  ['anci', 'ance', positive],
  ['izer', 'ize', positive],
  ['bli', 'ble', positive],
  ['alli', 'al', positive],
  ['entli', 'ent', positive],
  ['eli', 'e', positive],
  ['ousli', 'ous', positive],
  ['ization', 'ize', positive],
  ['ation', 'ate', positive],
  ['ator', 'ate', positive],
  ['alism', 'al', positive],
  ['iveness', 'ive', positive],
  ['fulness', 'ful', positive],
  ['ousness', 'ous', positive],
  ['aliti', 'al', positive],
  ['iviti', 'ive', positive],
  ['biliti', 'ble', positive],
  ['fulli', 'ful', positive],
]);

function step2(word: string): string {
  // NLTK extension: -alli -> -al, then step 2 again on the result.
  if (word.endsWith('alli') && measure(word.slice(0, -4)) > 0) return step2(`${word.slice(0, -4)}al`);
  const r = STEP2_RULES;
  for (const [suffix, replacement, condition] of r) {
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  // NLTK extension: -logi -> -log when the word minus its last three letters has m > 0.
  if (word.endsWith('logi')) return measure(word.slice(0, -3)) > 0 ? word.slice(0, -1) : word;
  return word;
}

const STEP3_RULES: readonly Rule[] = Object.freeze([
  ['icate', 'ic', positive],
  ['ative', '', positive],
  ['alize', 'al', positive],
  ['iciti', 'ic', positive],
  ['ical', 'ic', positive],
  ['ful', '', positive],
  ['ness', '', positive],
]);

const STEP4_RULES: readonly Rule[] = Object.freeze([
  ['al', '', gt1],
  ['ance', '', gt1],
  ['ence', '', gt1],
  ['er', '', gt1],
  ['ic', '', gt1],
  ['able', '', gt1],
  ['ible', '', gt1],
  ['ant', '', gt1],
  ['ement', '', gt1],
  ['ment', '', gt1],
  ['ent', '', gt1],
  ['ion', '', (stem) => measure(stem) > 1 && (stem.endsWith('s') || stem.endsWith('t'))],
  ['ou', '', gt1],
  ['ism', '', gt1],
  ['ate', '', gt1],
  ['iti', '', gt1],
  ['ous', '', gt1],
  ['ive', '', gt1],
  ['ize', '', gt1],
]);

function step5a(word: string): string {
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1) return stem;
    if (m === 1 && !endsCvc(stem)) return stem;
  }
  return word;
}

function step5b(word: string): string {
  if (word.endsWith('ll')) return measure(word.slice(0, -1)) > 1 ? word.slice(0, -1) : word;
  return word;
}

/**
 * Stems one lower-case word exactly as NLTK 3.8 `PorterStemmer().stem(word)` does (default mode).
 * Irregular forms (`dying → die`, `skies → sky`, `news → news`, …) bypass the steps; words of at
 * most two characters are returned unchanged.
 */
export function porterStem(word: string): string {
  if (Object.hasOwn(POOL, word)) return POOL[word]!;
  if (word.length <= 2) return word;
  let w = step1a(word);
  w = step1b(w);
  w = step1c(w);
  w = step2(w);
  w = applyRules(w, STEP3_RULES);
  w = applyRules(w, STEP4_RULES);
  w = step5a(w);
  w = step5b(w);
  return w;
}
