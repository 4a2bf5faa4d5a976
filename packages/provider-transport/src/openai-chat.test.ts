import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsePrompt, parseProviderConfig } from './chat.js';
import { chatOptions } from './common-config.js';
import { chatPayload, openAIChatBody } from './openai-chat.js';

const config = { temperature: 0, maxTokens: 64 };

describe('openAIChatBody and chatPayload', () => {
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

  it('splices the rendered prompt text in: the payload parses to the body, keys in order', () => {
    // `$&`, `$'` and `$$` would be replacement patterns for String.replace: the prompt must arrive as written
    const prompt = ` ${JSON.stringify([
      { role: 'system', content: "costs $$5, $& and $' stay" },
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
    ])}\n`;
    const messages = parsePrompt(prompt);
    const body = { ...openAIChatBody('m', messages, { ...config, seed: 1 }), extra: { a: 1 } };
    const payload = chatPayload(body, messages, prompt);
    expect(payload).toContain(prompt.trim());
    expect(JSON.parse(payload)).toEqual(JSON.parse(JSON.stringify(body)));
    expect(payload).toBe(JSON.stringify(body));
  });

  it('serialises the body when the prompt is not a JSON array or the messages were replaced', () => {
    const text = parsePrompt('plain text');
    const plain = openAIChatBody('m', text, config);
    expect(chatPayload(plain, text, 'plain text')).toBe(JSON.stringify(plain));
    const wrapped = '{"messages":[{"role":"user","content":"hi"}]}';
    const wm = parsePrompt(wrapped);
    expect(chatPayload(openAIChatBody('m', wm, config), wm, wrapped)).toBe(
      JSON.stringify(openAIChatBody('m', wm, config)),
    );
    const arr = '[{"role":"user","content":"hi"}]';
    const am = parsePrompt(arr);
    const replaced = { ...openAIChatBody('m', am, config), messages: [{ role: 'user', content: 'other' }] };
    expect(JSON.parse(chatPayload(replaced, am, arr)).messages).toEqual([{ role: 'user', content: 'other' }]);
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
