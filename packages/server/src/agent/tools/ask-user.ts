import { z } from 'zod';
import { defineTool } from './tool.ts';

export const askUserTool = defineTool({
  name: 'ask_user',
  description: 'Ask the user a question and wait for the answer. Use it when the task is ambiguous or needs information only the user has.',
  args: z.object({
    question: z.string().min(1).max(2000),
    choices: z.array(z.string().min(1).max(200)).max(10).optional(),
  }),
  async execute(context, args) {
    const answer = await context.host.ask(args.question, args.choices, context.signal);
    return { ok: true, message: `The user answered: ${answer}` };
  },
});
