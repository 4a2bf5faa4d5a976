/**
 * Holm's step-down adjustment of p-values for a family of tests (Holm 1979): with the m defined
 * p-values sorted ascending p(1) ≤ … ≤ p(m), the adjusted value of p(i) is
 * max over j ≤ i of min(1, (m − j + 1) · p(j)). It controls the family-wise error rate at any level,
 * under any dependence between the tests. Nulls (a test that could not be run) are kept as null and
 * do not count in m. Equal p-values get equal adjusted values whatever their order in the input.
 * Same result as `statsmodels.stats.multitest.multipletests(p, method='holm')[1]`.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const defined: { i: number; p: number }[] = [];
  pValues.forEach((p, i) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p-value ${i} is ${p}, not in [0, 1]`);
    defined.push({ i, p });
  });
  // Stable sort by p, ties in input order (the step-down maximum makes ties equal anyway).
  defined.sort((x, y) => x.p - y.p || x.i - y.i);
  const m = defined.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  defined.forEach(({ i, p }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
