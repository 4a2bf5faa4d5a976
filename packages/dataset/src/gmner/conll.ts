import { canonicalLabel, type Entity, type Label } from '@mmre/core';
import type { DatasetDiagnostic } from '../diagnostics.js';

/** One tweet of a GMNER CoNLL file. */
export interface ConllTweet {
  /** The IMGID (without the `IMGID:` prefix). */
  id: string;
  /** Split = the file's base name (train, dev, test). */
  split: string;
  tokens: string[];
  /** One BIO tag per token, as written (`O`, `B-PER`, `I-ORG`, …). */
  tags: string[];
  /** File and 1-based line of the `IMGID:` line. */
  file: string;
  line: number;
}

const GMNER_TYPES: Readonly<Record<string, Label>> = {
  PER: 'person',
  ORG: 'organization',
  LOC: 'location',
  OTHER: 'other',
};

/** Canonical label of a GMNER entity type (PER/ORG/LOC/OTHER, or a known alias such as MISC), or null. */
export function gmnerLabel(type: string): Label | null {
  return GMNER_TYPES[type] ?? canonicalLabel(type);
}

/**
 * Parses a GMNER CoNLL text: an `IMGID:<id>` line opens a tweet, then `token<TAB>tag` lines,
 * a blank line between tweets. Malformed lines become diagnostics; the rest is kept.
 */
export function parseConll(
  text: string,
  file: string,
  split: string,
): { tweets: ConllTweet[]; diagnostics: DatasetDiagnostic[] } {
  const tweets: ConllTweet[] = [];
  const diagnostics: DatasetDiagnostic[] = [];
  let cur: ConllTweet | null = null;
  let start = 0;
  let lineNo = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.startsWith('IMGID:')) {
      const id = line.slice(6).trim();
      if (!id) {
        diagnostics.push({
          severity: 'error',
          code: 'gmner-conll',
          message: `${file}:${lineNo}: empty IMGID; fix: write the image id after "IMGID:"; the tokens that follow are skipped`,
          file,
          line: lineNo,
        });
        cur = null;
        continue;
      }
      cur = { id, split, tokens: [], tags: [], file, line: lineNo };
      tweets.push(cur);
      continue;
    }
    if (line.trim() === '') continue;
    const tab = line.lastIndexOf('\t');
    let token: string;
    let tag: string;
    if (tab >= 0) {
      token = line.slice(0, tab);
      tag = line.slice(tab + 1).trim();
    } else {
      const m = /^(.*\S)\s+(\S+)$/.exec(line);
      if (!m) {
        diagnostics.push({
          severity: 'error',
          code: 'gmner-conll',
          message: `${file}:${lineNo}: expected "token<TAB>tag", got ${JSON.stringify(line)}; fix: add the BIO tag after a tab; line skipped`,
          file,
          line: lineNo,
          ...(cur ? { sampleId: cur.id } : {}),
        });
        continue;
      }
      token = m[1] as string;
      tag = m[2] as string;
    }
    if (!cur) {
      diagnostics.push({
        severity: 'error',
        code: 'gmner-conll',
        message: `${file}:${lineNo}: token line before any "IMGID:" line; fix: start each tweet with IMGID:<id>; line skipped`,
        file,
        line: lineNo,
      });
      continue;
    }
    if (tag !== 'O') {
      const m = /^([BI])-(.+)$/.exec(tag);
      if (!m || !gmnerLabel(m[2] as string)) {
        diagnostics.push({
          severity: 'warning',
          code: 'gmner-tag',
          message: `${file}:${lineNo}: unknown tag ${JSON.stringify(tag)} on token ${JSON.stringify(token)}; read as O; fix: use O, B-X or I-X with X in PER, ORG, LOC, OTHER`,
          file,
          line: lineNo,
          sampleId: cur.id,
        });
        tag = 'O';
      }
    }
    cur.tokens.push(token);
    cur.tags.push(tag);
  }
  return { tweets, diagnostics };
}

/**
 * Entities of a BIO-tagged token list, by the conlleval rule: an entity is a maximal
 * `B-X I-X*` run, and an `I-X` that does not continue an entity of type X starts a new one.
 * Entity text = its tokens joined by single spaces.
 */
export function extractEntities(tokens: readonly string[], tags: readonly string[]): Entity[] {
  const out: Entity[] = [];
  let type: string | null = null;
  let words: string[] = [];
  const flush = () => {
    if (type !== null && words.length > 0) {
      const label = gmnerLabel(type);
      if (label) out.push({ label, text: words.join(' ') });
    }
    type = null;
    words = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const tag = tags[i] ?? 'O';
    const token = tokens[i] as string;
    if (tag === 'O' || tag.length < 3 || tag[1] !== '-') {
      flush();
      continue;
    }
    const t = tag.slice(2);
    if (tag[0] === 'I' && type === t) {
      words.push(token);
      continue;
    }
    flush();
    type = t;
    words = [token];
  }
  flush();
  return out;
}
