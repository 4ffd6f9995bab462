import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const answerDialogTool = defineTool({
  name: 'answer_dialog',
  description:
    'Answer the browser dialog (confirm or prompt) open on the page, shown as Dialog in the observation: accept true is OK, false is Cancel; ' +
    'text is what to enter into a prompt (without it the prefilled value is kept). Nothing else works on the page until the dialog is answered.',
  args: z.object({
    accept: z.boolean(),
    text: z.string().max(10_000).optional(),
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'answer_dialog', accept: args.accept, text: args.text }),
});
