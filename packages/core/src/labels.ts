/** The four canonical M-MRE / GMNER entity labels. */
export const LABELS = ['person', 'organization', 'location', 'other'] as const;
export type Label = (typeof LABELS)[number];

/** Lower-cased alias → canonical label (GMNER tags PER/ORG/LOC/OTHER and common spellings). */
export const LABEL_ALIASES: Readonly<Record<string, Label>> = Object.freeze({
  per: 'person',
  person: 'person',
  org: 'organization',
  organization: 'organization',
  organisation: 'organization',
  loc: 'location',
  location: 'location',
  other: 'other',
  misc: 'other',
  miscellaneous: 'other',
});

/**
 * Canonical label for a raw label word (case-insensitive, surrounding whitespace ignored,
 * inner runs of whitespace/`-`/`_` treated alike), or null when it is not a known label or alias.
 */
export function canonicalLabel(raw: string): Label | null {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  return LABEL_ALIASES[key] ?? null;
}
