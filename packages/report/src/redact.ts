// Keys a model echoed into its answers (or a server into an error) never reach what the report
// writes: every string of the report — answers, parsed summaries and entities, errors, settings,
// warnings — goes through @mmre/core's redactor, in every form it knows (as is, JSON-escaped,
// URL-encoded, base64, hex; `sk-…` keys, Bearer/Basic credentials, `user:password@` in URLs).
// Scores are computed before, on the answer as given, so redaction never changes a number.
import type { Redactor } from '@mmre/core';

/** Environment variables whose values are secrets by their name. */
const SECRET_ENV = /(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

/**
 * The secrets of this environment: every variable named like a key, and the variables the results'
 * provider configs name as their key (`apiKeyEnv`).
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv, keyEnvs: readonly string[] = []): string[] {
  const names = new Set(keyEnvs);
  for (const name of Object.keys(env)) if (SECRET_ENV.test(name)) names.add(name);
  return [...names].map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 8);
}

/** Every string of a JSON-like value through `redact` (object keys and numbers as they are). */
export function redactDeep<T>(value: T, redact: Redactor): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
