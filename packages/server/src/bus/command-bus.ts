/**
 * Commands for one node and their answers (cluster mode: an API node asks the worker that owns a
 * session to act on it). A command is a name and a JSON payload; its answer is JSON. What is not
 * JSON (a Date, a Buffer) is the caller's to encode: every adapter delivers payloads and answers
 * as a JSON round trip would, the in-process one included, so a test on it sees what Redis does.
 *
 * Delivery is at most once: a request that times out may still have run on the target. Callers
 * make commands safe to retry or tell the client that the outcome is unknown.
 */
export interface CommandBus {
  /**
   * Sends the command to the node serving `target` and resolves with its handler's answer.
   * Rejects with `CommandUnreachableError` when nobody serves `target` (`no_server`, at once),
   * no answer came within the timeout (`timeout`, default `DEFAULT_COMMAND_TIMEOUT_MS`) or this bus
   * closed first (`closed`), and with the error the `errorCodec` decodes when the handler threw.
   * An answer JSON cannot carry (a BigInt, a cycle) arrives as such an error.
   */
  request(target: string, name: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  /**
   * Serves commands addressed to `target` until the handle is closed; resolves once requests for
   * `target` reach this handler, and handles them concurrently. One handler per target on this
   * bus: a second `serve` of the same target rejects.
   */
  serve(target: string, handler: CommandHandler): Promise<CommandServing>;
  /** Stops serving and rejects requests still waiting (`CommandUnreachableError`, `closed`). Idempotent. */
  close(): Promise<void>;
}

export type CommandHandler = (name: string, payload: unknown) => Promise<unknown>;

export interface CommandServing {
  /**
   * Stops taking commands for the target; requests sent after it resolves are unreachable
   * (`no_server`), commands taken before are still answered. Idempotent.
   */
  close(): Promise<void>;
}

/** How a handler's error crosses to the requester: encoded to JSON there, rebuilt here. */
export interface CommandErrorCodec {
  encode(error: unknown): unknown;
  decode(data: unknown): Error;
}

/** A codec that keeps the message (and the name) of an error, for callers with no catalog. */
export const plainErrorCodec: CommandErrorCodec = {
  encode: (error) => ({ name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) }),
  decode: (data) => {
    const { name, message } = (data ?? {}) as { name?: unknown; message?: unknown };
    const error = new Error(typeof message === 'string' ? message : 'The command failed');
    if (typeof name === 'string') error.name = name;
    return error;
  },
};

/** No node served the target, or no answer came in time; the command may or may not have run. */
export class CommandUnreachableError extends Error {
  constructor(
    readonly target: string,
    readonly reason: 'no_server' | 'timeout' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'CommandUnreachableError';
  }
}

/** Requests wait this long for an answer unless they say otherwise. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
