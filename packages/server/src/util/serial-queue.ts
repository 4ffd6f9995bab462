/**
 * Runs async functions one at a time, in call order. A failing function does not stop the
 * queue. Used as a per-session lock so commands and the agent never interleave state changes.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
