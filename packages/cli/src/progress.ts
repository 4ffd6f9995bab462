import { chalkStderr } from 'chalk';
import ora, { type Ora } from 'ora';
import { formatSeconds } from './format.ts';

/** How `run` shows a task while it goes: lines above a live status line, or plain lines. */
export interface Progress {
  /** A line that stays (a thought, a step, a note). */
  line(text: string): void;
  /** One more action done (the status line counts them). */
  stepped(): void;
  /** Takes the status line away while something else owns the terminal (a question). */
  suspend(): void;
  resume(): void;
  stop(): void;
}

const TICK_MS = 250;

/** Spinner, step count and elapsed time (ora), redrawn below the lines as they come. */
export class LiveProgress implements Progress {
  private readonly spinner: Ora;
  private readonly started = Date.now();
  private readonly ticker: NodeJS.Timeout;
  private steps = 0;
  private suspended = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {
    // isEnabled is ours to decide (ora turns itself off under CI=true); stdin stays the prompt's.
    this.spinner = ora({ stream, isEnabled: true, discardStdin: false, text: this.status() }).start();
    this.ticker = setInterval(() => this.refresh(), TICK_MS);
    this.ticker.unref();
  }

  line(text: string): void {
    // ora moves its line out of the way of writes to the stream and draws it again below.
    this.stream.write(`${text}\n`);
  }

  stepped(): void {
    this.steps++;
    this.refresh();
  }

  suspend(): void {
    this.suspended = true;
    this.spinner.stop();
  }

  resume(): void {
    this.suspended = false;
    this.spinner.start(this.status());
  }

  stop(): void {
    clearInterval(this.ticker);
    this.spinner.stop();
  }

  private refresh(): void {
    if (!this.suspended && this.spinner.isSpinning) this.spinner.text = this.status();
  }

  private status(): string {
    const steps = `${this.steps} step${this.steps === 1 ? '' : 's'}`;
    return `${this.label} ${chalkStderr.dim('·')} ${steps} ${chalkStderr.dim('·')} ${formatSeconds((Date.now() - this.started) / 1000)}`;
  }
}

/** Lines only, for logs and pipes. */
export class PlainProgress implements Progress {
  constructor(private readonly stream: NodeJS.WriteStream) {}

  line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  stepped(): void {}
  suspend(): void {}
  resume(): void {}
  stop(): void {}
}
