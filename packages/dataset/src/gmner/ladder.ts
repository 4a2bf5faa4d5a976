/** The four rungs of the box→entity ladder (DESIGN.md, GMNER reading rules), first hit wins. */
export type LadderRung = 'exact' | 'compact' | 'levenshtein' | 'fallback';

export interface LadderCounts {
  exact: number;
  compact: number;
  levenshtein: number;
  fallback: number;
}

export function emptyLadder(): LadderCounts {
  return { exact: 0, compact: 0, levenshtein: 0, fallback: 0 };
}

export function addLadder(into: LadderCounts, from: LadderCounts): LadderCounts {
  into.exact += from.exact;
  into.compact += from.compact;
  into.levenshtein += from.levenshtein;
  into.fallback += from.fallback;
  return into;
}

/** Whitespace runs → one space, trimmed. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/** Rung 1 key: whitespace collapsed and case folded (full folding, so `ß` ≡ `SS`). */
export function foldKey(s: string): string {
  return collapseWhitespace(s).toUpperCase().toLowerCase();
}

/** Rung 2 key: the fold key with everything but letters and digits dropped. */
export function compactKey(s: string): string {
  return foldKey(s).replace(/[^\p{L}\p{N}]/gu, '');
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function levenshtein(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const A = [...a];
  const B = [...b];
  if (Math.abs(A.length - B.length) > limit) return limit + 1;
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= B.length; j++) {
      const v = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (A[i - 1] === B[j - 1] ? 0 : 1),
      );
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[B.length] as number;
}

export interface LadderHit {
  /** The pair's entity: an entity text of the tweet (rungs 1–3) or the collapsed box name (rung 4). */
  entity: string;
  rung: LadderRung;
}

/**
 * Finds the entity a box `<name>` shows among the tweet's entity texts:
 * (1) equal after case fold and whitespace collapse; (2) equal after also dropping everything but
 * letters and digits; (3) the ONE entity text within Levenshtein distance 2 of that compact form
 * (two or more distinct candidates: ambiguous, not this rung); else (4) the box name itself,
 * whitespace collapsed. Rungs 2 and 3 need a non-empty compact name.
 */
export function matchBoxName(name: string, entities: readonly string[]): LadderHit {
  const fold = foldKey(name);
  for (const e of entities) if (foldKey(e) === fold) return { entity: e, rung: 'exact' };
  const compact = compactKey(name);
  if (compact) {
    const keys = entities.map(compactKey);
    for (let i = 0; i < entities.length; i++)
      if (keys[i] === compact) return { entity: entities[i] as string, rung: 'compact' };
    const near = new Set<string>();
    for (let i = 0; i < entities.length; i++)
      if ((keys[i] as string).length > 0 && levenshtein(keys[i] as string, compact, 2) <= 2)
        near.add(entities[i] as string);
    if (near.size === 1) return { entity: [...near][0] as string, rung: 'levenshtein' };
  }
  return { entity: collapseWhitespace(name), rung: 'fallback' };
}
