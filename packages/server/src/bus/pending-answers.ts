import { CommandUnreachableError } from './command-bus.ts';

export interface PendingAnswer {
  readonly target: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Waiting extends PendingAnswer {
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The requests a command bus sent and waits to hear about, for both adapters: each has its
 * deadline (a `timeout` CommandUnreachableError), is settled at most once (a late answer finds
 * nothing), and `closeAll` rejects what is left when the bus closes.
 */
export class PendingAnswers<Id> {
  readonly #waiting = new Map<Id, Waiting>();

  /** A promise of the answer to request `id`, which fails after `timeoutMs` unless settled first. */
  wait(id: Id, target: string, name: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id)?.reject(new CommandUnreachableError(target, 'timeout', `No answer from ${target} to ${name} within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.#waiting.set(id, { target, resolve, reject, timer });
    });
  }

  has(id: Id): boolean {
    return this.#waiting.has(id);
  }

  /** Takes a waiting request off the books (once): its timer stops and a late answer is ignored. */
  settle(id: Id): PendingAnswer | undefined {
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return undefined;
    this.#waiting.delete(id);
    clearTimeout(waiting.timer);
    return waiting;
  }

  closeAll(): void {
    for (const id of [...this.#waiting.keys()]) {
      const waiting = this.settle(id);
      waiting?.reject(new CommandUnreachableError(waiting.target, 'closed', `The command bus closed before ${waiting.target} answered`));
    }
  }
}
