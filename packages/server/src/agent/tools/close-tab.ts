import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const closeTabTool = defineTool({
  name: 'close_tab',
  description: 'Close the tab with this index (default: the active tab). The last open tab cannot be closed.',
  args: z.object({ index: z.number().int().min(0).optional() }),
  execute: (context, args) => runBrowserAction(context, { kind: 'close_tab', index: args.index }),
});
