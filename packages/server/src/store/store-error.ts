/** An infrastructure failure of the store (migration, driver); not-found is never one of these. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * The store cannot be opened as configured: a database URL that is not one, or a server that
 * cannot be reached or refuses the login. A start-up error; its message names the cause and never
 * holds a password.
 */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** A write for a session that does not exist (or was deleted meanwhile): `appendMessage` unless `attempted` says otherwise. */
export class UnknownSessionError extends StoreError {
  readonly sessionId: string;

  constructor(sessionId: string, attempted = 'append a message') {
    super(`Cannot ${attempted}: session ${sessionId} does not exist.`);
    this.name = 'UnknownSessionError';
    this.sessionId = sessionId;
  }
}
