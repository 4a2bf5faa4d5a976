import { isMode, MODES, type Mode, pfaPromptText } from '@mmre/core';
import type { ImageSettings } from '@mmre/images';
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
  /** The vars of this row (promptfoo's own copy for the row: the provider and the assertions see the same object). */
  vars: object;
  provider?: { id: string; label?: string };
  /** The prompt entry's `config` from the promptfoo config file. */
  config?: Record<string, unknown>;
}

/**
 * What the PFA prompts record about a row, in the prompt's `config.mmre` (promptfoo merges a prompt
 * function's returned `config` into the row's prompt config: providers read it from
 * `context.prompt.config`, and it is stored with every result row).
 */
export interface PfaRowConfig {
  /** The mode this prompt asks for. */
  mode: Mode;
  /** The image settings the prompt's images were made with. */
  image: ImageSettings;
  /** How the images travel: references (resolved by this project's providers) or inline data URLs. */
  images: 'ref' | 'inline';
}

/** A prompt function's result in promptfoo's `{ prompt, config }` form. */
export interface PfaPromptResult {
  prompt: ChatMessage[];
  config: { mmre: PfaRowConfig };
}

export type PfaPromptFunction = (context: PromptFunctionContext) => Promise<PfaPromptResult>;

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
 * `templates`, `systemPrompt`, `shots`, `minPixels`, `maxPixels`, `factor`, `format`, `quality`, `images`.
 * It returns `{ prompt: messages, config: { mmre: PfaRowConfig } }` and sets `vars.mode` on the row.
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
    const prompt = protectFromTemplating(await buildMessagesFrom(mode, sample, merged));
    // The mode travels as data: promptfoo hands this row's vars object to the provider and the
    // assertions, so they read `vars.mode` instead of searching the prompt text.
    (vars as { mode?: Mode }).mode = mode;
    return { prompt, config: { mmre: { mode, image: merged.image, images: merged.images } } };
  };
  Object.defineProperty(fn, 'name', { value: `pfa_${mode}` });
  // promptfoo stores `String(fn)` as the prompt's text (and, resuming or retrying, sends that text as the
  // prompt): a name the M-MRE extension and the providers recognise, instead of this function's source
  Object.defineProperty(fn, 'toString', { value: () => pfaPromptText(mode) });
  return fn;
}

/** M-MRE (joint) prompt: Task 1 and Task 2 in one answer. */
export const joint: PfaPromptFunction = createPfaPrompt('joint');
/** Single TS prompt: Task 1 (image summary) only. */
export const summary: PfaPromptFunction = createPfaPrompt('summary');
/** Single MNER prompt: Task 2 (NER + image–entity matching) only. */
export const mner: PfaPromptFunction = createPfaPrompt('mner');
