import { Readable } from 'node:stream';
import type { CommandBus, CommandServing } from '../bus/command-bus.ts';
import type { EventBus } from '../bus/port.ts';
import { AppError } from '../errors/index.ts';
import type { Logger } from '../sessions/index.ts';
import type { SessionService } from './session-service.ts';
import type { Store } from '../store/index.ts';
import { errorMessage } from '../util/index.ts';
import { LIVE_STREAM_EXPIRY_MS, type SessionCommandName, type SessionCommands } from '../cluster/session-commands.ts';
import { fromBase64, toBase64, type LiveFrameEvent } from '../cluster/wire-codecs.ts';

type Handlers = { [K in SessionCommandName]: (payload: SessionCommands[K]) => Promise<unknown> };

interface LiveStreamHandle {
  stop(): Promise<void>;
  keptAt: number;
}

/**
 * A worker's side of the commands (`SessionCommands`): each becomes a call on the session
 * service that runs this worker's sessions, with the same checks and errors as embedded mode. A
 * command for a live session this worker does not run (its lease moved) answers
 * `worker_unavailable`, and the API node asks again after looking the owner up.
 */
export class WorkerCommands {
  private readonly liveStreams = new Map<string, LiveStreamHandle>();
  private readonly liveSweep: NodeJS.Timeout;
  private serving: CommandServing | undefined;

  constructor(
    private readonly sessions: SessionService,
    private readonly store: Store,
    private readonly liveFrames: EventBus<LiveFrameEvent>,
    private readonly logger: Logger,
  ) {
    this.liveSweep = setInterval(() => void this.expireLiveStreams(), 5_000);
    this.liveSweep.unref();
  }

  async serve(bus: CommandBus, workerId: string): Promise<void> {
    this.serving = await bus.serve(workerId, (name, payload) => this.handle(name, payload));
  }

  async close(): Promise<void> {
    clearInterval(this.liveSweep);
    await this.serving?.close();
    await Promise.allSettled([...this.liveStreams.values()].map((stream) => stream.stop()));
    this.liveStreams.clear();
  }

  private handle(name: string, payload: unknown): Promise<unknown> {
    const handler = (this.handlers as Record<string, ((payload: unknown) => Promise<unknown>) | undefined>)[name];
    if (handler === undefined) return Promise.reject(new AppError('bad_request', { detail: `Unknown command ${name}.` }));
    return handler(payload).catch((error: unknown) => {
      if (!(error instanceof AppError)) this.logger.error({ err: error, command: name }, 'command failed with an unexpected error');
      throw error;
    });
  }

  /** Throws `worker_unavailable` for a live session another worker runs now. */
  private async here(sessionId: string): Promise<void> {
    if (this.sessions.runs(sessionId)) return;
    const record = await this.store.getSession(sessionId);
    if (record && record.status !== 'terminated' && record.status !== 'error') {
      throw new AppError('worker_unavailable', { retryAfter: 1, detail: 'This session moved to another worker; retry.' });
    }
  }

