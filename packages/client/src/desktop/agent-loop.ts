import type { DesktopAction } from '@steward/protocol';
import { sleep } from '../core/abort.ts';
import { StewardError } from '../core/errors.ts';
import type { Steward } from '../client.ts';
import type { StepResult } from '../types.ts';

export type AgentLoopState = 'idle' | 'running' | 'paused' | 'stopped' | 'finished';

export interface AgentLoopOptions {
  client: Steward;
  /** The session's `agentUrl`. */
  agentUrl: string;
  sessionId: string;
  /** The screen as it is now: PNG or JPEG bytes, or base64. Coordinates of actions are its pixels. */
  captureScreenshot: () => Promise<string | Uint8Array>;
  /** Performs a step's actions on the screen, in order (`finish`, `fail` and `ask_question` are not passed). */
  executeActions: (actions: DesktopAction[]) => Promise<void>;
  onThinking?: (thinking: string) => void;
  /** Answers the agent's question; without it, a question stops the loop with an error. */
  onAskUser?: (question: string) => Promise<string>;
  onStep?: (step: number, result: StepResult) => void;
  /** Milliseconds between a step's actions and the next screenshot (default 0). */
  stepDelay?: number;
}

const CONTROL_ACTIONS: ReadonlySet<DesktopAction['type']> = new Set(['finish', 'fail', 'ask_question']);

/**
 * The client side of a desktop session, shaped like the public SDK's `AgentLoop`: screenshot →
 * step → actions, until the agent finishes. The server decides; this only sees and does.
 */
export class AgentLoop {
  #state: AgentLoopState = 'idle';
  #resume: (() => void) | undefined;
  readonly #options: AgentLoopOptions;

  constructor(options: AgentLoopOptions) {
    this.#options = options;
  }

  get state(): AgentLoopState {
    return this.#state;
  }

  /**
   * Runs `task` to its end; resolves with the last step (`finished` true, its last action `finish`
   * or `fail`), or with the step in progress when `stop()` was called.
   */
  async start(task: string): Promise<StepResult | undefined> {
    if (this.#state === 'running' || this.#state === 'paused') throw new StewardError('This AgentLoop is already running.');
    const { client, agentUrl, sessionId, captureScreenshot, executeActions, onThinking, onAskUser, onStep, stepDelay = 0 } = this.#options;
    this.#state = 'running';
    let message: string | undefined = task;
    let last: StepResult | undefined;
    try {
      for (;;) {
        await this.#whilePaused();
        if (this.#isStopped()) return last;
        const result: StepResult = await client.sessions.step(agentUrl, sessionId, await captureScreenshot(), message);
        message = undefined;
        last = result;
        if (result.thinking !== undefined) onThinking?.(result.thinking);
        onStep?.(result.step, result);
        const actions = result.actions.filter((action) => !CONTROL_ACTIONS.has(action.type));
        if (actions.length > 0 && !this.#isStopped()) await executeActions(actions);
        if (result.finished) {
          this.#state = 'finished';
          return result;
        }
        if (result.askUser !== undefined) {
          if (onAskUser === undefined) throw new StewardError(`The agent asked a question and the loop has no onAskUser to answer it: ${result.askUser}`);
          message = await onAskUser(result.askUser);
        }
        if (stepDelay > 0) await sleep(stepDelay);
      }
    } catch (error) {
      this.#state = 'stopped';
      throw error;
    }
  }

  /** Holds the loop before its next screenshot (the server's agent is not paused by this). */
  pause(): void {
    if (this.#state === 'running') this.#state = 'paused';
  }

  resume(): void {
    if (this.#state !== 'paused') return;
    this.#state = 'running';
    this.#resume?.();
  }

  /** Ends the loop before its next step. */
  stop(): void {
    if (this.#state === 'finished') return;
    this.#state = 'stopped';
    this.#resume?.();
  }

  /** Read through a method: `stop()` changes the state while `start` awaits, which narrowing cannot see. */
  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  async #whilePaused(): Promise<void> {
    while (this.#state === 'paused') {
      await new Promise<void>((resolve) => {
        this.#resume = resolve;
      });
      this.#resume = undefined;
    }
  }
}
