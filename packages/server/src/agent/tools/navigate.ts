import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const navigateTool = defineTool({
  name: 'navigate',
  description: 'Open an absolute http(s) URL in the current tab.',
  args: z.object({ url: z.string().min(1).max(2000).describe('Absolute http:// or https:// URL') }),
  execute: (context, args) => runBrowserAction(context, { kind: 'navigate', url: args.url }),
});
