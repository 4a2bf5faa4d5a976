/**
 * The rule-based M-MRE baseline (see README "Baseline rules"). One algorithm produces a summary,
 * entities and segment pairs for a sample; every mode prints parts of that one answer, so the
 * baseline cannot show a mutual reinforcement effect.
 */
import { type AnswerEntity, type AnswerPair, LABELS, type Label, type PfaAnswer, type Sample } from '@mmre/core';

/** Used when the train split has no summary to retrieve. */
export const FALLBACK_SUMMARY = 'This image shows a scene related to the text.';

/** Gazetteer entries must be an entity in at least this share of their occurrences in train texts. */
export const GAZETTEER_MIN_PRECISION = 0.5;

/** Capitalised function words that never start or make up a capitalised-span entity. */
const STOP = new Set(
  (
    "rt a an the i im i'm in on at of and or but for to from by with my your our we you he she it its they this that these those is are was were be " +
    'do does did have has had not no yes so if as up out new via just all more most what when where who why how here there me us him her them ' +
    'today tonight tomorrow yesterday good great happy best please thanks thank watch check live breaking video photo pic photos news update ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december'
  ).split(' '),
);

/** A last word that marks an organization. */
const ORG_SUFFIX = new Set(
  'fc united inc corp co ltd llc club university college school academy police news party council team records times post bank church band airlines airways company league association federation institute foundation committee department ministry agency network tv radio'.split(
    ' ',
  ),
);
/** A word that marks a location. */
const LOC_CUE = new Set(
  'city county street st avenue ave road park river lake mountain mount island islands beach bay airport square valley state province republic kingdom north south east west'.split(
    ' ',
  ),
);

export function normalizeToken(t: string): string {
  return t.normalize('NFKC').toLowerCase();
}

/** Whitespace tokens (GMNER texts are tokens joined by single spaces). */
export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter((t) => t.length > 0);
}

/** Lower-cased letter/digit words, for TF-IDF. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

interface GazetteerEntry {
  text: string;
  label: Label;
  /** Times it is a gold entity in train. */
  count: number;
  /** Times it is the entity of a gold pair in train. */
  grounded: number;
}

export interface BaselineModel {
  gazetteer: Map<string, GazetteerEntry>;
  maxLen: number;
  /** Entries dropped by the precision filter. */
  dropped: number;
  summaries: { id: string; summary: string; vector: Map<string, number> }[];
  idf: Map<string, number>;
  trainSamples: number;
}

function argmaxLabel(counts: Map<Label, number>): Label {
  let best: Label = 'other';
  let bestN = -1;
  for (const l of LABELS) {
    const n = counts.get(l) ?? 0;
    if (n > bestN) {
      best = l;
      bestN = n;
    }
  }
  return best;
}

