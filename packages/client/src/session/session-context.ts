import type { DeleteResponse, ScreenshotResponse, StatusResponse, SuccessResponse } from '@steward/protocol';
import type { RequestOptions } from '../core/http.ts';
import { NotFoundError } from '../core/errors.ts';
import type { Sessions } from '../resources/sessions.ts';
import type { SessionEvent, StreamEventsOptions } from '../streaming/session-events.ts';
import type { CreateSessionOptions, Messages, NavigateResult, SendMessageOptions, Session } from '../types.ts';
import { runTask, type MessageCursor, type RunTaskOptions, type TaskResult } from './run-task.ts';

// Node 20 and current browsers have it; elsewhere the registered symbol the TypeScript helpers for `await using` look up.
const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * One session for a block of code: created on first use, deleted when it leaves scope.
 *
 * ```ts
 * await using session = client.session('agi-0');
 * const result = await session.runTask('Find the cheapest flight to Lisbon');
 * ```
 */
export class SessionContext {
  sessionId: string | undefined;
  vncUrl: string | undefined;
  private creating: Promise<string> | undefined;
  private readonly cursor: MessageCursor = { afterId: 0 };

  constructor(
    private readonly sessions: Sessions,
    private readonly agentName: string,
    private readonly options: CreateSessionOptions,
  ) {}

  /** Creates the session now (every other method does it on first use); answers its id. */
  async start(request?: RequestOptions): Promise<string> {
    if (this.sessionId !== undefined) return this.sessionId;
    this.creating ??= this.sessions.create(this.agentName, this.options, request).then((session: Session) => {
      this.sessionId = session.sessionId;
      this.vncUrl = session.vncUrl;
      return session.sessionId;
    });
    try {
      return await this.creating;
    } catch (error) {
      this.creating = undefined;
      throw error;
    }
  }

  /** This task's result, also on a session that ran tasks before; see `RunTaskOptions`. */
  async runTask<T = Record<string, any>>(task: string, options: RunTaskOptions = {}): Promise<TaskResult<T>> {
    const id = await this.start(options.signal === undefined ? {} : { signal: options.signal });
    return runTask<T>(this.sessions, id, this.cursor, task, options);
  }

  async sendMessage(message: string, options?: SendMessageOptions, request?: RequestOptions): Promise<SuccessResponse> {
    return this.sessions.sendMessage(await this.start(request), message, options, request);
  }

  async getStatus(request?: RequestOptions): Promise<StatusResponse> {
    return this.sessions.getStatus(await this.start(request), request);
  }

  async getMessages(afterId = 0, sanitize = true, request?: RequestOptions): Promise<Messages> {
    return this.sessions.getMessages(await this.start(request), afterId, sanitize, request);
  }

  async *streamEvents(options: StreamEventsOptions = {}): AsyncGenerator<SessionEvent> {
    yield* this.sessions.streamEvents(await this.start(options), options);
  }

  async pause(request?: RequestOptions): Promise<SuccessResponse> {
    return this.sessions.pause(await this.start(request), request);
  }

  async resume(request?: RequestOptions): Promise<SuccessResponse> {
    return this.sessions.resume(await this.start(request), request);
  }

  async cancel(request?: RequestOptions): Promise<SuccessResponse> {
    return this.sessions.cancel(await this.start(request), request);
  }

  async navigate(url: string, request?: RequestOptions): Promise<NavigateResult> {
    return this.sessions.navigate(await this.start(request), url, request);
  }

  async screenshot(request?: RequestOptions): Promise<ScreenshotResponse> {
    return this.sessions.screenshot(await this.start(request), request);
  }

  /** Deletes the session now; `await using` calls this when the block ends. */
  async delete(request?: RequestOptions): Promise<DeleteResponse | undefined> {
    const pending = this.creating;
    if (pending === undefined) return undefined;
    const id = await pending.catch(() => undefined);
    if (id === undefined) return undefined;
    this.creating = undefined;
    this.sessionId = undefined;
    return this.sessions.delete(id, 'none', request);
  }

  async [asyncDispose](): Promise<void> {
    try {
      await this.delete();
    } catch (error) {
      // A session already gone is what was wanted. Any other failure is thrown, since a session left
      // behind holds a browser; `await using` keeps the block's own error beside it (SuppressedError).
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
}

