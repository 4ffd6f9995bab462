import type { ModelMessage, UserContent } from 'ai';
import type { PromptMessage } from './port.ts';

/**
 * The agent's conversation as AI SDK messages. A screenshot rides along as an image part only for
 * vision models; for the others it is dropped, because the text observation already describes the page.
 */
export function toModelMessages(messages: readonly PromptMessage[], vision: boolean): ModelMessage[] {
  return messages.map((message): ModelMessage => {
    if (message.role === 'assistant') return { role: 'assistant', content: message.content };
    if (message.imageJpeg === undefined || !vision) return { role: 'user', content: message.content };
    const content: UserContent = [
      { type: 'text', text: message.content },
      { type: 'image', image: message.imageJpeg, mediaType: message.imageMediaType ?? 'image/jpeg' },
    ];
    return { role: 'user', content };
  });
}
