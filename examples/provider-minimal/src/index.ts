// The smallest promptfoo provider for M-MRE: it sends the PFA chat messages that promptfoo renders to an
// OpenAI-compatible /chat/completions endpoint and returns the model's text. Parsing, metrics and the
// report are shared; a provider only has to answer, never throw, and report usage and latency. The PFA
// prompts carry images as references (@mmre/images): resolve them to data URLs just before sending.
import { sharedImageEncoder } from '@mmre/images';

export interface MinimalConfig {
  baseUrl: string;
  model?: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv?: string;
  timeoutMs?: number;
}

export class MinimalProvider {
  private readonly config: MinimalConfig;
  constructor(private readonly options: { id?: string; config?: Partial<MinimalConfig> } = {}) {
    if (!options.config?.baseUrl)
      throw new Error('MinimalProvider: config.baseUrl is required (e.g. http://127.0.0.1:8000/v1)');
    this.config = { model: 'default', timeoutMs: 60_000, ...options.config } as MinimalConfig;
  }

  id(): string {
    return this.options.id ?? `minimal:${this.config.model}`;
  }

  async callApi(prompt: string) {
    const started = Date.now();
    const key = this.config.apiKeyEnv ? process.env[this.config.apiKeyEnv] : undefined;
    try {
      let messages: unknown;
      try {
        messages = JSON.parse(prompt); // the PFA prompts render JSON chat messages
      } catch {
        messages = [{ role: 'user', content: prompt }]; // plain text prompt
      }
      if (!Array.isArray(messages)) messages = [{ role: 'user', content: prompt }];
      messages = await sharedImageEncoder().resolveMessages(messages as { content?: unknown }[]);
      const res = await fetch(`${this.config.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ model: this.config.model, messages, temperature: 0 }),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 60_000),
      });
      const text = await res.text();
      if (!res.ok) return { error: `HTTP ${res.status} from ${this.config.baseUrl}: ${text.slice(0, 300)}` };
      const body = JSON.parse(text);
      const usage = body.usage ?? {};
      return {
        output: String(body.choices?.[0]?.message?.content ?? ''),
        tokenUsage: {
          prompt: usage.prompt_tokens ?? 0,
          completion: usage.completion_tokens ?? 0,
          total: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
        },
        latencyMs: Date.now() - started,
      };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return {
        error: `request to ${this.config.baseUrl} failed: ${key ? reason.replaceAll(key, '[redacted]') : reason}`,
      };
    }
  }
}
