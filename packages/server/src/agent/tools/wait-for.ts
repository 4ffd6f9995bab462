import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const waitForTool = defineTool({
  name: 'wait_for',
  description:
    'Wait for one thing on the active tab: `text` to be visible; an element to be visible, by `role` (button, link, textbox, …) and/or accessible `name`; ' +
    'the address to contain `url_contains` (e.g. after a redirect); `navigation: true` for the tab to load a new document; ' +
    'or, with none of these, the page to finish loading. Frames and shadow DOM count. timeout_ms defaults to 5000, at most 10000.',
  args: z.object({
    text: z.string().min(1).max(500).optional(),
    role: z.string().min(1).max(40).optional(),
    name: z.string().min(1).max(500).optional(),
    url_contains: z.string().min(1).max(2000).optional(),
    navigation: z.boolean().optional(),
    timeout_ms: z.number().int().min(100).max(10_000).optional(),
  }),
  execute: (context, args) =>
    runBrowserAction(context, {
      kind: 'wait_for',
      text: args.text,
      role: args.role,
      name: args.name,
      urlContains: args.url_contains,
      navigation: args.navigation,
      timeoutMs: args.timeout_ms,
    }),
});
