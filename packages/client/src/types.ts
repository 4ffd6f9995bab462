import type {
  AgentName,
  ApprovalResponse,
  BillingAddress,
  CreatePaymentTokenRequest,
  CreateSessionRequest,
  MessagesResponse,
  NavigateResponse,
  PaymentCard,
  PaymentTokenResponse,
  ReplayResponse,
  ReplayStepResponse,
  SendMessageRequest,
  SessionFileResponse,
  SessionResponse,
  StepDesktopResponse,
} from '@steward/protocol';
import type { Camelized } from './core/casing.ts';

// SDK shapes, derived from the wire types of @steward/protocol (never re-declared): the same
// fields, top-level keys in camelCase.

export type Session = Camelized<SessionResponse>;
export type Messages = Camelized<MessagesResponse>;
export type NavigateResult = Camelized<NavigateResponse>;
export type SessionFile = Camelized<SessionFileResponse>;
/** One step of a session's replay: `{ step, taskId, taskStep, url, title, takenAt, bytes }`. */
export type ReplayStep = Camelized<ReplayStepResponse>;
/** A session's replay: `{ steps, maxSteps, maxBytes }`, its steps oldest first, and the caps per session. */
export type SessionReplay = Omit<Camelized<ReplayResponse>, 'steps'> & { steps: ReplayStep[] };
export type PaymentToken = Camelized<PaymentTokenResponse>;
export type Approval = Camelized<ApprovalResponse>;
/** A desktop step's answer: `{ actions, thinking?, finished, askUser?, step }`. */
export type StepResult = Camelized<StepDesktopResponse>;

/** Options of `sessions.create` (all optional): the body of POST /v1/sessions but `agent_name`, in camelCase. */
export type CreateSessionOptions = Partial<Camelized<Omit<CreateSessionRequest, 'agent_name'>>>;
export type { AgentName };

/** Options of `sessions.sendMessage`: `startUrl`, `configUpdates`, `context`. */
export type SendMessageOptions = Partial<Camelized<Omit<SendMessageRequest, 'message'>>>;

/** `paymentTokens.create`: the body of POST /v1/payment_tokens in camelCase, the card and address included. */
export type CreatePaymentTokenParams = Partial<Camelized<Omit<CreatePaymentTokenRequest, 'card' | 'billing_address'>>> & {
  card: Camelized<PaymentCard>;
  billingAddress?: Camelized<BillingAddress>;
};
