import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const waitForTool = defineTool({
  name: 'wait_for',
  description:
    'Wait until a text is visible on the page, or (without text) until the page has finished loading. timeout_ms defaults to 5000, at most 10000.',
  args: z.object({
    text: z.string().min(1).max(500).optional(),
    timeout_ms: z.number().int().min(100).max(10_000).optional(),
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'wait_for', text: args.text, timeoutMs: args.timeout_ms }),
});
