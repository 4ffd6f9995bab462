import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const pressTool = defineTool({
  name: 'press',
  description: "Press a key or combination on the focused element, e.g. 'Enter', 'Escape', 'Control+A'.",
  args: z.object({ key: z.string().min(1).max(50) }),
  execute: (context, args) => runBrowserAction(context, { kind: 'press', key: args.key }),
});
