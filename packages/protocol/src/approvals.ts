import { z } from 'zod';
import { Timestamp } from './wire-time.ts';

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
export const ApprovalActionResponse = z.object({
  kind: z.enum(ACTION_CLASSES),
  tool: z.string(),
  /** The element acted on (role and accessible name), when the action has one. */
  element: z.object({ role: z.string(), name: z.string() }).nullable(),
  /** Origin and path of the page the action runs on. */
  site: z.string(),
  path: z.string(),
});
export type ApprovalActionResponse = z.infer<typeof ApprovalActionResponse>;

/** One approval record (`GET /v1/sessions/{id}/approvals`, oldest first). */
export const ApprovalResponse = z.object({
  id: z.string(),
  /** The QUESTION message that asked. */
  message_id: z.number().int(),
  action: ApprovalActionResponse,
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  payment_token: z.string().nullable(),
  /** SHA-256 (hex) of the canonical JSON of the action (docs/trust-and-safety.md#approvals). */
  digest: z.string(),
  question: z.string(),
  answer: z.string().nullable(),
  decision: z.enum(APPROVAL_DECISIONS),
  /** Whether the approved action then ran (false: the page changed meanwhile; null: not approved). */
  executed: z.boolean().nullable(),
  asked_at: Timestamp,
  answered_at: Timestamp.nullable(),
});
export type ApprovalResponse = z.infer<typeof ApprovalResponse>;

export const ApprovalsResponse = z.object({ approvals: z.array(ApprovalResponse) });
export type ApprovalsResponse = z.infer<typeof ApprovalsResponse>;
