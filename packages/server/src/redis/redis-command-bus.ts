import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  CommandUnreachableError,
  DEFAULT_COMMAND_TIMEOUT_MS,
  plainErrorCodec,
  type CommandBus,
  type CommandErrorCodec,
  type CommandHandler,
  type CommandServing,
} from '../bus/command-bus.ts';
import { PendingAnswers } from '../bus/pending-answers.ts';

export interface RedisCommandBusOptions {
  url: string;
  /** Put before every channel, so several deployments (or test runs) can share one Redis. */
  channelPrefix?: string | undefined;
  errorCodec?: CommandErrorCodec | undefined;
  logger?: { warn(obj: object, msg?: string): void } | undefined;
}

/** What a requester publishes to `<prefix>to:<target>`. */
interface CommandMessage {
  id: string;
  replyTo: string;
  name: string;
  payload?: unknown;
}

/** What a server publishes to the requester's `replyTo`; `value` is absent for an `undefined` answer. */
type AnswerMessage = { id: string; ok: true; value?: unknown } | { id: string; ok: false; error?: unknown };

/**
 * Commands across processes on Redis pub/sub. A node serving a target subscribes to its
 * channel; a requester publishes there and hears the answer on a reply channel of its own.
 * PUBLISH counts the subscribers it reached, so an unserved target fails at once instead of at
 * the timeout. Pub/sub keeps nothing: a command published while its server reconnects is lost
 * and the requester times out (at most once, as the port says).
 */
export class RedisCommandBus implements CommandBus {
  readonly #publisher: Redis;
  /** In subscriber mode: it only (un)subscribes and hears commands and answers. */
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #errorCodec: CommandErrorCodec;
  readonly #logger: RedisCommandBusOptions['logger'];
  readonly #replyChannel: string;
  /** The SUBSCRIBE to the reply channel, made on the first request. */
  #replies: Promise<void> | undefined;
  readonly #pending = new PendingAnswers<string>();
  /** Handlers by the channel of their target. */
  readonly #served = new Map<string, CommandHandler>();
  #closing: Promise<void> | undefined;

