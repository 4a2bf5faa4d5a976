import { describe, expect, it } from 'vitest';
import { isPromptfooEval } from './cli.js';

describe('isPromptfooEval', () => {
  it('is true for promptfoo eval by its bin or its dist entry point, false otherwise', () => {
    const node = '/usr/bin/node';
    expect(isPromptfooEval([node, '/p/node_modules/.bin/promptfoo', 'eval', '-c', 'x.yaml'])).toBe(true);
    expect(isPromptfooEval([node, '/p/node_modules/promptfoo/dist/src/entrypoint.js', '-v', 'eval'])).toBe(true);
    expect(isPromptfooEval([node, '/p/node_modules/promptfoo/dist/src/main.js', 'eval'])).toBe(true);
    expect(isPromptfooEval([node, '/p/node_modules/.bin/promptfoo', 'view'])).toBe(false);
    expect(isPromptfooEval([node, '/p/node_modules/.bin/promptfoo', 'validate', 'config'])).toBe(false);
    expect(isPromptfooEval([node, '/p/vitest/vitest.mjs', 'eval'])).toBe(false);
    expect(isPromptfooEval([node])).toBe(false);
  });
});
