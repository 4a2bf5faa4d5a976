// No module-level mutable state in packages/metrics/src: scorer state lives in instances (lesson of the
// bleu-sacre.ts bug, where buffers shared by every call hid a counting error that depended on call order).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/**
 * What a top-level `const` may hold: a primitive, a frozen value, a function, a statistic built (and
 * frozen) by `additiveStatistic`, or the holder of a lazily created scorer of the single-pair functions.
 */
const ALLOWED_INIT = [
  /^-?[\d.]/, // numbers, 2 ** 52, 0x811c9dc5 | 0, 2n ** 53n
  /^['"`]/,
  /^Object\.freeze\(/,
  /^\([^)]*\) =>/,
  /^additiveStatistic\(/,
];
const HOLDER = /^const shared: \{ scorer\?: \w+Scorer \} = \{\};$/;

describe('module-level state', () => {
  it('finds the sources', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  for (const file of sources) {
    it(`${file}: no top-level let/var, and top-level consts are constants`, () => {
      const problems: string[] = [];
      readFileSync(`${dir}${file}`, 'utf8')
        .split('\n')
        .forEach((line, k) => {
          if (/^(export )?(let|var)\s/.test(line)) problems.push(`${k + 1}: ${line}`);
          const m = /^(?:export )?const \w+(?::[^=]+)? =\s*(.*)$/.exec(line);
          if (m === null || HOLDER.test(line)) return;
          const init = m[1]!;
          if (init !== '' && !ALLOWED_INIT.some((re) => re.test(init))) problems.push(`${k + 1}: ${line}`);
        });
      expect(problems).toEqual([]);
    });
  }

  it('exported non-function values are primitives or frozen', async () => {
    const unfrozen: string[] = [];
    for (const file of sources) {
      const mod = (await import(`./${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) unfrozen.push(`${file}: ${name}`);
      }
    }
    expect(unfrozen).toEqual([]);
  });
});
