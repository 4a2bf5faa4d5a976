/**
 * `a >= b` for dotted versions as servers report them (`0.10.2`; `0.12.0rc1` reads as 0.12.0, missing
 * parts as 0). Used to pick the field a server version honours (vLLM's `structured_outputs` from 0.10.2).
 */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
