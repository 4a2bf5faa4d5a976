import type { AnswerEntity, AnswerPair } from './answer.js';
import { canonicalLabel } from './labels.js';
import type { Mode } from './modes.js';
import { modeTasks } from './modes.js';

/** Stable diagnostic codes of `parseAnswer`. */
export const DIAGNOSTIC_CODES = {
  notAString: 'not-a-string',
  missingTask1: 'missing-task1-anchor',
  missingTask2: 'missing-task2-anchor',
  duplicateAnchor: 'duplicate-anchor',
  anchorsOutOfOrder: 'anchors-out-of-order',
  leadingChatter: 'leading-chatter',
  emptySummary: 'empty-summary',
  markdownFence: 'markdown-fence',
  missingNer: 'missing-ner-anchor',
  nerLeadingText: 'ner-leading-text',
  unknownLabel: 'unknown-label',
  labelAlias: 'label-alias',
  emptyEntity: 'empty-entity',
  missingPairs: 'missing-pairs-anchor',
  pairsNotMapping: 'pairs-not-a-mapping',
  badSegmentKey: 'bad-segment-key',
  duplicateKey: 'duplicate-key',
  badValue: 'bad-pair-value',
  truncatedValue: 'truncated-value',
  truncatedMapping: 'truncated-mapping',
  trailingText: 'trailing-text',
  unaskedTask: 'unasked-task',
  tooManyDiagnostics: 'too-many-diagnostics',
  internalError: 'internal-error',
} as const;

/** At most this many diagnostics are kept per answer; the rest are counted in one last diagnostic. */
export const MAX_DIAGNOSTICS = 50;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[keyof typeof DIAGNOSTIC_CODES];

export interface Diagnostic {
  /** Stable machine-readable code, one of DIAGNOSTIC_CODES. */
  code: DiagnosticCode;
  /** Human-readable explanation. */
  message: string;
  /** Character offset in the input where the problem was seen, when known. */
  offset?: number;
}

/** Per-anchor format compliance: the anchor is there and what follows it is in the exact PFA format. */
export interface Compliance {
  task1: boolean;
  ner: boolean;
  pairs: boolean;
}

export interface ParseResult {
  /** Task 1 summary; null when the answer has none. */
  summary: string | null;
  entities: AnswerEntity[];
  pairs: AnswerPair[];
  compliance: Compliance;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /**
   * The mode the prompt asked for. Every anchor present is still read; with a mode, a missing anchor of
   * a task the mode did not ask for is not reported, and an answer to such a task is noted.
   */
  mode?: Mode;
}

// All patterns below are linear: no nested or adjacent overlapping quantifiers (checked by the fuzz test
// and the 1 MB adversarial bench).
const TASK_ANCHOR = /task[ \t]*([12])[ \t]*answer[ \t*_]*[:\uff1a][*_]*/gi;
const NER_ANCHOR = /\bner[ \t*_]*[:\uff1a][*_]*/i;
const PAIRS_ANCHOR = /image[ \t_-]?entit(?:y|ies)[ \t_-]?pairs?[ \t*_]*[:\uff1a][*_]*/i;
const LABEL_DELIM = /:[ \t]*([A-Za-z][A-Za-z _\t-]*);/g;
const FENCE_LINE = /^[ \t]*```[^\n`]*$/gm;
const EMPTY_NER = /^(?:none|null|n\/a|\[\]|-)?$/i;

interface Anchor {
  task: 1 | 2;
  start: number;
  end: number;
}

function emptyResult(): ParseResult {
  return {
    summary: null,
    entities: [],
    pairs: [],
    compliance: { task1: false, ner: false, pairs: false },
    diagnostics: [],
  };
}

/** Reads a PFA answer following DESIGN.md's reading rules. Never throws, on any input. */
export function parseAnswer(text: unknown, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnsafe(text, options);
  } catch (err) {
    const r = emptyResult();
    r.diagnostics.push({
      code: DIAGNOSTIC_CODES.internalError,
      message: `the parser failed on this input (${err instanceof Error ? err.message : String(err)}); nothing was read`,
    });
    return r;
  }
}

