const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Ctrl-C (and SIGTERM, SIGHUP) as an AbortSignal for a command that must clean up, such as `run`
 * deleting its session. The first one aborts `signal`; a second one means "now": `onForce` runs.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private readonly handler = (signal: NodeJS.Signals): void => this.raise(signal);

  constructor(
    private readonly source: NodeJS.EventEmitter,
    private readonly onForce: () => void,
  ) {
    for (const name of SIGNALS) source.on(name, this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Also called by a prompt that read Ctrl-C itself (a terminal in raw mode sends no SIGINT). */
  raise(reason: string = 'SIGINT'): void {
    if (this.controller.signal.aborted) this.onForce();
    else this.controller.abort(new InterruptedError(reason));
  }

  dispose(): void {
    for (const name of SIGNALS) this.source.off(name, this.handler);
  }
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly reason: string) {
    super(`Interrupted (${reason})`);
  }
}
