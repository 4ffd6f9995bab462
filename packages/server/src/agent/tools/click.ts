import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const clickTool = defineTool({
  name: 'click',
  description: 'Click the interactive element with this index from the latest observation.',
  args: z.object({ index: z.number().int().min(0).describe('Element index, e.g. 3 for [3]') }),
  execute: (context, args) => runBrowserAction(context, { kind: 'click', index: args.index }),
});
