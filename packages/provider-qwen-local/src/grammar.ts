// The PFA format constraints live next to the parser, in @mmre/core (one description of the format,
// generated as a regex and as a GBNF grammar); re-exported here for the provider's users.
export type { FormatGrammarOptions as GrammarOptions } from '@mmre/core';
export { pfaGbnf, pfaRegex } from '@mmre/core';

/** Escapes regex metacharacters. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
