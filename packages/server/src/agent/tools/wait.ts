import { z } from 'zod';
import { MAX_WAIT_SECONDS } from '../../browser/port.ts';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const waitTool = defineTool({
  name: 'wait',
  description: `Wait a number of seconds (at most ${MAX_WAIT_SECONDS}) for something that takes time: an animation, a slow application. To wait for text or a page, wait_for is better.`,
  args: z.object({ seconds: z.number().min(0.1).max(MAX_WAIT_SECONDS) }),
  execute: (context, args) => runBrowserAction(context, { kind: 'wait', seconds: args.seconds }),
});
