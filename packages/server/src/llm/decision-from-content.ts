import { InvalidToolInputError, type ContentPart, type LanguageModelUsage, type ToolSet } from 'ai';
import { isPlainObject } from '../util/safe-json.ts';
import { MalformedToolCallError } from './malformed-tool-call-error.ts';
import type { Decision, ToolCall } from './port.ts';

const MAX_SHOWN_INPUT = 120;

/**
 * A model response as a Decision: tool calls in the order the model made them, its text as the
 * thought. A call to a tool the agent did not offer is passed through (the agent reports unknown
 * tools back to the model, as it must for script policies); arguments that are not a JSON object
 * throw MalformedToolCallError.
 */
export function decisionFromContent(content: readonly ContentPart<ToolSet>[], usage: LanguageModelUsage | undefined): Decision {
  const actions: ToolCall[] = [];
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text.trim() !== '') texts.push(part.text.trim());
    } else if (part.type === 'tool-call') {
      actions.push(toolCallFrom(part.toolName, part.input, part.dynamic === true ? part.error : undefined));
    }
  }
  const decision: Decision = { actions };
  if (texts.length > 0) decision.thought = texts.join('\n');
  if (usage !== undefined && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)) {
    decision.usage = { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
  }
  return decision;
}

function toolCallFrom(toolName: string, input: unknown, error: unknown): ToolCall {
  if (InvalidToolInputError.isInstance(error)) {
    throw new MalformedToolCallError(toolName, `not valid JSON: ${shown(error.toolInput)}`, { cause: error });
  }
  // A provider may leave unparsable input as the raw string when the tool name was unknown too.
  if (typeof input === 'string') {
    throw new MalformedToolCallError(toolName, `not valid JSON: ${shown(input)}`, { cause: error });
  }
  if (input === undefined || input === null) return { tool: toolName, args: {} };
  if (!isPlainObject(input)) throw new MalformedToolCallError(toolName, `expected a JSON object, got ${shown(JSON.stringify(input))}`);
  return { tool: toolName, args: input };
}

function shown(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN_INPUT ? `${text.slice(0, MAX_SHOWN_INPUT)}…` : text);
}
