import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const scrollTool = defineTool({
  name: 'scroll',
  description: 'Scroll the page up or down by a fraction of the viewport (amount, default 0.8).',
  args: z.object({ direction: z.enum(['up', 'down']), amount: z.number().min(0.1).max(10).optional() }),
  execute: (context, args) =>
    runBrowserAction(context, args.amount === undefined ? { kind: 'scroll', direction: args.direction } : { kind: 'scroll', direction: args.direction, amount: args.amount }),
});
