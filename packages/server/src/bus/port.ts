/**
 * Fan-out of session events to live subscribers (SSE, webhooks). Publishing never blocks and
 * never throws because of a subscriber: a subscriber that cannot keep up is dropped (its
 * `onDrop` is called) instead of slowing the publisher or other subscribers.
 */
export interface EventBus<E> {
  publish(sessionId: string, event: E): void;
  subscribe(sessionId: string, subscriber: Subscriber<E>): Subscription;
  /** Number of live subscribers of a session (for tests and metrics). */
  subscriberCount(sessionId: string): number;
}

export interface Subscriber<E> {
  /** Called synchronously for each event; must not throw. */
  onEvent(event: E): void;
  /** Called once if the bus drops this subscriber (it threw, or could not keep up). */
  onDrop?(reason: unknown): void;
}

export interface Subscription {
  unsubscribe(): void;
  /**
   * Resolves once events published from now on reach the subscriber: at once in-process; when
   * the bus crosses processes (Redis), once its subscription took effect there.
   */
  readonly ready?: Promise<void> | undefined;
}
