import type { AgentHost, ApprovalOutcome } from '../agent/index.ts';
import type { ApprovalDetails } from '../safety/index.ts';
import type { Store } from '../store/index.ts';
import type { ApprovalRecord } from '../domain/index.ts';
import { newId, type Clock } from '../util/index.ts';

/** What `ask` takes besides the question, for a question that is an approval. */
export interface AskExtra {
  metadata: Record<string, unknown>;
  /** Runs under the session's lock once the QUESTION is stored, before the status says `waiting_for_input`. */
  onAsked(messageId: number): Promise<void>;
}

/** The host as the task controller builds it: `ask` with the extra an approval needs, no `approve` yet. */
export type AskingHost = Omit<AgentHost, 'approve' | 'ask'> & {
  ask(question: string, choices: string[] | undefined, signal: AbortSignal, extra?: AskExtra): Promise<string>;
};

/** The one answer that approves; anything else denies. */
const APPROVE = /^\s*approve[.!]?\s*$/i;

/**
 * Approvals, on the agent's question mechanism: an approval is a QUESTION (`metadata.kind =
 * "approval"`) whose answer decides, and every one is kept as an approval record of the session,
 * from the moment it is asked (`pending`) to its answer, so a user can later show what was
 * approved, when, and the digest of exactly which action.
 */
export class ApprovalDesk {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** `host` with `approve`, for one session. */
  withApprovals(host: AskingHost, sessionId: string): AgentHost {
    return {
      record: (entry) => host.record(entry),
      takeUpdates: () => host.takeUpdates(),
      checkpoint: (signal) => host.checkpoint(signal),
      ask: (question, choices, signal) => host.ask(question, choices, signal),
      approve: (request, signal) => this.approve(host, sessionId, request, signal),
    };
  }

  private async approve(host: AskingHost, sessionId: string, request: ApprovalDetails, signal: AbortSignal): Promise<ApprovalOutcome> {
    const id = newId();
    const metadata: Record<string, unknown> = {
      kind: 'approval',
      approval_id: id,
      action: request.action,
      site: request.action.site,
      ...(request.amount === null ? {} : { amount: request.amount }),
      ...(request.currency === null ? {} : { currency: request.currency }),
      ...(request.paymentToken === null ? {} : { payment_token: request.paymentToken }),
      digest: request.digest,
    };
    let stored = false;
    const onAsked = async (messageId: number): Promise<void> => {
      const record: ApprovalRecord = {
        id,
        sessionId,
        messageId,
        action: request.action,
        amount: request.amount,
        currency: request.currency,
        paymentToken: request.paymentToken,
        digest: request.digest,
        question: request.question,
        answer: null,
        decision: 'pending',
        executed: null,
        askedAt: this.clock.now(),
        answeredAt: null,
      };
      await this.store.insertApproval(record);
      stored = true;
    };
    let answer: string;
    try {
      answer = await host.ask(request.question, ['approve', 'deny'], signal, { metadata, onAsked });
    } catch (error) {
      // Cancelled (or the session went away) while waiting: the question stays unanswered on record.
      if (stored) await this.store.updateApproval(id, { decision: 'cancelled', answeredAt: this.clock.now() }).catch(() => undefined);
      throw error;
    }
    const approved = APPROVE.test(answer);
    await this.store.updateApproval(id, { answer, decision: approved ? 'approved' : 'denied', answeredAt: this.clock.now() });
    return {
      approved,
      answer,
      executed: async (ran) => {
        if (approved) await this.store.updateApproval(id, { executed: ran });
      },
    };
  }
}

/** A restart ended the session's task: a question still waiting will never be answered. */
export async function cancelPendingApprovals(store: Store, sessionId: string, at: Date): Promise<void> {
  for (const approval of await store.listApprovals(sessionId)) {
    if (approval.decision === 'pending') await store.updateApproval(approval.id, { decision: 'cancelled', answeredAt: at });
  }
}
