import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const reloadTool = defineTool({
  name: 'reload',
  description: 'Reload the current page.',
  args: z.object({}),
  execute: (context) => runBrowserAction(context, { kind: 'reload' }),
});
