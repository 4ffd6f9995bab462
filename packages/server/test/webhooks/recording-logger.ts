import type { WebhookLogger } from '../../src/sessions/webhooks/webhook-types.ts';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  obj: Record<string, unknown>;
}

/** A logger that keeps its entries and lets a test await one. */
export class RecordingLogger implements WebhookLogger {
  readonly entries: LogEntry[] = [];
  readonly #waiters: { msg: string; count: number; resolve: () => void }[] = [];

  info(obj: object, msg: string): void {
    this.#push('info', obj, msg);
  }
  warn(obj: object, msg: string): void {
    this.#push('warn', obj, msg);
  }
  error(obj: object, msg: string): void {
    this.#push('error', obj, msg);
  }

  messages(): string[] {
    return this.entries.map((e) => e.msg);
  }

  withMsg(msg: string): Record<string, unknown>[] {
    return this.entries.filter((e) => e.msg === msg).map((e) => e.obj);
  }

  /** Resolves once `count` entries with `msg` exist; rejects after `timeoutMs` to bound a hang. */
  waitFor(msg: string, count = 1, timeoutMs = 5_000): Promise<void> {
    if (this.withMsg(msg).length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count}× ${msg}; log: ${this.messages().join(', ')}`)), timeoutMs);
      this.#waiters.push({
        msg,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  #push(level: LogEntry['level'], obj: object, msg: string): void {
    this.entries.push({ level, msg, obj: obj as Record<string, unknown> });
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter !== undefined && this.withMsg(waiter.msg).length >= waiter.count) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
