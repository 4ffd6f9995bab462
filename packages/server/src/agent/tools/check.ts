import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const checkTool = defineTool({
  name: 'check',
  description:
    'Set the checkbox, radio button or switch with this index to checked (true) or unchecked (false). Does nothing when it already is.',
  args: z.object({ index: z.number().int().min(0), checked: z.boolean() }),
  execute: (context, args) => runBrowserAction(context, { kind: 'check', index: args.index, checked: args.checked }),
});
