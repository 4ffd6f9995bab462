import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const hoverTool = defineTool({
  name: 'hover',
  description: 'Move the mouse over the element with this index, e.g. to open a menu or show a tooltip.',
  args: z.object({ index: z.number().int().min(0).describe('Element index, e.g. 3 for [3]') }),
  execute: (context, args) => runBrowserAction(context, { kind: 'hover', index: args.index }),
});
