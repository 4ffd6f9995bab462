import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const selectTool = defineTool({
  name: 'select',
  description:
    'Choose an option (by its visible label or value) in the select element with this index; for a multi-select (states include multiple) give a list of options to choose exactly those.',
  args: z.object({
    index: z.number().int().min(0),
    option: z.union([z.string().min(1).max(500), z.array(z.string().min(1).max(500)).min(1).max(100)]),
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'select', index: args.index, option: args.option }),
});
