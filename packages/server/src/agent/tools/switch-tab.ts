import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const switchTabTool = defineTool({
  name: 'switch_tab',
  description: 'Make the tab with this index (from the observation\'s tabs) the active tab.',
  args: z.object({ index: z.number().int().min(0) }),
  execute: (context, args) => runBrowserAction(context, { kind: 'switch_tab', index: args.index }),
});
