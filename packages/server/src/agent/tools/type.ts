import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const typeTool = defineTool({
  name: 'type',
  description: 'Type text into the input, textarea or editable element with this index. Replaces its content unless clear is false; submit presses Enter afterwards.',
  args: z.object({
    index: z.number().int().min(0),
    text: z.string().max(10_000),
    clear: z.boolean().optional(),
    submit: z.boolean().optional(),
  }),
  execute: (context, args) =>
    runBrowserAction(context, {
      kind: 'type',
      index: args.index,
      text: args.text,
      clear: args.clear ?? true,
      submit: args.submit ?? false,
    }),
});
