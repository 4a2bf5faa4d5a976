import { describe, expect, it } from 'vitest';
import { base64Cores, makeRedactor, REDACTED, redactThenClip, urlWithoutCredentials } from './redact.js';

const KEY = 'sk-MARKER-7f3a9c2e5b1d4086';
const PLAIN = 'tok_Q9xv7Lm2Pz4Rw8Ks'; // not sk- shaped: only the known-secret forms can catch it

function uEscapeAll(s: string, upper = false): string {
  return [...s]
    .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`[upper ? 'toUpperCase' : 'toString']())
    .join('');
}

describe('makeRedactor', () => {
  const redact = makeRedactor([PLAIN, KEY]);

  it('removes the secret as it is and case-insensitively', () => {
    expect(redact(`key=${PLAIN}.`)).toBe(`key=${REDACTED}.`);
    expect(redact(`echo ${PLAIN.toUpperCase()}`)).not.toContain(PLAIN.toUpperCase());
  });

  it('removes JSON \\u-escaped forms, fully or partly escaped, with doubled backslashes', () => {
    const full = uEscapeAll(PLAIN);
    const partial = `${PLAIN.slice(0, 5)}${uEscapeAll(PLAIN.slice(5, 9), true)}${PLAIN.slice(9)}`;
    for (const form of [full, partial, full.replace(/\\/g, '\\\\')]) {
      const out = redact(`{"message":"bad key ${form} given"}`);
      expect(out).toBe(`{"message":"bad key ${REDACTED} given"}`);
    }
    // and JSON.parse of the result has no key either
    expect(JSON.parse(redact(JSON.stringify({ m: JSON.stringify({ e: full }) }))).m).not.toContain(PLAIN);
  });

  it('removes URL-encoded (any case, any mix) and HTML-escaped forms', () => {
    const pct = [...PLAIN].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    expect(redact(`?k=${pct}&x=1`)).toBe(`?k=${REDACTED}&x=1`);
    expect(redact(`?k=${pct.toUpperCase()}&x=1`)).toBe(`?k=${REDACTED}&x=1`);
    const mixed = `${PLAIN.slice(0, 3)}%${PLAIN.charCodeAt(3).toString(16)}${PLAIN.slice(4)}`;
    expect(redact(mixed)).toBe(REDACTED);
    const html = [...PLAIN].map((c) => `&#${c.charCodeAt(0)};`).join('');
    expect(redact(`<p>${html}</p>`)).toBe(`<p>${REDACTED}</p>`);
  });

  it('removes base64 and base64url forms at every alignment, and Basic credentials holding the key', () => {
    for (const prefix of ['', 'a', 'ab', 'user:', 'xyz:']) {
      const b64 = Buffer.from(`${prefix}${PLAIN}!tail`).toString('base64');
      const out = redact(`blob ${b64} end`);
      expect(out, prefix).toBe(`blob ${REDACTED} end`);
      const url = Buffer.from(`${prefix}${PLAIN}`).toString('base64url');
      expect(redact(`x ${url} y`), prefix).toBe(`x ${REDACTED} y`);
    }
    expect(base64Cores(PLAIN)).toHaveLength(3);
  });

  it('removes hex forms', () => {
    expect(redact(Buffer.from(PLAIN).toString('hex').toUpperCase())).toBe(REDACTED);
  });

  it('keeps ordinary text and ignores short secrets', () => {
    const r = makeRedactor(['abc', undefined, null, '']);
    expect(r('abc abcd')).toBe('abc abcd');
    expect(redact('the model answered: Task 1 Answer: a dog.')).toBe('the model answered: Task 1 Answer: a dog.');
  });

  it('applies the generic patterns with no secret known', () => {
    const r = makeRedactor();
    expect(r('Authorization: Bearer abcdefgh123')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(r('{"api-key": "zzzz9999"}')).toBe(`{"api-key": "${REDACTED}"}`);
    expect(r('key sk-abcdefgh12345678 used')).toBe(`key ${REDACTED} used`);
    expect(r('see http://alice:s3cret-pw@host:8000/v1 now')).toBe(`see http://${REDACTED}@host:8000/v1 now`);
  });

  it('generic: false removes the known secrets only (for model answers)', () => {
    const r = makeRedactor([PLAIN], { generic: false });
    expect(r(`Bearer abcdefgh123 and ${PLAIN}`)).toBe(`Bearer abcdefgh123 and ${REDACTED}`);
  });

  it('redacts before clipping, so a key cut by the clip does not survive', () => {
    const text = `${'x'.repeat(495)}${KEY} and more`;
    const clipped = redactThenClip(redact, text, 500);
    expect(clipped).not.toContain('MARKER');
    // the wrong order leaks a prefix of the key
    const wrong = redact(`${text.slice(0, 505)}…`);
    expect(wrong).toContain('sk-MARKER');
  });
});

describe('urlWithoutCredentials', () => {
  it('drops user:password@', () => {
    expect(urlWithoutCredentials('http://u:p%40ss@127.0.0.1:9/v1')).toBe('http://127.0.0.1:9/v1');
    expect(urlWithoutCredentials('http://127.0.0.1:9/v1')).toBe('http://127.0.0.1:9/v1');
  });
});
