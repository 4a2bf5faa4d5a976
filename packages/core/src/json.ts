// Pure JSON helpers shared by packages that cannot depend on each other.

/** JSON with object keys sorted at every level (arrays keep their order); `undefined` is dropped as in JSON. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) out[k] = o[k];
      return out;
    }
    return v;
  });
}
