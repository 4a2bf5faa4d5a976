import { describe, expect, it } from 'vitest';
import { versionAtLeast } from './version.js';

describe('versionAtLeast', () => {
  it('compares dotted versions part by part, numerically', () => {
    expect(versionAtLeast('0.10.2', '0.10.2')).toBe(true);
    expect(versionAtLeast('0.10.10', '0.10.2')).toBe(true);
    expect(versionAtLeast('0.9.9', '0.10.2')).toBe(false);
    expect(versionAtLeast('0.12.0rc1', '0.12.0')).toBe(true);
    expect(versionAtLeast('0.11', '0.12.0')).toBe(false);
    expect(versionAtLeast('1', '0.99.99')).toBe(true);
    expect(versionAtLeast('0.10.1+cu121', '0.10.2')).toBe(false);
  });
});
