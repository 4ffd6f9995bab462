import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const readPageTool = defineTool({
  name: 'read_page',
  description:
    'Read the full visible text of the page, in pages of about 8,000 characters (page is 1-based); with index, the whole value of that element (a field whose value the observation cut), in the same pages, up to 100,000 characters.',
  args: z.object({ page: z.number().int().min(1).optional(), index: z.number().int().min(0).optional() }),
  execute: (context, args) =>
    runBrowserAction(context, {
      kind: 'read_text',
      ...(args.page === undefined ? {} : { page: args.page }),
      ...(args.index === undefined ? {} : { index: args.index }),
    }),
});
