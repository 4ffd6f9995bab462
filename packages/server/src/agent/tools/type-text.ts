import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const typeTextTool = defineTool({
  name: 'type_text',
  description:
    'Type text at the keyboard focus, wherever it is: after click_at on a field of a desktop screen, a canvas editor, or an element without an index. A field with an index is better filled with type.',
  args: z.object({ text: z.string().min(1).max(10_000) }),
  execute: (context, args) => runBrowserAction(context, { kind: 'type_text', text: args.text }),
});
