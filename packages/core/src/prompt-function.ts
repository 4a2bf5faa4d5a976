import { MODES, type Mode } from './modes.js';

/**
 * What promptfoo stores as the text of a PFA prompt function (its `String(fn)`, promptfoo's `prompt.raw`),
 * the same for every option set of a mode. promptfoo 0.123's `eval --resume` and `eval --retry-errors` do
 * not call a prompt function again: they send each prompt's stored text as the prompt (main.js, the
 * `resumeEval.prompts.map((p) => ({ raw: p.raw, label: p.label, config: p.config }))` of its eval command).
 * With a function's source code as its text, the model would be sent source code and the answers stored in
 * the eval beside the real ones; with this text, the M-MRE extension and this project's providers recognise
 * the replay and stop it (see {@link PFA_REPLAY_FIX}). Plain text with no template syntax, so promptfoo's
 * Nunjucks rendering leaves it as it is.
 */
export function pfaPromptText(mode: Mode): string {
  return `@mmre/pfa ${mode} prompt function (promptfoo calls it for every row; this text is its name, not a prompt)`;
}

const BY_TEXT: ReadonlyMap<string, Mode> = new Map(MODES.map((m) => [pfaPromptText(m), m]));

/** The mode whose PFA prompt text (`pfaPromptText`) `text` is exactly; null for any other value. */
export function pfaPromptTextMode(text: unknown): Mode | null {
  return typeof text === 'string' ? (BY_TEXT.get(text) ?? null) : null;
}

/** Why a replayed PFA prompt is not sent, and what to do instead. */
export const PFA_REPLAY_FIX =
  "promptfoo's `eval --resume` and `eval --retry-errors` send each prompt's stored text instead of calling the " +
  'prompt function, and the PFA prompts are functions (they add the images and the mode to each row). Fix: run ' +
  'the same `promptfoo eval` command again, without --resume or --retry-errors: the answers already received ' +
  "come from this project's response cache (no request is sent for them) and only the rows that are missing " +
  'or errored are sent.';
