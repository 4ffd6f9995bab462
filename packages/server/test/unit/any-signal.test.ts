import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { anySignal } from '../../src/util/abort.ts';

// A full collection on demand, without starting the test runner with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The reason `signal` aborts with; never settles when it does not abort. */
function abortReason(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

describe('anySignal', () => {
  // Node's AbortSignal.any holds its sources weakly: after a full GC a timeout nothing else
  // refers to is gone and the composite never aborts (nodejs/node#57736). A hang here, until the
  // test's timeout, is that bug back.
  it('a deadline among its sources still fires after a full garbage collection', async () => {
    const task = new AbortController();
    const bounded = anySignal(task.signal, AbortSignal.timeout(50));
    const reason = abortReason(bounded);
    // A new WeakRef's target outlives the current job: collect in a later one.
    await nextTurn();
    collectGarbage();
    expect(await reason).toMatchObject({ name: 'TimeoutError' });
    expect(task.signal.aborted).toBe(false);
  }, 10_000);

  it('so does a deadline alone (the undefined signals are left out)', async () => {
    const bounded = anySignal(undefined, AbortSignal.timeout(50));
    const reason = abortReason(bounded);
    await nextTurn();
    collectGarbage();
    expect(await reason).toMatchObject({ name: 'TimeoutError' });
  }, 10_000);

  it('aborts with the first source that aborts', () => {
    const first = new AbortController();
    const combined = anySignal(first.signal, AbortSignal.timeout(60_000));
    first.abort(new Error('cancelled'));
    expect(combined.aborted).toBe(true);
    expect(combined.reason).toMatchObject({ message: 'cancelled' });
  });
});