  private readonly handlers: Handlers = {
    create: async ({ apiKeyId, input }) => (await this.sessions.create(apiKeyId, input)).id,
    createDemo: async ({ apiKeyId }) => (await this.sessions.createDemo(apiKeyId)).id,
    delete: async ({ apiKeyId, sessionId, snapshot }) => {
      await this.here(sessionId);
      return this.sessions.delete(apiKeyId, sessionId, snapshot);
    },
    sendMessage: async ({ apiKeyId, sessionId, input }) => {
      await this.here(sessionId);
      await this.sessions.sendMessage(apiKeyId, sessionId, input);
      return null;
    },
    pause: async ({ apiKeyId, sessionId }) => {
      await this.here(sessionId);
      await this.sessions.pause(apiKeyId, sessionId);
      return null;
    },
    resume: async ({ apiKeyId, sessionId }) => {
      await this.here(sessionId);
      await this.sessions.resume(apiKeyId, sessionId);
      return null;
    },
    cancel: async ({ apiKeyId, sessionId }) => {
      await this.here(sessionId);
      await this.sessions.cancel(apiKeyId, sessionId);
      return null;
    },
    navigate: async ({ apiKeyId, sessionId, url }) => {
      await this.here(sessionId);
      return this.sessions.navigate(apiKeyId, sessionId, url);
    },
    screenshot: async ({ apiKeyId, sessionId }) => {
      await this.here(sessionId);
      const shot = await this.sessions.screenshot(apiKeyId, sessionId);
      return { jpeg: toBase64(shot.jpeg), url: shot.url, title: shot.title };
    },
    stepDesktop: async ({ apiKeyId, sessionId, input }) => {
      await this.here(sessionId);
      // The API node's wait is bounded by the command's timeout; the step itself by the model's.
      return this.sessions.stepDesktop(apiKeyId, sessionId, input, new AbortController().signal);
    },
    touch: async ({ sessionId }) => {
      this.sessions.touch(sessionId);
      return null;
    },
    liveInput: async ({ access, sessionId, event }) => {
      await this.here(sessionId);
      await this.sessions.liveInput(await this.sessions.authorizeLive(access, sessionId), event);
      return null;
    },
    liveStart: async ({ access, sessionId, streamId }) => {
      await this.here(sessionId);
      const record = await this.sessions.authorizeLive(access, sessionId);
      const stream = await this.sessions.liveStream(
        record,
        (frame) => this.liveFrames.publish(streamId, { kind: 'frame', jpeg: toBase64(frame.jpeg), width: frame.width, height: frame.height }),
        () => {
          this.liveFrames.publish(streamId, { kind: 'end' });
          void this.stopLive(streamId);
        },
      );
      this.liveStreams.set(streamId, { stop: () => stream.stop(), keptAt: Date.now() });
      return null;
    },
    liveKeep: async ({ streamId }) => {
      const stream = this.liveStreams.get(streamId);
      if (stream) stream.keptAt = Date.now();
      return stream !== undefined;
    },
    liveStop: async ({ streamId }) => {
      await this.stopLive(streamId);
      return null;
    },
    filesUpload: async ({ apiKeyId, sessionId, name, base64 }) => {
      await this.here(sessionId);
      const bytes = fromBase64(base64);
      return this.sessions.files.upload(apiKeyId, sessionId, name, Readable.from([bytes]), bytes.length);
    },
    filesList: async ({ apiKeyId, sessionId }) => {
      await this.here(sessionId);
      return this.sessions.files.list(apiKeyId, sessionId);
    },
    filesOpen: async ({ apiKeyId, sessionId, name }) => {
      await this.here(sessionId);
      const { file, stream } = await this.sessions.files.open(apiKeyId, sessionId, name);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
      return { file, base64: toBase64(Buffer.concat(chunks)) };
    },
    filesDelete: async ({ apiKeyId, sessionId, name }) => {
      await this.here(sessionId);
      await this.sessions.files.delete(apiKeyId, sessionId, name);
      return null;
    },
    replaysList: async ({ apiKeyId, sessionId }) => {
      await this.here(sessionId);
      return this.sessions.replays.list(apiKeyId, sessionId);
    },
    replaysOpen: async ({ apiKeyId, sessionId, step }) => {
      await this.here(sessionId);
      const { frame, jpeg } = await this.sessions.replays.open(apiKeyId, sessionId, step);
      return { frame, jpeg: toBase64(jpeg) };
    },
  };

  private async stopLive(streamId: string): Promise<void> {
    const stream = this.liveStreams.get(streamId);
    if (!stream) return;
    this.liveStreams.delete(streamId);
    await stream.stop().catch((error: unknown) => this.logger.debug({ err: errorMessage(error) }, 'live stream stop failed'));
  }

  /** A stream whose API node went away (no keepalive) stops: nobody watches it any more. */
  private async expireLiveStreams(): Promise<void> {
    const now = Date.now();
    for (const [streamId, stream] of this.liveStreams) {
      if (now - stream.keptAt > LIVE_STREAM_EXPIRY_MS) await this.stopLive(streamId);
    }
  }
}
