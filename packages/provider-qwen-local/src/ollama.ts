import type { ChatMessage } from '@mmre/provider-transport';
import { imageUrlOf, PromptError } from '@mmre/provider-transport';

export interface OllamaMessage {
  role: string;
  content: string;
  images?: string[];
}

/**
 * Converts OpenAI-style messages to Ollama's native `/api/chat` messages. Ollama attaches images to
 * a message (`images`: raw base64, no `data:` prefix) rather than placing them inside the text, so
 * to keep the PFA order (main image, `Segment a:`, segment a, …, instruction) each image goes into
 * its own message with empty content, and the text parts around it become their own messages of the
 * same role, in order. Consecutive text parts are joined with a newline. Remote image URLs are
 * refused: Ollama needs the bytes inline.
 */
export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const out: OllamaMessage[] = [];
  messages.forEach((m, i) => {
    if (typeof m.content === 'string') {
      out.push({ role: m.role, content: m.content });
      return;
    }
    let text: string[] = [];
    const flush = () => {
      if (text.length) out.push({ role: m.role, content: text.join('\n') });
      text = [];
    };
    m.content.forEach((p, j) => {
      if (p.type === 'text') {
        text.push(p.text);
        return;
      }
      const url = imageUrlOf(p);
      const match = /^data:image\/[a-z0-9.+-]+;base64,(.+)$/is.exec(url);
      if (!match)
        throw new PromptError(
          `messages[${i}].content[${j}]: Ollama needs inline images (data:image/...;base64,...); got ${url.slice(0, 40)}`,
        );
      flush();
      out.push({ role: m.role, content: '', images: [(match[1] as string).replace(/\s+/g, '')] });
    });
    flush();
  });
  return out;
}