function tfidf(tokens: string[], idf: Map<string, number>): Map<string, number> {
  const tf = new Map<string, number>();
  for (const w of tokens) if (idf.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
  let norm = 0;
  for (const [w, n] of tf) {
    const v = n * (idf.get(w) as number);
    tf.set(w, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [w, v] of tf) tf.set(w, v / norm);
  return tf;
}

/** Builds the gazetteer and the summary index from train samples (sorted by id for determinism). */
export function buildModel(train: readonly Sample[]): BaselineModel {
  const samples = [...train].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const raw = new Map<
    string,
    { surfaces: Map<string, number>; labels: Map<Label, number>; count: number; grounded: number }
  >();
  let maxLen = 0;
  for (const s of samples) {
    const groundedHere = new Set(s.gold.pairs.map((p) => tokenize(p.entity).map(normalizeToken).join(' ')));
    for (const e of s.gold.entities) {
      const toks = tokenize(e.text);
      if (toks.length === 0) continue;
      const key = toks.map(normalizeToken).join(' ');
      let r = raw.get(key);
      if (!r) {
        r = { surfaces: new Map(), labels: new Map(), count: 0, grounded: 0 };
        raw.set(key, r);
      }
      const surface = toks.join(' ');
      r.surfaces.set(surface, (r.surfaces.get(surface) ?? 0) + 1);
      r.labels.set(e.label, (r.labels.get(e.label) ?? 0) + 1);
      r.count++;
      if (groundedHere.has(key)) r.grounded++;
      maxLen = Math.max(maxLen, toks.length);
    }
  }
  // Occurrences of each candidate n-gram anywhere in train texts (entity or not).
  const occurrences = new Map<string, number>();
  for (const s of samples) {
    const toks = tokenize(s.text).map(normalizeToken);
    for (let i = 0; i < toks.length; i++)
      for (let n = 1; n <= maxLen && i + n <= toks.length; n++) {
        const key = toks.slice(i, i + n).join(' ');
        if (raw.has(key)) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
      }
  }
  const gazetteer = new Map<string, GazetteerEntry>();
  let dropped = 0;
  for (const [key, r] of raw) {
    const occ = Math.max(occurrences.get(key) ?? 0, r.count);
    if (r.count / occ < GAZETTEER_MIN_PRECISION || STOP.has(key)) {
      dropped++;
      continue;
    }
    let text = '';
    let best = -1;
    for (const [surface, n] of [...r.surfaces].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
      if (n > best) {
        text = surface;
        best = n;
      }
    gazetteer.set(key, { text, label: argmaxLabel(r.labels), count: r.count, grounded: r.grounded });
  }
  // TF-IDF over the texts of train samples that have a summary (smoothed idf: ln((N+1)/(df+1)) + 1).
  const withSummary = samples.filter((s) => s.gold.summary && s.gold.summary.trim().length > 0);
  const df = new Map<string, number>();
  const docs = withSummary.map((s) => words(s.text));
  for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [w, n] of df) idf.set(w, Math.log((docs.length + 1) / (n + 1)) + 1);
  const summaries = withSummary.map((s, i) => ({
    id: s.id,
    summary: (s.gold.summary as string).trim(),
    vector: tfidf(docs[i] as string[], idf),
  }));
  return { gazetteer, maxLen, dropped, summaries, idf, trainSamples: samples.length };
}

/** Nearest train summary by TF-IDF cosine over the text; ties (and all-zero) go to the first train id. */
export function retrieveSummary(
  model: BaselineModel,
  text: string,
  excludeId?: string,
): { summary: string; from: string | null; score: number } {
  const q = tfidf(words(text), model.idf);
  let best: { summary: string; from: string | null; score: number } = {
    summary: FALLBACK_SUMMARY,
    from: null,
    score: -1,
  };
  for (const doc of model.summaries) {
    if (doc.id === excludeId) continue;
    let dot = 0;
    const [small, large] = q.size <= doc.vector.size ? [q, doc.vector] : [doc.vector, q];
    for (const [w, v] of small) dot += v * (large.get(w) ?? 0);
    if (dot > best.score) best = { summary: doc.summary, from: doc.id, score: dot };
  }
  return best.from === null ? { summary: FALLBACK_SUMMARY, from: null, score: 0 } : best;
}

const CAP_WORD = /^\p{Lu}[\p{L}\p{N}'’.&-]*$/u;
const ALL_CAPS = /^[\p{Lu}\p{N}&.]+$/u;
const SENTENCE_END = new Set(['.', '!', '?', ':', '…', '|', '-', '"', 'rt']);

function isCapWord(t: string): boolean {
  if (!CAP_WORD.test(t)) return false;
  // Shouting (all-caps words longer than 5 letters) is not a name; short acronyms are.
  if (ALL_CAPS.test(t) && t.length > 5) return false;
  return true;
}

function guessLabel(tokens: string[]): Label {
  const lower = tokens.map(normalizeToken);
  if (ORG_SUFFIX.has(lower.at(-1) as string)) return 'organization';
  if (lower.some((w) => LOC_CUE.has(w))) return 'location';
  if (tokens.length === 1 && ALL_CAPS.test(tokens[0] as string)) return 'organization';
  return 'person';
}

interface Found extends AnswerEntity {
  grounded: boolean;
}

/** NER by the documented rules: gazetteer (longest match), @mentions, #hashtags, capitalised spans. */
export function extractEntities(model: BaselineModel, text: string): Found[] {
  const toks = tokenize(text);
  const norm = toks.map(normalizeToken);
  const out: Found[] = [];
  let i = 0;
  while (i < toks.length) {
    // 1. gazetteer, longest match first
    let matched = false;
    for (let n = Math.min(model.maxLen, toks.length - i); n >= 1; n--) {
      const entry = model.gazetteer.get(norm.slice(i, i + n).join(' '));
      if (entry) {
        out.push({ label: entry.label, text: toks.slice(i, i + n).join(' '), grounded: entry.grounded > 0 });
        i += n;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const t = toks[i] as string;
    // 2. @mention / #hashtag: either split (`@ name`, as in GMNER) or joined (`@name`)
    const marker = t === '@' || t === '#' ? t : /^[@#]\p{L}/u.test(t) ? (t[0] as string) : null;
    if (marker) {
      const split = t.length === 1;
      const name = split ? toks[i + 1] : t.slice(1);
      const next = i + (split ? 2 : 1);
      if (name && /^\p{L}/u.test(name)) {
        const known = model.gazetteer.get(normalizeToken(name));
        const afterRt = i > 0 && norm[i - 1] === 'rt';
        // mention: not the retweet source (`RT @ x :`); hashtag: only capitalised tags
        const keep = known ? true : marker === '@' ? !afterRt : /^\p{Lu}/u.test(name);
        if (keep) out.push({ label: known?.label ?? 'organization', text: name, grounded: (known?.grounded ?? 0) > 0 });
      }
      i = name ? next : i + 1;
      continue;
    }
    // 3. capitalised span
    if (isCapWord(t) && !STOP.has(norm[i] as string)) {
      let j = i;
      while (
        j < toks.length &&
        isCapWord(toks[j] as string) &&
        !STOP.has(norm[j] as string) &&
        !model.gazetteer.has(norm[j] as string)
      )
        j++;
      if (j === i) j = i + 1;
      let span = toks.slice(i, j);
      let sentenceStart = i === 0 || SENTENCE_END.has(norm[i - 1] as string);
      // A sentence-initial -ing/-ed/-ly word is capitalised because it starts the sentence.
      if (sentenceStart && span.length > 1 && /(?:ing|ed|ly)$/i.test(span[0] as string)) {
        span = span.slice(1);
        sentenceStart = false;
      }
      if (!(span.length === 1 && sentenceStart && !ALL_CAPS.test(t)))
        out.push({ label: guessLabel(span), text: span.join(' '), grounded: false });
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

/**
 * Segment → entity: candidates are the distinct predicted entities, those grounded in train first,
 * then persons, then the rest (each group in text order); segment k gets candidate k, and segments
 * beyond the candidates get the first candidate. No entity → no pairs.
 */
export function matchSegments(entities: readonly Found[], segmentIds: readonly string[]): AnswerPair[] {
  const seen = new Set<string>();
  const distinct = entities.filter((e) => {
    const k = normalizeToken(e.text);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const ranked = [
    ...distinct.filter((e) => e.grounded),
    ...distinct.filter((e) => !e.grounded && e.label === 'person'),
    ...distinct.filter((e) => !e.grounded && e.label !== 'person'),
  ];
  if (ranked.length === 0) return [];
  return segmentIds.map((segment, k) => ({ segment, entity: (ranked[k] ?? (ranked[0] as Found)).text }));
}

export interface BaselineInput {
  id: string;
  text: string;
  segmentIds: readonly string[];
}

/** The one answer the baseline gives for a sample (every mode prints parts of it). */
export function predict(model: BaselineModel, input: BaselineInput): PfaAnswer & { summaryFrom: string | null } {
  const found = extractEntities(model, input.text);
  const { summary, from } = retrieveSummary(model, input.text, input.id);
  return {
    summary,
    summaryFrom: from,
    entities: found.map(({ label, text }) => ({ label, text })),
    pairs: matchSegments(found, input.segmentIds),
  };
}
