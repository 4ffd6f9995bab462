import { createInterface, type Interface } from 'node:readline/promises';
import type { ChalkInstance } from 'chalk';
import type { Message } from '@steward/client';
import { contentText, labelled } from './format.ts';

export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/**
 * Asks the agent's questions on the terminal (Node's readline: line editing on a TTY, lines from
 * a pipe otherwise) and answers with what was typed; a number picks one of the question's choices.
 */
export class Asker {
  private shared: Interface | undefined;
  private ended = false;

  constructor(
    private readonly input: NodeJS.ReadStream,
    private readonly output: NodeJS.WriteStream,
    private readonly colors: ChalkInstance,
    /** Ctrl-C typed at the prompt: a TTY in raw mode sends no SIGINT, readline reports it instead. */
    private readonly onInterrupt: () => void,
  ) {}

  async ask(question: Message, signal: AbortSignal): Promise<string> {
    const choices = Array.isArray(question.metadata['choices']) ? question.metadata['choices'].map(String) : [];
    this.output.write(`${labelled(this.colors, 'question', contentText(question.content))}\n`);
    choices.forEach((choice, i) => this.output.write(`  ${this.colors.bold(String(i + 1))}. ${choice}\n`));
    const rl = this.interface();
    try {
      for (;;) {
        if (this.ended) throw new NoAnswerError('The agent asked a question and there is no input to answer it from (stdin is closed).');
        const typed = (await this.question(rl, signal)).trim();
        if (typed === '') continue;
        const picked = /^\d+$/.test(typed) ? choices[Number(typed) - 1] : undefined;
        return picked ?? typed;
      }
    } finally {
      // On a terminal each question gets its own interface, so raw mode ends with the prompt.
      if (rl !== this.shared) rl.close();
    }
  }

  close(): void {
    this.shared?.close();
  }

  /** A pipe keeps one interface for the whole run: lines it has read ahead would die with it. */
  private interface(): Interface {
    if (this.input.isTTY !== true && this.shared !== undefined) return this.shared;
    const rl = createInterface({ input: this.input, output: this.output, terminal: this.input.isTTY === true && this.output.isTTY === true });
    rl.on('SIGINT', this.onInterrupt);
    rl.on('close', () => {
      if (rl === this.shared || this.input.isTTY !== true) this.ended = true;
    });
    if (this.input.isTTY !== true) this.shared = rl;
    return rl;
  }

  private question(rl: Interface, signal: AbortSignal): Promise<string> {
    // readline/promises never settles a question when the input ends first: end it here.
    return new Promise<string>((resolve, reject) => {
      const onClose = (): void => reject(new NoAnswerError('The agent asked a question and there is no input to answer it from (stdin is closed).'));
      rl.once('close', onClose);
      rl.question(`${this.colors.bold('answer>')} `, { signal }).then(
        (answer) => {
          rl.off('close', onClose);
          resolve(answer);
        },
        (error: unknown) => {
          rl.off('close', onClose);
          reject(error);
        },
      );
    });
  }
}
