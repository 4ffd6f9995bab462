import { afterEach, describe, expect, it } from 'vitest';
import { CommandUnreachableError, type CommandBus, type CommandErrorCodec, type CommandHandler } from '../../src/bus/command-bus.ts';

/**
 * What an adapter hands the suite: a bus that sends and a bus that serves. Networked adapters give
 * two instances (two nodes on one transport); an in-process one gives the same bus twice.
 */
export interface CommandBusesUnderTest {
  requester: CommandBus;
  server: CommandBus;
}

export type MakeCommandBuses = (options: { errorCodec?: CommandErrorCodec | undefined }) => CommandBusesUnderTest | Promise<CommandBusesUnderTest>;

/** Requests that must not time out wait this long: far past what any step here needs. */
const PATIENT = { timeoutMs: 20_000 };

/** An error with a catalog code, as the API layer's errors have. */
class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

const codedErrorCodec: CommandErrorCodec = {
  encode: (error) => ({ code: error instanceof CodedError ? error.code : 'internal', message: error instanceof Error ? error.message : String(error) }),
  decode: (data) => {
    const { code, message } = data as { code: string; message: string };
    return new CodedError(code, message);
  },
};

/** A promise with its resolve, for handlers the test releases. */
function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

async function unreachable(request: Promise<unknown>): Promise<CommandUnreachableError> {
  const error = await request.then(
    () => expect.fail('the request was answered'),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(CommandUnreachableError);
  return error as CommandUnreachableError;
}

/** The behaviour every `CommandBus` adapter must have (bus/command-bus.ts). */
export function runCommandBusContract(name: string, makeBuses: MakeCommandBuses): void {
  describe(`CommandBus contract: ${name}`, () => {
    const opened: CommandBusesUnderTest[] = [];
    const openBuses = async (options: { errorCodec?: CommandErrorCodec } = {}): Promise<CommandBusesUnderTest> => {
      const buses = await makeBuses(options);
      opened.push(buses);
      return buses;
    };

    afterEach(async () => {
      // Closing twice (a test closed one already) must be harmless.
      const buses = new Set(opened.splice(0).flatMap(({ requester, server }) => [requester, server]));
      await Promise.all([...buses].map((bus) => bus.close()));
    });

    it('delivers the name and payload and round-trips JSON answers', async () => {
      const { requester, server } = await openBuses();
      const heard: Array<[string, unknown]> = [];
      await server.serve('node-a', async (command, payload) => {
        heard.push([command, payload]);
        return command === 'nothing' ? undefined : payload;
      });
      const values: unknown[] = [{ a: 1, nested: { list: [1, 'two', null, false] } }, [3, 2, 1], 42, -0.5, 0, null, true, '', 'héllo wörld · 日本語 · 🌍 · "quoted" \\ \n'];
      for (const value of values) expect(await requester.request('node-a', 'echo', value, PATIENT)).toStrictEqual(value);
      expect(await requester.request('node-a', 'nothing', { x: 1 }, PATIENT)).toBeUndefined();
      expect(heard.map(([command]) => command)).toEqual([...values.map(() => 'echo'), 'nothing']);
      expect(heard.map(([, payload]) => payload).slice(0, values.length)).toStrictEqual(values);
    });

    it('delivers what JSON makes of a payload: a Date as its ISO string, undefined fields gone', async () => {
      const { requester, server } = await openBuses();
      let heard: unknown;
      await server.serve('node-a', async (_command, payload) => {
        heard = payload;
        return { at: new Date(Date.UTC(2026, 11, 4, 8, 30)) };
      });
      const answer = await requester.request('node-a', 'stamp', { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), gone: undefined }, PATIENT);
      expect(heard).toStrictEqual({ at: '2026-01-02T03:04:05.000Z' });
      expect(answer).toStrictEqual({ at: '2026-12-04T08:30:00.000Z' });
    });

    it('rejects with the handler\'s error as the codec rebuilds it, code included', async () => {
      const { requester, server } = await openBuses({ errorCodec: codedErrorCodec });
      const thrown = new CodedError('session_busy', 'The session is running a step');
      await server.serve('node-a', async () => {
        throw thrown;
      });
      const error = await requester.request('node-a', 'pause', {}, PATIENT).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(CodedError);
      // Rebuilt on the requester's side, as it is across processes, not the very object thrown.
      expect(error).not.toBe(thrown);
      expect(error).toMatchObject({ code: 'session_busy', message: 'The session is running a step' });
    });

    it('keeps the name and message of an error with the plain codec, also for a handler that throws at once', async () => {
      const { requester, server } = await openBuses();
      const handler: CommandHandler = (command) => {
        if (command === 'sync') throw new TypeError('thrown before any promise');
        return Promise.reject(new RangeError('rejected'));
      };
      await server.serve('node-a', handler);
      await expect(requester.request('node-a', 'sync', {}, PATIENT)).rejects.toMatchObject({ name: 'TypeError', message: 'thrown before any promise' });
      await expect(requester.request('node-a', 'async', {}, PATIENT)).rejects.toMatchObject({ name: 'RangeError', message: 'rejected' });
    });

    it('turns an answer JSON cannot carry into an error instead of a timeout', async () => {
      const { requester, server } = await openBuses();
      await server.serve('node-a', async () => ({ big: 10n }));
      await expect(requester.request('node-a', 'count', {}, PATIENT)).rejects.toMatchObject({ name: 'TypeError' });
    });

    it('rejects a request for a target nobody serves with no_server, without waiting for the timeout', async () => {
      const { requester, server } = await openBuses();
      await server.serve('node-a', async () => 'here');
      // The reason tells: a request that waited for its deadline would say 'timeout'.
      const error = await unreachable(requester.request('node-b', 'pause', {}, PATIENT));
      expect(error).toMatchObject({ target: 'node-b', reason: 'no_server' });
    });

    it('rejects with timeout when the handler answers too late, and ignores the late answer', async () => {
      const { requester, server } = await openBuses();
      const release = gate();
      let started = 0;
      await server.serve('node-a', async (command) => {
        if (command === 'slow') {
          started++;
          await release.promise;
        }
        return command;
      });
      const error = await unreachable(requester.request('node-a', 'slow', {}, { timeoutMs: 200 }));
      expect(error).toMatchObject({ target: 'node-a', reason: 'timeout' });
      expect(started).toBe(1);
      release.open();
      expect(await requester.request('node-a', 'fast', {}, PATIENT)).toBe('fast');
    });

    it('gives each of 20 concurrent requests its own answer when the handlers finish in reverse order', async () => {
      const { requester, server } = await openBuses();
      const releases = new Map<number, () => void>();
      const allArrived = gate();
      const finished: number[] = [];
      await server.serve('node-a', async (_command, payload) => {
        const { n } = payload as { n: number };
        await new Promise<void>((resolve) => {
          releases.set(n, resolve);
          if (releases.size === 20) allArrived.open();
        });
        finished.push(n);
        return { n, square: n * n };
      });
      const numbers = Array.from({ length: 20 }, (_, n) => n);
      const answers = Promise.all(numbers.map((n) => requester.request('node-a', 'square', { n }, PATIENT)));
      await allArrived.promise;
      for (const n of [...numbers].reverse()) {
        releases.get(n)?.();
        // Let this handler's answer go out before the next one is released.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await answers).toStrictEqual(numbers.map((n) => ({ n, square: n * n })));
      expect(finished).toEqual([...numbers].reverse());
    });

    it('keeps targets apart and lets every node both serve and request', async () => {
      const { requester, server } = await openBuses();
      await server.serve('node-a', async () => 'from a');
      await server.serve('node-b', async () => 'from b');
      await requester.serve('node-c', async () => 'from c');
      expect(await requester.request('node-a', 'who', {}, PATIENT)).toBe('from a');
      expect(await requester.request('node-b', 'who', {}, PATIENT)).toBe('from b');
      expect(await server.request('node-c', 'who', {}, PATIENT)).toBe('from c');
    });

    it('refuses a second handler for a target the bus already serves', async () => {
      const { server } = await openBuses();
      await server.serve('node-a', async () => 'first');
      await expect(server.serve('node-a', async () => 'second')).rejects.toThrow();
    });

    it('answers no_server once the serving is closed, and can serve the target again', async () => {
      const { requester, server } = await openBuses();
      const serving = await server.serve('node-a', async () => 'first');
      expect(await requester.request('node-a', 'who', {}, PATIENT)).toBe('first');
      await serving.close();
      await serving.close();
      expect(await unreachable(requester.request('node-a', 'who', {}, PATIENT))).toMatchObject({ reason: 'no_server' });
      await server.serve('node-a', async () => 'second');
      expect(await requester.request('node-a', 'who', {}, PATIENT)).toBe('second');
    });

    it('rejects a request still waiting with closed when the requester closes, and later ones too', async () => {
      const { requester, server } = await openBuses();
      const arrived = gate();
      const release = gate();
      await server.serve('node-a', async () => {
        arrived.open();
        await release.promise;
        return 'too late';
      });
      // Its rejection is looked at from the start: it comes while close() is still on its way.
      const waiting = unreachable(requester.request('node-a', 'slow', {}, PATIENT));
      await arrived.promise;
      await requester.close();
      expect(await waiting).toMatchObject({ target: 'node-a', reason: 'closed' });
      expect(await unreachable(requester.request('node-a', 'again', {}, PATIENT))).toMatchObject({ reason: 'closed' });
      release.open();
    });
  });
}
