import type { z } from 'zod';
import { errorMessage } from '../util/abort.ts';
import { InvalidOutputSchemaError } from './invalid-output-schema-error.ts';
import { boundedSchema } from './json-schema-bounds.ts';
import { compileWithLinearPatterns } from './json-schema-patterns.ts';

export { InvalidOutputSchemaError } from './invalid-output-schema-error.ts';

/**
 * A validator for a client's or the agent's JSON Schema (`output_schema`, an `extract` schema);
 * throws `InvalidOutputSchemaError` when it is not one, or not one Steward runs: beyond the
 * bounds of `boundedSchema`, or with a pattern the linear-time engine refuses. Checking a value
 * never takes the event loop for long (docs/decisions/0006-linear-time-patterns.md). `label`
 * names the schema in the message.
 */
export function compileOutputSchema(schema: Record<string, unknown>, label = 'output_schema'): z.ZodType {
  const bounded = boundedSchema(schema, label);
  try {
    return compileWithLinearPatterns(bounded, label);
  } catch (error) {
    if (error instanceof InvalidOutputSchemaError) throw error;
    throw new InvalidOutputSchemaError(`${label} is not a usable JSON Schema: ${errorMessage(error)}`, { cause: error });
  }
}

/** Why `value` does not match, in one line a model can act on; undefined when it matches. */
export function schemaProblems(validator: z.ZodType, value: unknown, root = 'result'): string | undefined {
  const checked = validator.safeParse(value);
  if (checked.success) return undefined;
  return checked.error.issues.map((issue) => `${issue.path.join('.') || root}: ${issue.message}`).join('; ');
}
