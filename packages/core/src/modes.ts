/** The three evaluation modes: Single TS (`summary`), Single MNER (`mner`) and M-MRE (`joint`). */
export const MODES = ['joint', 'summary', 'mner'] as const;
export type Mode = (typeof MODES)[number];

/** The order of the paper's table: Single TS, Single MNER, M-MRE (joint). */
export const TABLE_MODES: readonly Mode[] = Object.freeze(['summary', 'mner', 'joint'] as const);

/** Paper names of the modes, for tables. */
export const MODE_NAMES: Readonly<Record<Mode, string>> = Object.freeze({
  summary: 'Single TS',
  mner: 'Single MNER',
  joint: 'M-MRE (joint)',
});

export interface ModeTasks {
  /** Task 1: image summarization. */
  task1: boolean;
  /** Task 2: NER + image–entity matching. */
  task2: boolean;
}

export function modeTasks(mode: Mode): ModeTasks {
  return { task1: mode !== 'mner', task2: mode !== 'summary' };
}

export function isMode(value: unknown): value is Mode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}
