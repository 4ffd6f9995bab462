import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const forwardTool = defineTool({
  name: 'forward',
  description: 'Go forward to the next page in this tab (after back).',
  args: z.object({}),
  execute: (context) => runBrowserAction(context, { kind: 'forward' }),
});
