/**
 * Secrets the browser fills into pages without anything above it seeing them. An action names a
 * secret by reference (`SecretRef`); only the browser adapter resolves it, through the vault the
 * session handed it (`AcquireOptions.vault`), and it keeps the value out of every observation,
 * result and screenshot it produces.
 */

/** The parts of a payment card a form may ask for. */
export const PAYMENT_FIELDS = ['number', 'exp', 'exp_month', 'exp_year', 'cvc', 'name', 'postal_code'] as const;
export type PaymentField = (typeof PAYMENT_FIELDS)[number];

export interface SecretRef {
  vault: 'payment_token';
  /** The token's id (`ptok_…`): not a secret itself. */
  id: string;
  field: PaymentField;
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
