/**
 * Secrets the browser fills into pages without anything above it seeing them. An action names a
 * secret by reference (`SecretRef`); only the browser adapter resolves it, through the vault the
 * session handed it (`AcquireOptions.vault`), and it keeps the value out of every observation,
 * result and screenshot it produces.
 */

/** The parts of a payment card a form may ask for. */
export const PAYMENT_FIELDS = ['number', 'exp', 'exp_month', 'exp_year', 'cvc', 'name', 'postal_code'] as const;
export type PaymentField = (typeof PAYMENT_FIELDS)[number];

/** A part of a payment token's card (`fill_secret`). */
export interface PaymentSecretRef {
  vault: 'payment_token';
  /** The token's id (`ptok_…`): not a secret itself. */
  id: string;
  field: PaymentField;
}

/** One of the session's secrets, as a task writes it: `{{secret:NAME}}` in the text of `type`. */
export interface NamedSecretRef {
  vault: 'session_secret';
  name: string;
}

export type SecretRef = PaymentSecretRef | NamedSecretRef;

/** `{{secret:NAME}}`: how a task and the agent name a session secret. */
export const SECRET_PLACEHOLDER = /\{\{secret:([A-Za-z][A-Za-z0-9_]{0,63})\}\}/g;

/** Whether a text names a session secret (the adapter then resolves it before typing). */
export function namesSecrets(text: string): boolean {
  return /\{\{secret:[A-Za-z][A-Za-z0-9_]{0,63}\}\}/.test(text);
}

export function placeholderOf(name: string): string {
  return `{{secret:${name}}}`;
}

export interface ResolvedSecret {
  /** Ways to write the value, preferred first (`12/31`, `1231`); the adapter takes the first the field accepts. */
  candidates: string[];
  /** What an observation shows as the field's value instead of it (`•••• 4242`); absent: the value may show. */
  display?: string | undefined;
  /** Strings no text from the page may show while the fill lasts (the card number, with and without its spaces). */
  redact?: string[] | undefined;
}

export type VaultAnswer = { ok: true; secret: ResolvedSecret } | { ok: false; reason: string };

export interface SecretVault {
  /**
   * The value of `ref`, for a field of the document at `url` (the field's own frame, which may be
   * another origin than the tab's). Refuses (with a reason a model may read, never a value) when
   * this session may not fill it there now.
   */
  resolve(ref: SecretRef, where: { url: string }): Promise<VaultAnswer>;
}
