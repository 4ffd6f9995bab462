import { jsonSchema, tool, type JSONSchema7, type ToolSet } from 'ai';
import type { ToolSpec } from './port.ts';

/**
 * Tool specs as an AI SDK tool set without `execute`: the model only proposes calls, the agent
 * runs them. Arguments are not validated against the schema here; the agent's tools own that, so a
 * script policy and a language model get the same treatment.
 */
export function toToolSet(tools: readonly ToolSpec[]): ToolSet {
  const set: ToolSet = {};
  for (const spec of tools) {
    set[spec.name] = tool({ description: spec.description, inputSchema: jsonSchema(spec.parameters as JSONSchema7) });
  }
  return set;
}
