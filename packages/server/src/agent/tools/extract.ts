import { z } from 'zod';
import { EXTRACT_TEXT_BUDGET, extractFromPage } from '../extraction.ts';
import { defineTool } from './tool.ts';

export const extractTool = defineTool({
  name: 'extract',
  description:
    `Pull structured data out of the current page: instruction says what to extract, schema is a JSON Schema of type "object" the data must match. ` +
    `The data comes back as JSON in the result. Reads up to ${EXTRACT_TEXT_BUDGET.toLocaleString('en-US')} characters of the page's text; use it for lists, tables and details that would take many steps to read.`,
  args: z.object({
    instruction: z.string().min(1).max(2_000),
    schema: z.record(z.string(), z.unknown()),
  }),
  async execute(context, args) {
    const outcome = await extractFromPage({
      browser: context.browser,
      model: context.model,
      signal: context.signal,
      instruction: args.instruction,
      schema: args.schema,
    });
    return { ok: outcome.ok, message: outcome.message, usage: outcome.usage };
  },
});
