/**
 * The model proposed a tool call whose arguments are not a JSON object. Treated as a retryable
 * failure of the attempt: running the tool with guessed arguments could do something the model
 * never asked for, while another sample usually comes back well formed.
 */
export class MalformedToolCallError extends Error {
  readonly toolName: string;
  constructor(toolName: string, detail: string, options: { cause?: unknown } = {}) {
    super(`model sent malformed arguments for tool ${JSON.stringify(toolName)}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MalformedToolCallError';
    this.toolName = toolName;
  }
}
