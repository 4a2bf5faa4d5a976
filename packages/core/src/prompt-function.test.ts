import { describe, expect, it } from 'vitest';
import { MODES } from './modes.js';
import { PFA_REPLAY_FIX, pfaPromptText, pfaPromptTextMode } from './prompt-function.js';

describe('the stored text of a PFA prompt function', () => {
  it('is one text per mode, recognised exactly and only as itself', () => {
    const texts = MODES.map(pfaPromptText);
    expect(new Set(texts).size).toBe(MODES.length);
    for (const m of MODES) expect(pfaPromptTextMode(pfaPromptText(m))).toBe(m);
    // nothing else is taken for one: not a prompt that quotes it, not the bare mode, not a non-string
    for (const other of [`${pfaPromptText('joint')} `, `Text: ${pfaPromptText('mner')}`, 'joint', '', null, 1, {}])
      expect(pfaPromptTextMode(other)).toBeNull();
  });

  it('has no template syntax (promptfoo renders a replayed prompt with Nunjucks) and the fix names the way out', () => {
    for (const m of MODES) expect(pfaPromptText(m)).not.toMatch(/\{\{|\{%|\{#/);
    expect(PFA_REPLAY_FIX).toMatch(/--resume/);
    expect(PFA_REPLAY_FIX).toMatch(/--retry-errors/);
    expect(PFA_REPLAY_FIX).toMatch(/run the same `promptfoo eval` command again/);
  });
});
