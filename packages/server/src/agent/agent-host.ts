import type { ApprovalDetails } from '../safety/index.ts';
import type { MessageContent } from '../domain/index.ts';

/**
 * What the agent loop needs from the session that runs it. The sessions layer implements it;
 * the agent never sees the store, the bus or HTTP.
 */
export interface AgentHost {
  /** Stores a THOUGHT or LOG message. `internal` LOGs (prompts, raw output) are hidden when sanitized. */
  record(entry: AgentRecord): Promise<void>;
  /** User messages sent while the task runs and not yet read, oldest first. */
  takeUpdates(): string[];
  /**
   * Stores a QUESTION, moves the session to `waiting_for_input`, and resolves with the user's
   * answer. Rejects with the signal's reason when the task is cancelled.
   */
  ask(question: string, choices: string[] | undefined, signal: AbortSignal): Promise<string>;
  /** Resolves at once unless the task is paused; then when it is resumed. */
  checkpoint(signal: AbortSignal): Promise<void>;
  /**
   * Asks the user to approve one action: a QUESTION whose `metadata` is `{ kind: "approval",
   * action, site, amount?, currency? }`, execution `waiting_for_input`, and an approval record on
   * the session. Resolves with the decision: only the answer `approve` approves. Rejects with the
   * signal's reason when the task is cancelled.
   */
  approve(request: ApprovalDetails, signal: AbortSignal): Promise<ApprovalOutcome>;
}

export interface ApprovalOutcome {
  approved: boolean;
  /** The user's answer, as sent. */
  answer: string;
  /** Records on the approval whether the approved action then ran (false: the page changed meanwhile). */
  executed(ran: boolean): Promise<void>;
}

export interface AgentRecord {
  type: 'THOUGHT' | 'LOG';
  content: MessageContent;
  metadata: Record<string, unknown>;
  internal?: boolean;
}
