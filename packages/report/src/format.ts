/** Number formatting shared by the markdown and HTML renderers (so both show the same digits). */

/** A metric value in points: two decimals, `n/a` for null. */
export function fmtPoints(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(2);
}

/** A signed delta in points. */
export function fmtDelta(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const s = x.toFixed(2);
  return x > 0 || (x === 0 && !s.startsWith('-')) ? `+${s}` : s;
}

/** A confidence interval `[low, high]`. */
export function fmtCi(low: number | null | undefined, high: number | null | undefined): string {
  if (low === null || low === undefined || high === null || high === undefined) return 'n/a';
  return `[${fmtDelta(low)}, ${fmtDelta(high)}]`;
}

/** A p-value: four decimals. */
export function fmtP(p: number | null | undefined): string {
  return p === null || p === undefined || !Number.isFinite(p) ? 'n/a' : p.toFixed(4);
}

/** A rate 0–1 as a percentage with one decimal. */
export function fmtRate(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

/** A settings value for display. */
export function fmtSetting(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The settings of one mode of a model as `[name, value]`: its provider's, then the prompt's (`prompt.…`). */
export function modeSettings(t: {
  provider: { settings: Record<string, unknown> } | null;
  promptSettings: Record<string, unknown>;
}): [string, string][] {
  return Object.entries({
    ...(t.provider?.settings ?? {}),
    ...Object.fromEntries(Object.entries(t.promptSettings).map(([k, v]) => [`prompt.${k}`, v])),
  }).map(([k, v]) => [k, fmtSetting(v)]);
}
