import type { ChatMessage } from '@mmre/provider-transport';
import { imageUrlOf, PromptError } from '@mmre/provider-transport';

export interface OllamaMessage {
  role: string;
  content: string;
  images?: string[];
}

/**
 * Converts OpenAI-style messages to Ollama's native `/api/chat` messages, one for one. Ollama attaches a
 * message's images in an `images` list (raw base64, no `data:` prefix) and places them where the content
 * says `[img]`, in order (server/prompt.go:116-121; without placeholders they would all go in front of the
 * text). So each message keeps the PFA order — main image, `Segment a:`, segment a, …, instruction — as one
 * content with an `[img]` at each image's place, the parts joined by newlines. One message per turn also
 * keeps Ollama's truncation (which drops whole messages from the front, server/prompt.go:35-67) from
 * removing the main image alone. Remote image URLs are refused: Ollama needs the bytes inline.
 */
export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  return messages.map((m, i) => {
    if (typeof m.content === 'string') return { role: m.role, content: m.content };
    const parts: string[] = [];
    const images: string[] = [];
    m.content.forEach((p, j) => {
      if (p.type === 'text') {
        if (p.text.includes('[img]'))
          throw new PromptError(
            `messages[${i}].content[${j}]: the text contains "[img]", Ollama's image placeholder; it would take an image's place`,
          );
        parts.push(p.text);
        return;
      }
      const url = imageUrlOf(p);
      const match = /^data:image\/[a-z0-9.+-]+;base64,(.+)$/is.exec(url);
      if (!match)
        throw new PromptError(
          `messages[${i}].content[${j}]: Ollama needs inline images (data:image/...;base64,...); got ${url.slice(0, 40)}`,
        );
      parts.push('[img]');
      images.push((match[1] as string).replace(/\s+/g, ''));
    });
    const out: OllamaMessage = { role: m.role, content: parts.join('\n') };
    if (images.length) out.images = images;
    return out;
  });
}