function parseUnsafe(input: unknown, options: ParseOptions): ParseResult {
  const result = emptyResult();
  let suppressed = 0;
  const diag = (code: DiagnosticCode, message: string, offset?: number) => {
    if (result.diagnostics.length >= MAX_DIAGNOSTICS) suppressed++;
    else result.diagnostics.push(offset === undefined ? { code, message } : { code, message, offset });
  };

  let text: string;
  if (typeof input === 'string') text = input;
  else {
    diag(DIAGNOSTIC_CODES.notAString, `expected the answer as a string, got ${input === null ? 'null' : typeof input}`);
    text = input === null || input === undefined ? '' : String(input);
  }
  const asked = options.mode ? modeTasks(options.mode) : { task1: true, task2: true };

  const anchors: Anchor[] = [];
  TASK_ANCHOR.lastIndex = 0;
  for (let m = TASK_ANCHOR.exec(text); m !== null; m = TASK_ANCHOR.exec(text)) {
    anchors.push({ task: m[1] === '1' ? 1 : 2, start: m.index, end: m.index + m[0].length });
  }
  const first1 = anchors.find((a) => a.task === 1);
  const first2 = anchors.find((a) => a.task === 2);
  for (const task of [1, 2] as const) {
    const all = anchors.filter((a) => a.task === task);
    if (all.length > 1)
      diag(
        DIAGNOSTIC_CODES.duplicateAnchor,
        `"Task ${task} Answer:" appears ${all.length} times; the first one is read`,
        all[1]?.start,
      );
  }
  if (first1 && first2 && first2.start < first1.start)
    diag(
      DIAGNOSTIC_CODES.anchorsOutOfOrder,
      '"Task 2 Answer:" comes before "Task 1 Answer:"; both are read',
      first2.start,
    );
  const firstAnchor = anchors[0];
  // Markdown markers that open the first anchor (`**Task 1 Answer:**`, `### Task 1 Answer:`) are not chatter.
  if (firstAnchor && /[^*_#\s]/.test(text.slice(0, firstAnchor.start)))
    diag(DIAGNOSTIC_CODES.leadingChatter, 'text before the first anchor is ignored', 0);

  /** End of the region that starts at `anchor`: the next anchor, or the end of the text. */
  const regionEnd = (anchor: Anchor): number => {
    const next = anchors.find((a) => a.start >= anchor.end);
    return next ? next.start : text.length;
  };

  // Task 1
  if (first1) {
    let summary = text.slice(first1.end, regionEnd(first1));
    let fenced = false;
    if (summary.includes('```')) {
      fenced = true;
      summary = summary.replace(FENCE_LINE, '').replace(/```/g, '');
      diag(DIAGNOSTIC_CODES.markdownFence, 'markdown fences around the summary were removed', first1.end);
    }
    summary = trimMarkers(summary);
    if (summary === '') {
      diag(DIAGNOSTIC_CODES.emptySummary, '"Task 1 Answer:" is followed by no summary', first1.end);
    } else {
      result.summary = summary;
      result.compliance.task1 = !fenced;
    }
    if (!asked.task1)
      diag(
        DIAGNOSTIC_CODES.unaskedTask,
        `the prompt (mode ${options.mode}) did not ask for Task 1, but it was answered`,
      );
  } else if (asked.task1) {
    diag(DIAGNOSTIC_CODES.missingTask1, 'no "Task 1 Answer:" anchor: the answer has no summary');
  }

  // Task 2
  if (first2) {
    readTask2(text, first2.end, regionEnd(first2), result, diag);
    if (!asked.task2)
      diag(
        DIAGNOSTIC_CODES.unaskedTask,
        `the prompt (mode ${options.mode}) did not ask for Task 2, but it was answered`,
      );
  } else if (asked.task2) {
    diag(DIAGNOSTIC_CODES.missingTask2, 'no "Task 2 Answer:" anchor: the answer has no entities and no pairs');
  }
  if (first1 && result.compliance.task1 && anchors.filter((a) => a.task === 1).length > 1)
    result.compliance.task1 = false;
  if (first2 && anchors.filter((a) => a.task === 2).length > 1) {
    result.compliance.ner = false;
    result.compliance.pairs = false;
  }
  if (suppressed > 0)
    result.diagnostics.push({
      code: DIAGNOSTIC_CODES.tooManyDiagnostics,
      message: `${suppressed} more diagnostics were not kept (limit ${MAX_DIAGNOSTICS})`,
    });
  return result;
}

type Diag = (code: DiagnosticCode, message: string, offset?: number) => void;

function readTask2(text: string, start: number, end: number, result: ParseResult, diag: Diag): void {
  const region = text.slice(start, end);
  const nerMatch = NER_ANCHOR.exec(region);
  const pairsMatch = PAIRS_ANCHOR.exec(region);
  const nerStart = nerMatch ? nerMatch.index : -1;
  const nerEnd = nerMatch ? nerMatch.index + nerMatch[0].length : -1;
  const pairsStart = pairsMatch ? pairsMatch.index : -1;
  const pairsEnd = pairsMatch ? pairsMatch.index + pairsMatch[0].length : -1;

  // NER part: after "NER:" (or, without it, from the region start) up to the pair anchor when it follows.
  let nerFrom: number;
  let nerCompliant = true;
  if (nerMatch) nerFrom = nerEnd;
  else {
    nerFrom = 0;
    nerCompliant = false;
    diag(
      DIAGNOSTIC_CODES.missingNer,
      'no "NER:" anchor after "Task 2 Answer:"; label delimiters are still read',
      start,
    );
  }
  const nerTo = pairsMatch && pairsStart >= nerFrom ? pairsStart : region.length;
  nerCompliant =
    readEntities(region.slice(nerFrom, nerTo), start + nerFrom, result, diag, nerMatch !== null) && nerCompliant;
  result.compliance.ner = nerCompliant;

  // Pairs part: after the pair anchor up to "NER:" when it follows, else to the region end.
  if (pairsMatch) {
    const pairsTo = nerMatch && nerStart >= pairsEnd ? nerStart : region.length;
    result.compliance.pairs = readMapping(region.slice(pairsEnd, pairsTo), start + pairsEnd, result, diag);
  } else {
    diag(
      DIAGNOSTIC_CODES.missingPairs,
      'no "image-entity pair:" anchor: the answer has no segment–entity pairs',
      start,
    );
  }
}

/** Reads `:label;entity` runs. Returns whether the part is in the exact format. */
function readEntities(part: string, offset: number, result: ParseResult, diag: Diag, anchored: boolean): boolean {
  let compliant = true;
  let cleaned = part;
  if (cleaned.includes('```')) {
    compliant = false;
    cleaned = cleaned.replace(/```[A-Za-z]*/g, (m) => ' '.repeat(m.length));
    diag(DIAGNOSTIC_CODES.markdownFence, 'markdown fences in the NER part were ignored', offset);
  }
  const delims: { label: string; start: number; end: number }[] = [];
  LABEL_DELIM.lastIndex = 0;
  for (let m = LABEL_DELIM.exec(cleaned); m !== null; m = LABEL_DELIM.exec(cleaned)) {
    delims.push({ label: m[1] as string, start: m.index, end: m.index + m[0].length });
  }
  const lead = (delims.length > 0 ? cleaned.slice(0, delims[0]?.start) : cleaned).trim();
  if (lead !== '' && !(delims.length === 0 && EMPTY_NER.test(lead))) {
    if (anchored || delims.length > 0) {
      compliant = false;
      diag(
        DIAGNOSTIC_CODES.nerLeadingText,
        `text before the first ":label;" delimiter is ignored: "${truncate(lead)}"`,
        offset,
      );
    }
  }
  for (let i = 0; i < delims.length; i++) {
    const d = delims[i] as { label: string; start: number; end: number };
    const next = delims[i + 1];
    const entity = next ? cleaned.slice(d.end, next.start).trim() : trimMarkers(cleaned.slice(d.end));
    const rawLabel = d.label.trim().replace(/[ \t]+/g, ' ');
    let label: string | null = canonicalLabel(rawLabel);
    if (label === null) {
      label = rawLabel.toLowerCase();
      compliant = false;
      diag(
        DIAGNOSTIC_CODES.unknownLabel,
        `unknown label "${rawLabel}" (expected person, organization, location, other); kept as "${label}"`,
        offset + d.start,
      );
    } else if (rawLabel !== label) {
      diag(DIAGNOSTIC_CODES.labelAlias, `label "${rawLabel}" read as "${label}"`, offset + d.start);
    }
    if (entity === '') {
      compliant = false;
      diag(DIAGNOSTIC_CODES.emptyEntity, `label "${rawLabel}" has no entity text; skipped`, offset + d.end);
      continue;
    }
    result.entities.push({ label, text: entity });
  }
  return compliant;
}

const MARKER_TOKEN = /^(?:[*_]{2,3}|#{1,6})$/;
/**
 * Trims whitespace, then drops trailing whitespace-separated tokens that are only markdown markers
 * (`**`, `__`, `###`): the bold or heading that opened the next anchor. Linear.
 */
function trimMarkers(s: string): string {
  const t = s.trim();
  let end = t.length;
  for (;;) {
    let i = end - 1;
    while (i >= 0 && !isSpace(t.charCodeAt(i))) i--;
    if (end - (i + 1) > 6 || !MARKER_TOKEN.test(t.slice(i + 1, end))) break;
    end = i + 1;
    while (end > 0 && isSpace(t.charCodeAt(end - 1))) end--;
  }
  return t.slice(0, end);
}

function truncate(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Reduces a mapping key to a segment letter id: 'a', "A", 'segment a', '(a)' → a. */
const KEY_NOISE = new Set(['segment', 'seg', 'image', 'img']);
export function segmentKey(raw: string): string | null {
  const k = raw
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => !KEY_NOISE.has(w))
    .join('');
  return /^[a-z]{1,3}$/.test(k) ? k : null;
}

enum Tok {
  Str,
  Word,
  Punct,
  End,
}

interface Token {
  kind: Tok;
  value: string;
  start: number;
  /** For strings: the closing quote was missing (input cut off). */
  truncated?: boolean;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

/** A small tokenizer for Python-dict / JSON-ish mappings. Linear time. */
class Lexer {
  pos = 0;
  constructor(private readonly s: string) {}

  next(): Token {
    const s = this.s;
    while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
    if (this.pos >= s.length) return { kind: Tok.End, value: '', start: this.pos };
    const start = this.pos;
    const ch = s[this.pos] as string;
    if (ch === "'" || ch === '"' || ch === '\u2018' || ch === '\u201c') {
      const close = ch === '\u2018' ? '\u2019' : ch === '\u201c' ? '\u201d' : ch;
      this.pos++;
      let out = '';
      while (this.pos < s.length) {
        const c = s[this.pos] as string;
        if (c === '\\' && this.pos + 1 < s.length) {
          const e = s[this.pos + 1] as string;
          this.pos += 2;
          if (e === 'n') out += '\n';
          else if (e === 't') out += '\t';
          else if (e === 'r') out += '\r';
          else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(this.pos, this.pos + 4))) {
            out += String.fromCharCode(Number.parseInt(s.slice(this.pos, this.pos + 4), 16));
            this.pos += 4;
          } else out += e;
          continue;
        }
        if (c === close) {
          this.pos++;
          return { kind: Tok.Str, value: out, start };
        }
        out += c;
        this.pos++;
      }
      return { kind: Tok.Str, value: out, start, truncated: true };
    }
    if ('{}[](),:'.includes(ch)) {
      this.pos++;
      return { kind: Tok.Punct, value: ch, start };
    }
    // A bare word: up to a structural character or a line break.
    let end = this.pos;
    while (end < s.length && !'{}[](),:\n\'"'.includes(s[end] as string)) end++;
    if (end === this.pos) end++;
    const value = s.slice(this.pos, end).trim();
    this.pos = end;
    return { kind: Tok.Word, value, start };
  }
}

const NULL_WORDS = new Set(['none', 'null', 'nil', 'n/a', '']);

/**
 * Reads the `{key: value, ...}` mapping after the pair anchor. Every key–value is kept, duplicates
 * included; list values become several pairs; None/null/empty give no pair. Returns compliance.
 */
function readMapping(part: string, offset: number, result: ParseResult, diag: Diag): boolean {
  let body = part;
  let compliant = true;
  if (body.includes('```')) {
    compliant = false;
    body = body.replace(/```[A-Za-z]*/g, (m) => ' '.repeat(m.length));
    diag(DIAGNOSTIC_CODES.markdownFence, 'markdown fences around the mapping were ignored', offset);
  }
  const open = body.indexOf('{');
  if (open < 0) {
    const rest = body.trim();
    if (rest === '' || !NULL_WORDS.has(rest.toLowerCase())) {
      diag(
        DIAGNOSTIC_CODES.pairsNotMapping,
        `"image-entity pair:" is not followed by a {…} mapping: "${truncate(rest)}"`,
        offset,
      );
      return false;
    }
    // "None": the model says there is no pair.
    return compliant;
  }
  if (body.slice(0, open).trim() !== '') {
    compliant = false;
    diag(DIAGNOSTIC_CODES.trailingText, 'text between "image-entity pair:" and "{" is ignored', offset);
  }
  const lex = new Lexer(body);
  lex.pos = open + 1;
  const seen = new Set<string>();
  let closed = false;
  let tok = lex.next();
  // key : value (, key : value)* }
  while (tok.kind !== Tok.End) {
    if (tok.kind === Tok.Punct && tok.value === '}') {
      closed = true;
      break;
    }
    if (tok.kind === Tok.Punct && tok.value === ',') {
      tok = lex.next();
      continue;
    }
    // Key: every token up to ":" — a string, a bare word, a parenthesised word ('a', A, segment a, (a)).
    let rawKey = '';
    let keyTruncated = false;
    const keyStart = tok.start;
    let colon = tok;
    while (colon.kind !== Tok.End && !(colon.kind === Tok.Punct && ':,}'.includes(colon.value))) {
      if (colon.kind === Tok.Str && colon.truncated) keyTruncated = true;
      rawKey += colon.kind === Tok.Punct ? colon.value : ` ${colon.value} `;
      colon = lex.next();
    }
    rawKey = rawKey.trim();
    if (keyTruncated || colon.kind === Tok.End) {
      diag(
        DIAGNOSTIC_CODES.truncatedValue,
        `the mapping ends inside the entry for key "${truncate(rawKey)}"; dropped`,
        offset + keyStart,
      );
      break;
    }
    if (colon.value !== ':') {
      compliant = false;
      diag(DIAGNOSTIC_CODES.badValue, `expected ":" after key "${truncate(rawKey)}"`, offset + colon.start);
      tok = colon;
      continue;
    }
    const key = segmentKey(rawKey);
    // Value: string, word, list, or nothing.
    const values: string[] = [];
    let truncated = false;
    let v = lex.next();
    if (v.kind === Tok.Str) {
      if (v.truncated) truncated = true;
      else values.push(v.value);
      tok = lex.next();
    } else if (v.kind === Tok.Word) {
      if (!NULL_WORDS.has(v.value.toLowerCase())) values.push(v.value);
      tok = lex.next();
    } else if (v.kind === Tok.Punct && v.value === '[') {
      v = lex.next();
      let listClosed = false;
      while (v.kind !== Tok.End) {
        if (v.kind === Tok.Punct && v.value === ']') {
          listClosed = true;
          break;
        }
        if (v.kind === Tok.Str) {
          if (v.truncated) truncated = true;
          else values.push(v.value);
        } else if (v.kind === Tok.Word) {
          if (!NULL_WORDS.has(v.value.toLowerCase())) values.push(v.value);
        } else if (v.kind === Tok.Punct && v.value === '}') {
          break;
        } else if (!(v.kind === Tok.Punct && v.value === ',')) {
          compliant = false;
          diag(
            DIAGNOSTIC_CODES.badValue,
            `unexpected "${v.value}" in the list for key "${truncate(rawKey)}"`,
            offset + v.start,
          );
        }
        v = lex.next();
      }
      if (!listClosed) truncated = true;
      tok = v.kind === Tok.Punct && v.value === ']' ? lex.next() : v;
    } else if (v.kind === Tok.End) {
      truncated = true;
      tok = v;
    } else {
      // `'a': ,` or `'a': }` — an empty value: no pair.
      tok = v;
    }
    if (truncated) {
      compliant = false;
      diag(
        DIAGNOSTIC_CODES.truncatedValue,
        `the value for key "${truncate(rawKey)}" is cut off; the cut-off part is dropped`,
        offset + keyStart,
      );
    }
    if (key === null) {
      compliant = false;
      diag(
        DIAGNOSTIC_CODES.badSegmentKey,
        `"${truncate(rawKey)}" is not a segment letter; entry skipped`,
        offset + keyStart,
      );
      continue;
    }
    if (seen.has(key))
      diag(
        DIAGNOSTIC_CODES.duplicateKey,
        `segment "${key}" appears more than once; every entry is kept`,
        offset + keyStart,
      );
    seen.add(key);
    for (const value of values) {
      const entity = value.trim();
      if (entity === '') continue;
      result.pairs.push({ segment: key, entity });
    }
  }
  if (!closed) {
    compliant = false;
    diag(DIAGNOSTIC_CODES.truncatedMapping, 'the mapping has no closing "}" (cut off?)', offset + body.length);
  } else {
    const rest = body.slice(lex.pos).trim();
    if (rest !== '') {
      compliant = false;
      diag(DIAGNOSTIC_CODES.trailingText, `text after the mapping is ignored: "${truncate(rest)}"`, offset + lex.pos);
    }
  }
  return compliant;
}
