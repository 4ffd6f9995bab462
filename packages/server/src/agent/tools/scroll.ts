import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const scrollTool = defineTool({
  name: 'scroll',
  description:
    'Scroll the page up or down by amount viewports (default 0.8). With index: scroll that element into view, or with a direction scroll inside it (a list or panel with its own scrollbar). With to_text: scroll to the first visible occurrence of that text.',
  args: z.object({
    direction: z.enum(['up', 'down']).optional(),
    amount: z.number().min(0.1).max(10).optional(),
    index: z.number().int().min(0).optional(),
    to_text: z.string().min(1).max(500).optional(),
  }),
  execute: (context, args) =>
    runBrowserAction(context, {
      kind: 'scroll',
      direction: args.direction,
      amount: args.amount,
      index: args.index,
      toText: args.to_text,
    }),
});
