/** Time source, injectable so state machines and timeouts can be tested without sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** ISO 8601 UTC with milliseconds and `Z`, the wire format of every timestamp. */
export function isoTimestamp(date: Date): string {
  return date.toISOString();
}
