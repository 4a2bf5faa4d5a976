// promptfoo's provider contract, as this project's providers see it: the parts of promptfoo 0.123's
// `ProviderOptions`, `CallApiContextParams` and `ProviderResponse` (promptfoo/src/types/providers.ts) that
// the providers read or fill in, kept structural: importing types from the `promptfoo` package would tie
// each package to one promptfoo build. Declared once, here, below every package that needs them: providers
// take them from @mmre/provider-transport (its promptfoo module re-exports them with the rest of the
// promptfoo integration), and @mmre/provider-testkit's conformance suite calls providers with them (the
// testkit cannot depend on the transport: the transport's own tests use the testkit's peers).

/** Token counts of one answer (promptfoo's TokenUsage, the fields set here). */
export interface TokenUsage {
  prompt: number;
  completion: number;
  total: number;
  numRequests?: number;
  /** Tokens served from promptfoo's cache instead of the server (set on cache hits, as promptfoo's own providers do). */
  cached?: number;
}

/** What `callApi` returns (structurally promptfoo's ProviderResponse). */
export interface ProviderResponse {
  output?: string;
  error?: string;
  tokenUsage?: TokenUsage;
  latencyMs?: number;
  cost?: number;
  cached?: boolean;
  metadata?: Record<string, unknown>;
}

/** promptfoo's provider options: `{ id?, label?, config, env? }` (config also gets promptfoo's `basePath`). */
export interface ProviderOptions<C = unknown> {
  id?: string;
  label?: string;
  /** The provider's `config:` (with promptfoo's `basePath`); `unknown` until a provider names its config type. */
  config?: [unknown] extends [C] ? unknown : C & { basePath?: string };
  env?: Record<string, string | undefined>;
  [key: string]: unknown;
}

/** promptfoo's call context (the parts a provider reads). */
export interface CallContext {
  /** The row's vars (read them as `Record<string, unknown>`): the PFA prompts set `mode` and `segments` here (facts as data). */
  vars?: object;
  prompt?: { label?: string; raw?: string; config?: unknown };
  test?: unknown;
  /** promptfoo's response cache and its switches (see withResponseCache). */
  getCache?: () => unknown;
  bustCache?: boolean;
  repeatIndex?: number;
  [key: string]: unknown;
}

/**
 * What one provider's readiness check found, for a check of the whole run before its first row (the M-MRE
 * promptfoo extension asks every provider of the suite that has `mmreReadiness()`). Messages are redacted.
 */
export interface ReadinessReport {
  /** The provider as promptfoo shows it: its label, else its id. */
  provider: string;
  /** Its base URLs (never with credentials: those are refused at load time). */
  urls: readonly string[];
  ready: boolean;
  /** Why not, naming the URL and the fix (when `ready` is false). */
  message?: string;
}

/** A provider whose readiness the whole run can check before its first row (duck-typed by the M-MRE extension). */
export interface ReadinessAware {
  mmreReadiness(): Promise<ReadinessReport>;
}
