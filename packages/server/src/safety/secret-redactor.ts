/** What stands in for a secret wherever Steward shows or keeps text: fixed, so it tells nothing about the length. */
export const SECRET_MASK = '••••••';

/**
 * Shorter values are masked where they were typed, but not searched for in other text: masking
 * every "ab" of a log would hide more than it protects, and a value that short is guessed anyway.
 */
export const MIN_REDACTED_LENGTH = 4;

/**
 * The secrets one task has met (text the agent typed into a sensitive field), and the one function
 * that takes them out of anything before it is recorded. A model that typed a password may repeat
 * it in a thought, a question or its result; those copies go too.
 */
export class SecretRedactor {
  /** Longest first, so a secret that contains another is replaced whole. */
  #values: string[] = [];

  /** Remembers `value` for every later `redact`. */
  add(value: string): void {
    if (value.length < MIN_REDACTED_LENGTH || this.#values.includes(value)) return;
    this.#values.push(value);
    this.#values.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#values.length;
  }

  /** A copy of `value` with every known secret in its strings (keys included) replaced by the mask. */
  redact<T>(value: T): T {
    if (this.#values.length === 0) return value;
    return this.#walk(value) as T;
  }

  #walk(value: unknown): unknown {
    if (typeof value === 'string') return this.#text(value);
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.#text(key), this.#walk(item)]));
    }
    // Numbers, booleans, null, dates, buffers (screenshots): nothing a typed string hides in.
    return value;
  }

  #text(text: string): string {
    let out = text;
    for (const secret of this.#values) if (out.includes(secret)) out = out.split(secret).join(SECRET_MASK);
    return out;
  }
}
