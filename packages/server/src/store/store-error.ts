/** An infrastructure failure of the store (migration, driver); not-found is never one of these. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** `appendMessage` was called for a session that does not exist (or was deleted meanwhile). */
export class UnknownSessionError extends StoreError {
  readonly sessionId: string;

  constructor(sessionId: string) {
    super(`Cannot append a message: session ${sessionId} does not exist.`);
    this.name = 'UnknownSessionError';
    this.sessionId = sessionId;
  }
}
