import { z } from 'zod';
import { schemaProblems } from '../json-schema.ts';
import { defineTool } from './tool.ts';

export const doneTool = defineTool({
  name: 'done',
  description:
    'Finish the task. result is the answer for the user: text, or a JSON object for structured results. Set success to false when the task cannot be completed; result then says what was found so far and why it failed.',
  args: z.object({
    result: z.union([z.string().min(1).max(50_000), z.record(z.string(), z.unknown())]),
    success: z.boolean().optional(),
  }),
  async execute(context, args) {
    const success = args.success ?? true;
    if (success && context.outputSchema) {
      const problems = schemaProblems(context.outputSchema, args.result);
      if (problems !== undefined) {
        return { ok: false, message: `The result does not match the required format: ${problems}. Call done again with a corrected result.` };
      }
    }
    return { ok: true, message: success ? 'Task completed' : 'Task failed', final: { content: args.result, success } };
  },
});
