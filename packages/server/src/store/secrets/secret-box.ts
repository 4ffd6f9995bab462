import { StoreError } from '../store-error.ts';

/**
 * Seals the values the store keeps that are secrets (credentials, browser state) so that the
 * database files alone reveal nothing: a copy, a backup, a stolen disk or freed pages. The store
 * adapter gets one from the composition root and calls it in its row mappers only.
 *
 * Contract: `open(seal(x)) === x`; `seal` of the same text twice gives different results (a
 * fresh nonce each time); `open` throws `SecretBoxError` for text that this key did not seal or
 * that was changed since, never returns something else.
 */
export interface SecretBox {
  /** Versioned text (`v1:…`), safe in a text column. */
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** Sealed text starts with its format version; anything else was stored before sealing (legacy plain text). */
export function isSealed(text: string): boolean {
  return /^v\d+:/.test(text);
}

/** Sealed text that does not open with this key: another key sealed it, or it was changed. */
export class SecretBoxError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}
