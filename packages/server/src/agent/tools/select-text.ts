import { z } from 'zod';
import { SELECT_TEXT_MAX_CHARS } from '../../browser/port.ts';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const selectTextTool = defineTool({
  name: 'select_text',
  description:
    'Select (highlight) the first visible occurrence of a phrase, as dragging the mouse over it would: to highlight, quote or copy it. With index, only inside that element (a paragraph, a text field).',
  args: z.object({
    text: z.string().min(1).max(SELECT_TEXT_MAX_CHARS).describe('The phrase as it reads on the page'),
    index: z.number().int().min(0).optional().describe('Element index to look inside, e.g. 3 for [3]'),
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'select_text', text: args.text, index: args.index }),
});