  constructor(options: RedisCommandBusOptions) {
    this.#prefix = options.channelPrefix ?? 'steward:commands:';
    this.#errorCodec = options.errorCodec ?? plainErrorCodec;
    this.#logger = options.logger;
    this.#replyChannel = `${this.#prefix}replies:${randomUUID()}`;
    const connection = { maxRetriesPerRequest: null, enableOfflineQueue: true } as const;
    this.#publisher = new Redis(options.url, connection);
    this.#subscriber = new Redis(options.url, connection);
    for (const redis of [this.#publisher, this.#subscriber]) redis.on('error', (error: Error) => this.#warn({ err: error }, 'redis_command_bus_connection_error'));
    this.#subscriber.on('message', (channel: string, text: string) => this.#hear(channel, text));
  }

  request(target: string, name: string, payload: unknown, options: { timeoutMs?: number } = {}): Promise<unknown> {
    if (this.#closing !== undefined) return Promise.reject(new CommandUnreachableError(target, 'closed', 'The command bus is closed'));
    const id = randomUUID();
    let text: string;
    try {
      text = JSON.stringify({ id, replyTo: this.#replyChannel, name, payload } satisfies CommandMessage);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    // The deadline covers the sending too: a Redis that is away makes a timeout, not a hang.
    const answered = this.#pending.wait(id, target, name, timeoutMs);
    this.#send(id, target, text).catch((error: unknown) => {
      const waiting = this.#pending.settle(id);
      if (waiting === undefined) return; // Closed or timed out meanwhile: nobody to tell.
      this.#warn({ target, err: error }, 'redis_command_bus_publish_failed');
      const sendFailed = new CommandUnreachableError(target, 'no_server', `The command to ${target} could not be sent`);
      sendFailed.cause = error;
      waiting.reject(sendFailed);
    });
    return answered;
  }

  async serve(target: string, handler: CommandHandler): Promise<CommandServing> {
    if (this.#closing !== undefined) throw new Error('The command bus is closed');
    const channel = this.#commandChannel(target);
    if (this.#served.has(channel)) throw new Error(`${target} is already served on this bus`);
    // In the map before the SUBSCRIBE, so the first command heard finds its handler.
    this.#served.set(channel, handler);
    try {
      await this.#subscriber.subscribe(channel);
    } catch (error) {
      this.#served.delete(channel);
      throw error;
    }
    let stopping: Promise<void> | undefined;
    return {
      close: () => {
        stopping ??= this.#stopServing(channel, handler);
        return stopping;
      },
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#pending.closeAll();
    this.#served.clear();
    await Promise.all([this.#publisher.quit().catch(() => this.#publisher.disconnect()), this.#subscriber.quit().catch(() => this.#subscriber.disconnect())]);
  }

  async #send(id: string, target: string, text: string): Promise<void> {
    // The answer can come as soon as the command is out: listen before speaking.
    await this.#listenForAnswers();
    if (!this.#pending.has(id)) return;
    const reached = await this.#publisher.publish(this.#commandChannel(target), text);
    if (reached === 0) this.#pending.settle(id)?.reject(new CommandUnreachableError(target, 'no_server', `Nothing serves ${target}`));
  }

  #listenForAnswers(): Promise<void> {
    if (this.#replies === undefined) {
      const subscribing = this.#subscriber.subscribe(this.#replyChannel).then(() => undefined);
      // A failed SUBSCRIBE is tried again by the next request rather than remembered.
      subscribing.catch(() => {
        if (this.#replies === subscribing) this.#replies = undefined;
      });
      this.#replies = subscribing;
    }
    return this.#replies;
  }

  async #stopServing(channel: string, handler: CommandHandler): Promise<void> {
    if (this.#closing !== undefined) return;
    await this.#subscriber.unsubscribe(channel);
    // Only now: commands Redis delivered before the UNSUBSCRIBE took effect are still answered.
    if (this.#served.get(channel) === handler) this.#served.delete(channel);
  }

  #hear(channel: string, text: string): void {
    if (channel === this.#replyChannel) {
      this.#takeAnswer(text);
      return;
    }
    const handler = this.#served.get(channel);
    if (handler !== undefined) this.#runCommand(channel, handler, text);
  }

  #takeAnswer(text: string): void {
    const answer = parseAnswer(text);
    if (answer === undefined) {
      this.#warn({ channel: this.#replyChannel }, 'redis_command_bus_malformed_answer');
      return;
    }
    const waiting = this.#pending.settle(answer.id);
    if (waiting === undefined) return; // It timed out (or the bus closed) before the answer came.
    if (answer.ok) {
      waiting.resolve(answer.value);
      return;
    }
    try {
      waiting.reject(this.#errorCodec.decode(answer.error));
    } catch (decodeError) {
      waiting.reject(decodeError);
    }
  }

  #runCommand(channel: string, handler: CommandHandler, text: string): void {
    const command = parseCommand(text);
    if (command === undefined) {
      this.#warn({ channel }, 'redis_command_bus_malformed_command');
      return;
    }
    // Not awaited: a slow command must not hold up the others on this target.
    Promise.resolve()
      .then(() => handler(command.name, command.payload))
      .then(
        (value: unknown) => this.#answer(command, { ok: true, value }),
        (error: unknown) => this.#answer(command, { ok: false, error }),
      );
  }

  #answer(command: CommandMessage, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
    if (this.#closing !== undefined) return;
    const text = this.#answerText(command.id, outcome);
    this.#publisher.publish(command.replyTo, text).catch((error: unknown) => this.#warn({ replyTo: command.replyTo, err: error }, 'redis_command_bus_answer_failed'));
  }

  #answerText(id: string, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): string {
    let failure: unknown;
    if (outcome.ok) {
      try {
        return JSON.stringify({ id, ok: true, value: outcome.value } satisfies AnswerMessage);
      } catch (error) {
        // A BigInt or a cycle: the requester gets the reason instead of waiting for the timeout.
        failure = error;
      }
    } else {
      failure = outcome.error;
    }
    try {
      return JSON.stringify({ id, ok: false, error: this.#errorCodec.encode(failure) } satisfies AnswerMessage);
    } catch (codecError) {
      return JSON.stringify({ id, ok: false, error: plainErrorCodec.encode(codecError) } satisfies AnswerMessage);
    }
  }

  #commandChannel(target: string): string {
    return `${this.#prefix}to:${target}`;
  }

  #warn(obj: object, msg: string): void {
    try {
      this.#logger?.warn(obj, msg);
    } catch {
      // A failing logger must not break delivery.
    }
  }
}

function parseCommand(text: string): CommandMessage | undefined {
  const data = parseObject(text);
  if (data === undefined || typeof data['id'] !== 'string' || typeof data['replyTo'] !== 'string' || typeof data['name'] !== 'string') return undefined;
  return { id: data['id'], replyTo: data['replyTo'], name: data['name'], payload: data['payload'] };
}

function parseAnswer(text: string): AnswerMessage | undefined {
  const data = parseObject(text);
  if (data === undefined || typeof data['id'] !== 'string' || typeof data['ok'] !== 'boolean') return undefined;
  return data['ok'] ? { id: data['id'], ok: true, value: data['value'] } : { id: data['id'], ok: false, error: data['error'] };
}

/** Messages come from other processes: a bad one is dropped, never thrown into ioredis. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(text);
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
