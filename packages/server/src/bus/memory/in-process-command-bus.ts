import {
  CommandUnreachableError,
  DEFAULT_COMMAND_TIMEOUT_MS,
  plainErrorCodec,
  type CommandBus,
  type CommandErrorCodec,
  type CommandHandler,
  type CommandServing,
} from '../command-bus.ts';
import { PendingAnswers } from '../pending-answers.ts';

export interface InProcessCommandBusOptions {
  errorCodec?: CommandErrorCodec | undefined;
}

/**
 * Commands within one process (the embedded mode, and tests). Everything crosses as it would
 * cross Redis: payloads and answers are JSON round-tripped and a handler's error goes through
 * the codec, so code tested on this bus meets no surprise in cluster mode.
 */
export class InProcessCommandBus implements CommandBus {
  readonly #errorCodec: CommandErrorCodec;
  readonly #handlers = new Map<string, CommandHandler>();
  readonly #pending = new PendingAnswers<number>();
  #lastId = 0;
  #closed = false;

  constructor(options: InProcessCommandBusOptions = {}) {
    this.#errorCodec = options.errorCodec ?? plainErrorCodec;
  }

  request(target: string, name: string, payload: unknown, options: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.#closed) return Promise.reject(new CommandUnreachableError(target, 'closed', 'The command bus is closed'));
    const handler = this.#handlers.get(target);
    if (handler === undefined) return Promise.reject(new CommandUnreachableError(target, 'no_server', `Nothing serves ${target}`));
    let sent: unknown;
    try {
      sent = jsonRoundTrip(payload);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const id = ++this.#lastId;
    const answered = this.#pending.wait(id, target, name, timeoutMs);
    // A microtask away, as over the wire: the handler never runs inside the caller's stack.
    Promise.resolve()
      .then(() => handler(name, sent))
      .then(
        (answer) => {
          const waiting = this.#pending.settle(id);
          if (waiting === undefined) return; // Timed out or closed meanwhile.
          try {
            waiting.resolve(jsonRoundTrip(answer));
          } catch (error) {
            // Redis cannot carry such an answer either; the requester learns why.
            waiting.reject(this.#crossError(error));
          }
        },
        (error: unknown) => this.#pending.settle(id)?.reject(this.#crossError(error)),
      );
    return answered;
  }

  async serve(target: string, handler: CommandHandler): Promise<CommandServing> {
    if (this.#closed) throw new Error('The command bus is closed');
    if (this.#handlers.has(target)) throw new Error(`${target} is already served on this bus`);
    this.#handlers.set(target, handler);
    return {
      close: async () => {
        if (this.#handlers.get(target) === handler) this.#handlers.delete(target);
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    this.#pending.closeAll();
  }

  /** The error as the requester of a remote handler would see it: encoded, sent, decoded. */
  #crossError(error: unknown): Error {
    try {
      return this.#errorCodec.decode(jsonRoundTrip(this.#errorCodec.encode(error)));
    } catch (codecError) {
      return plainErrorCodec.decode(plainErrorCodec.encode(codecError));
    }
  }
}

/** What JSON makes of a value; `undefined` (a missing field on the wire) stays `undefined`. */
function jsonRoundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}
