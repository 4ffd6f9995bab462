import { z } from 'zod';

/**
 * Approvals (Steward extension): before the agent runs an action of a class the session's
 * `approval_policy` names, it asks (a QUESTION with `metadata.kind = "approval"`) and runs that
 * one action only after the answer `approve`. Every decision is kept on the session.
 */

/** `always`: every classified action; `payments_only`: payment and purchase submissions; `never`: none. */
export const APPROVAL_POLICIES = ['always', 'payments_only', 'never'] as const;
export const ApprovalPolicy = z.enum(APPROVAL_POLICIES);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/**
 * What the action gate recognises as consequential. `share_data`: carrying session data (what the
 * task says or typed, text read on its sites) to a site the task never named; asked under every
 * policy but `never`, which refuses it.
 */
export const ACTION_CLASSES = ['payment', 'send_message', 'delete_account', 'upload_file', 'share_data'] as const;
export type ActionClass = (typeof ACTION_CLASSES)[number];

export const APPROVAL_DECISIONS = ['pending', 'approved', 'denied', 'cancelled'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** The action a question asked about, as `metadata.action` of the QUESTION and in the approval record. */
export interface ApprovalActionResponse {
  kind: ActionClass;
  tool: string;
  /** The element acted on (role and accessible name), when the action has one. */
  element: { role: string; name: string } | null;
  /** Origin and path of the page the action runs on. */
  site: string;
  path: string;
}

/** One approval record (`GET /v1/sessions/{id}/approvals`, oldest first). */
export interface ApprovalResponse {
  id: string;
  /** The QUESTION message that asked. */
  message_id: number;
  action: ApprovalActionResponse;
  amount: number | null;
  currency: string | null;
  payment_token: string | null;
  /** SHA-256 (hex) of the canonical JSON of the action (docs/trust-and-safety.md#approvals). */
  digest: string;
  question: string;
  answer: string | null;
  decision: ApprovalDecision;
  /** Whether the approved action then ran (false: the page changed meanwhile; null: not approved). */
  executed: boolean | null;
  asked_at: string;
  answered_at: string | null;
}

export interface ApprovalsResponse {
  approvals: ApprovalResponse[];
}
