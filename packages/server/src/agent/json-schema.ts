import { z } from 'zod';
import { errorMessage } from '../util/abort.ts';

/**
 * A validator for a client's or the agent's JSON Schema (`output_schema`, an `extract` schema);
 * throws `InvalidOutputSchemaError` when it is not one. `label` names the schema in the message.
 */
export function compileOutputSchema(schema: Record<string, unknown>, label = 'output_schema'): z.ZodType {
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new InvalidOutputSchemaError(`${label} is not a usable JSON Schema: ${errorMessage(error)}`, { cause: error });
  }
}

export class InvalidOutputSchemaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidOutputSchemaError';
  }
}

/** Why `value` does not match, in one line a model can act on; undefined when it matches. */
export function schemaProblems(validator: z.ZodType, value: unknown, root = 'result'): string | undefined {
  const checked = validator.safeParse(value);
  if (checked.success) return undefined;
  return checked.error.issues.map((issue) => `${issue.path.join('.') || root}: ${issue.message}`).join('; ');
}
