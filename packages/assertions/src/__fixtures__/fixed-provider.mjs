// A promptfoo provider for tests: returns the fixed answer stored in the test vars for the row's mode
// (`output_joint`, `output_summary`, `output_mner`), read from vars.mode (set by the prompt
// functions, as the PFA prompts do). No network, no model.
export default class FixedProvider {
  constructor(options = {}) {
    this.providerId = options.id ?? 'mmre-fixed';
    this.config = options.config ?? {};
  }
  id() {
    return this.providerId;
  }
  async callApi(_prompt, context) {
    const mode = context?.vars?.mode;
    const out = context?.vars?.[`output_${mode}`];
    return typeof out === 'string' ? { output: out } : { error: `no fixed output for mode ${mode}` };
  }
}
