import { afterEach, describe, expect, it, vi } from 'vitest';
import { CommandUnreachableError, DEFAULT_COMMAND_TIMEOUT_MS } from '../../src/bus/command-bus.ts';
import { InProcessCommandBus } from '../../src/bus/memory/in-process-command-bus.ts';
import { runCommandBusContract } from './command-bus-contract.ts';

runCommandBusContract('InProcessCommandBus', ({ errorCodec }) => {
  const bus = new InProcessCommandBus({ errorCodec });
  return { requester: bus, server: bus };
});

describe('InProcessCommandBus', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leaves no timer behind once a request is answered', async () => {
    vi.useFakeTimers();
    const bus = new InProcessCommandBus();
    await bus.serve('node-a', async () => 'done');
    expect(await bus.request('node-a', 'go', {})).toBe('done');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits DEFAULT_COMMAND_TIMEOUT_MS when the request names no timeout', async () => {
    vi.useFakeTimers();
    const bus = new InProcessCommandBus();
    await bus.serve('node-a', () => new Promise(() => {}));
    let outcome: unknown;
    bus.request('node-a', 'hang', {}).catch((error: unknown) => (outcome = error));
    await vi.advanceTimersByTimeAsync(DEFAULT_COMMAND_TIMEOUT_MS - 1);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(CommandUnreachableError);
    expect(outcome).toMatchObject({ reason: 'timeout' });
  });

  it('does not let the handler change what the requester sent, nor the requester what it answered', async () => {
    const bus = new InProcessCommandBus();
    const answer = { list: [1] };
    await bus.serve('node-a', async (_name, payload) => {
      (payload as { list: number[] }).list.push(2);
      return answer;
    });
    const sent = { list: [1] };
    const received = (await bus.request('node-a', 'go', sent)) as { list: number[] };
    received.list.push(3);
    expect(sent).toEqual({ list: [1] });
    expect(answer).toEqual({ list: [1] });
  });
});
