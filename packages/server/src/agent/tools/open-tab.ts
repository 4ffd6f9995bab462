import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const openTabTool = defineTool({
  name: 'open_tab',
  description: 'Open an absolute http(s) URL in a new tab, which becomes the active tab.',
  args: z.object({ url: z.string().min(1).max(2000).describe('Absolute http:// or https:// URL') }),
  execute: (context, args) => runBrowserAction(context, { kind: 'open_tab', url: args.url }),
});
