import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const backTool = defineTool({
  name: 'back',
  description: 'Go back to the previous page in this tab.',
  args: z.object({}),
  execute: (context) => runBrowserAction(context, { kind: 'back' }),
});
