// Prompt functions for tests: like the @mmre/pfa prompts, each sets vars.mode on the row (the provider
// and the assertions read it) and records it in the row's prompt config; the text is plain.
const make = (mode, text) => (context) => {
  context.vars.mode = mode;
  return { prompt: `${text}\nText: ${context.vars.text}`, config: { mmre: { mode } } };
};
export const joint = make('joint', 'Answer both tasks.');
export const summary = make('summary', 'Summarize the main image.');
export const mner = make('mner', 'Extract entities and match segments.');
