import { isMode, MODES, type Mode } from '@mmre/core';
import { buildMessagesFrom, type ChatMessage, type ContentPart, decodeVars } from './messages.js';
import {
  envPfaOptions,
  mergePfaOptions,
  type PfaOptions,
  PfaOptionsError,
  parsePfaOptions,
  pickPfaOptions,
  VAR_OPTION_KEYS,
} from './options.js';

/** What promptfoo passes to a prompt function (`file://…/dist/index.js:joint`). */
export interface PromptFunctionContext {
  vars: object;
  provider?: { id: string; label?: string };
  /** The prompt entry's `config` from the promptfoo config file. */
  config?: Record<string, unknown>;
}

export type PfaPromptFunction = (context: PromptFunctionContext) => Promise<ChatMessage[]>;

const TEMPLATE_SYNTAX = /\{\{|\{%|\{#/;

/**
 * promptfoo renders every string of a prompt function's result with Nunjucks. A text that itself
 * contains `{{`, `{%` or `{#` (a tweet, a template, a gold answer) is wrapped in a raw block so it
 * reaches the model unchanged. Off when PROMPTFOO_DISABLE_TEMPLATING is set (nothing is rendered then).
 */
export function protectFromTemplating(messages: ChatMessage[]): ChatMessage[] {
  const flag = process.env.PROMPTFOO_DISABLE_TEMPLATING;
  if (flag && flag !== '0' && flag.toLowerCase() !== 'false') return messages;
  const guard = (s: string) => (TEMPLATE_SYNTAX.test(s) ? `{% raw %}${s}{% endraw %}` : s);
  return messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? guard(m.content)
        : m.content.map((p): ContentPart => (p.type === 'text' ? { type: 'text', text: guard(p.text) } : p)),
  }));
}

/**
 * A promptfoo prompt function for a mode. Options (validated now, so a wrong option fails at load):
 * `templates`, `systemPrompt`, `shots`, `minPixels`, `maxPixels`, `factor`, `format`, `quality`.
 * At call time, later layers win: defaults < env (MMRE_MIN_PIXELS, MMRE_MAX_PIXELS) < these options
 * < the prompt entry's `config` in the promptfoo config (known keys only: that object is also passed
 * to providers) < test vars (`minPixels`, `maxPixels`).
 */
export function createPfaPrompt(mode: Mode, options: PfaOptions = {}): PfaPromptFunction {
  if (!isMode(mode))
    throw new PfaOptionsError(`createPfaPrompt: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const base = parsePfaOptions(options, `createPfaPrompt(${JSON.stringify(mode)}) options`);
  const fn: PfaPromptFunction = async (context) => {
    const vars = context?.vars ?? {};
    const sample = decodeVars(vars);
    const merged = mergePfaOptions(
      envPfaOptions(),
      base,
      pickPfaOptions(context?.config, `prompt config of the ${mode} PFA prompt`),
      pickPfaOptions(vars, `test vars of sample ${JSON.stringify(sample.id)}`, VAR_OPTION_KEYS),
    );
    return protectFromTemplating(await buildMessagesFrom(mode, sample, merged));
  };
  Object.defineProperty(fn, 'name', { value: `pfa_${mode}` });
  return fn;
}

/** M-MRE (joint) prompt: Task 1 and Task 2 in one answer. */
export const joint: PfaPromptFunction = createPfaPrompt('joint');
/** Single TS prompt: Task 1 (image summary) only. */
export const summary: PfaPromptFunction = createPfaPrompt('summary');
/** Single MNER prompt: Task 2 (NER + image–entity matching) only. */
export const mner: PfaPromptFunction = createPfaPrompt('mner');
