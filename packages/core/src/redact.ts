/**
 * Secret redaction, written once for everything the project writes: provider errors and metadata,
 * transport events, and (in @mmre/report) answers that echo a key. Pure string work, no I/O.
 *
 * A redactor removes each known secret in every form a server or a serialiser may give it:
 * - as it is, and case-insensitively;
 * - character by character in any mix of JSON `\uXXXX` escapes (with any number of backslashes in front,
 *   so a JSON string inside a JSON string is caught too), `\/`-style JSON escapes, URL percent-encoding
 *   (`%73`, `%2F`), HTML character references (`&#115;`, `&#x73;`);
 * - base64 and base64url at each of the three byte alignments, so the key inside `base64("user:" + key)`
 *   (a Basic credential) or inside any base64 blob is found, and the whole base64 run holding it is replaced;
 * - lower- and upper-case hex of its UTF-8 bytes.
 * Then the generic patterns, which need no known secret: `Bearer …`/`Basic …` credentials,
 * `authorization`/`api-key` header values, `sk-…` keys, and the `user:password@` part of URLs.
 *
 * Redact BEFORE cutting a text short: a secret cut in two by truncation is no longer recognisable
 * ({@link redactThenClip}).
 */

export const REDACTED = '[REDACTED]';

export type Redactor = (text: string) => string;

export interface RedactorOptions {
  /** Secrets shorter than this are ignored: they would redact ordinary words (default 4). */
  minLength?: number;
  /**
   * Also apply the generic patterns (Bearer/Basic credentials, header values, `sk-…`, URL credentials) that
   * need no known secret (default true). Off for model answers, where only the known secrets are removed.
   */
  generic?: boolean;
}

const BASE64_CHARS = 'A-Za-z0-9+/_\\-';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A regex source matching one character in any of the escaped forms listed above (the regex is case-insensitive). */
function charForms(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  const alts = new Set<string>([escapeRegex(ch)]);
  if (cp <= 0xffff) alts.add(`\\\\+u${hex(cp, 4)}`);
  else {
    // astral characters: the UTF-16 surrogate pair, each \u-escaped
    const hi = ch.charCodeAt(0);
    const lo = ch.charCodeAt(1);
    alts.add(`\\\\+u${hex(hi, 4)}\\\\+u${hex(lo, 4)}`);
  }
  const bytes = Buffer.from(ch, 'utf8');
  alts.add([...bytes].map((b) => `%${hex(b, 2)}`).join(''));
  alts.add(`&#0*${cp};`);
  alts.add(`&#x0*${hex(cp, 1)};`);
  if (ch === '"' || ch === '\\' || ch === '/') alts.add(`\\\\+${escapeRegex(ch)}`);
  if (ch === '\n') alts.add('\\\\+n');
  if (ch === '\t') alts.add('\\\\+t');
  if (ch === '\r') alts.add('\\\\+r');
  return `(?:${[...alts].join('|')})`;
}

/** The parts of `base64(prefix + secret + suffix)` that depend only on the secret, for each of the 3 alignments. */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = new Set<string>();
  for (let o = 0; o < 3; o++) {
    const b64 = Buffer.concat([Buffer.alloc(o), bytes]).toString('base64');
    const start = Math.ceil((8 * o) / 6);
    const end = Math.floor((8 * (o + bytes.length)) / 6);
    const core = b64.slice(start, end);
    if (core.length >= 6) {
      out.add(core);
      out.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...out];
}

/**
 * Builds a redactor for the given secrets (undefined, null and short ones are skipped). The generic
 * patterns apply even with no secret at all.
 */
export function makeRedactor(
  secrets: readonly (string | undefined | null)[] = [],
  options: RedactorOptions = {},
): Redactor {
  const minLength = options.minLength ?? 4;
  const values = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= minLength))].sort(
    (a, b) => b.length - a.length,
  );
  const patterns: RegExp[] = [];
  for (const v of values) {
    patterns.push(new RegExp([...v].map(charForms).join(''), 'gi'));
  }
  const cores = values.flatMap(base64Cores).sort((a, b) => b.length - a.length);
  if (cores.length)
    patterns.push(
      new RegExp(`[${BASE64_CHARS}]*(?:${cores.map(escapeRegex).join('|')})[${BASE64_CHARS}]*(?:%3D|=)*`, 'g'),
    );
  const hexForms = values.flatMap((v) => {
    const h = Buffer.from(v, 'utf8').toString('hex');
    return h.length >= 12 ? [h] : [];
  });
  if (hexForms.length) patterns.push(new RegExp(hexForms.map(escapeRegex).join('|'), 'gi'));
  return (text: string) => {
    let out = String(text);
    for (const p of patterns) out = out.replace(p, REDACTED);
    if (options.generic === false) return out;
    out = out.replace(/\b(Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`);
    out = out.replace(
      /\b(authorization|proxy-authorization|x-api-key|api-key|api_key|apikey)(\\*["']?\s*[:=]\s*\\*["']?)(?!\[REDACTED\]|Bearer\b|Basic\b)[^\s"'\\,}&]+/gi,
      `$1$2${REDACTED}`,
    );
    out = out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED);
    // user:password@ in URLs (any scheme)
    out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"'<>]*:[^\s/@"'<>]*@/gi, `$1${REDACTED}@`);
    return out;
  };
}

/** Redacts, then cuts to `max` characters (with `…`): never the other way round. */
export function redactThenClip(redact: Redactor, text: string, max: number): string {
  const safe = redact(text);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

/** The URL without its `user:password@` part, for messages (an unparsable URL is redacted as text). */
export function urlWithoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return makeRedactor()(url);
  }
}
