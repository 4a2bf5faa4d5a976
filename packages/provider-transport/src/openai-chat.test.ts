import { MODES, pfaPromptText } from '@mmre/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PromptError, parsePrompt, parseProviderConfig } from './chat.js';
import { chatOptions } from './common-config.js';
import { openAIChatBody } from './openai-chat.js';

const config = { temperature: 0, maxTokens: 64 };

describe('openAIChatBody', () => {
  it('builds the OpenAI body: top_p and seed only when set', () => {
    const messages = parsePrompt('hi');
    expect(openAIChatBody('m', messages, config)).toEqual({
      model: 'm',
      messages,
      temperature: 0,
      max_tokens: 64,
      stream: false,
    });
    expect(openAIChatBody('m', messages, { ...config, topP: 0.5, seed: 3 })).toMatchObject({ top_p: 0.5, seed: 3 });
  });
});

describe('parseProviderConfig', () => {
  const schema = z.object({ ...chatOptions({ maxConcurrency: 4 }) }).strict();
  const known = Object.keys(schema.shape);
  it('parses with defaults and drops the keys promptfoo injects (basePath)', () => {
    const c = parseProviderConfig('P', schema, { seed: 2, basePath: '/x' }, known);
    expect(c).toEqual({
      temperature: 0,
      maxTokens: 1024,
      seed: 2,
      timeoutMs: 120_000,
      maxRetries: 4,
      retryBudgetMs: 300_000,
      maxRetryAfterMs: 120_000,
      maxConcurrency: 4,
    });
  });
  it('throws one message naming the provider, the option and the known options', () => {
    expect(() => parseProviderConfig('P', schema, { maxToken: 5 }, known)).toThrow(
      /^P: invalid provider config: unknown option config\.maxToken \(known options: temperature, maxTokens/,
    );
    expect(() => parseProviderConfig('P', schema, { topP: 2 }, known)).toThrow(/config\.topP: /);
  });
});

describe('parsePrompt', () => {
  it("refuses a PFA prompt function's stored name (what promptfoo's --resume sends): no request is built", () => {
    for (const mode of MODES) {
      expect(() => parsePrompt(pfaPromptText(mode))).toThrow(PromptError);
      expect(() => parsePrompt(`\n${pfaPromptText(mode)}\n`)).toThrow(
        new RegExp(
          `stored name of the @mmre/pfa ${mode} prompt function.*run the same \`promptfoo eval\` command again`,
        ),
      );
    }
    // a prompt that only mentions it is a prompt
    expect(parsePrompt(`Why does this say ${pfaPromptText('joint')}?`)).toHaveLength(1);
  });
});
