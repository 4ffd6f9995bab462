import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const readPageTool = defineTool({
  name: 'read_page',
  description: 'Read the full visible text of the page, in pages of about 8,000 characters (page is 1-based).',
  args: z.object({ page: z.number().int().min(1).optional() }),
  execute: (context, args) =>
    runBrowserAction(context, args.page === undefined ? { kind: 'read_text' } : { kind: 'read_text', page: args.page }),
});
