import type { Observation } from '../browser/port.ts';
import type { ToolCall } from '../llm/port.ts';
import { SECRET_MASK, SecretRedactor } from '../safety/index.ts';
import type { AgentHost } from './agent-host.ts';

/**
 * Keeps what a task types into sensitive fields (passwords, one-time codes, card numbers: see
 * `ObservedElement.sensitive`) out of everything the task records: messages, and through them
 * SSE events, webhooks and the message log. The loop is the one place that sees both the
 * observation (which field an index is) and the model's actions (what goes into it), before any
 * of them is recorded.
 *
 * An index once seen sensitive stays so for the task: indices are never reused within a session,
 * and a page's "show password" toggle, which turns the field into plain text, must not unmask
 * what is typed into it next.
 */
export class TypedSecrets {
  readonly #sensitive = new Set<number>();
  readonly #redactor = new SecretRedactor();

  /** `known`: the session's secrets, masked from the start (the browser typed them; a page may echo them). */
  constructor(known: readonly string[] = []) {
    for (const value of known) this.#redactor.add(value);
  }

  /** Learns which indices are sensitive fields; call with every observation, before it is cut to fit. */
  observe(observation: Observation): void {
    for (const element of observation.elements) if (element.sensitive === true) this.#sensitive.add(element.index);
  }

  /**
   * Learns the secrets these actions are about to type. Call as soon as the model has decided,
   * before its thought or output is recorded: a careless model repeats the password there.
   */
  screen(actions: readonly ToolCall[]): void {
    for (const action of actions) {
      const text = this.#secretText(action);
      if (text !== undefined) this.#redactor.add(text);
    }
  }

  /** The action as it may be recorded or shown to the model again: text typed into a sensitive field masked. */
  mask(action: ToolCall): ToolCall {
    if (this.#secretText(action) === undefined) return this.#redactor.redact(action);
    return { ...action, args: { ...this.#redactor.redact(action.args), text: SECRET_MASK } };
  }

  /** `value` with every secret learnt so far replaced by the mask. */
  redact<T>(value: T): T {
    return this.#redactor.redact(value);
  }

  /**
   * An error leaving the task carries no secret either (its message becomes an ERROR message,
   * its stack a log line).
   */
  redactError(error: unknown): void {
    if (!(error instanceof Error) || this.#redactor.size === 0) return;
    error.message = this.#redactor.redact(error.message);
    if (error.stack !== undefined) error.stack = this.#redactor.redact(error.stack);
  }

  /** The host, with everything recorded and asked through it redacted first. */
  guard(host: AgentHost): AgentHost {
    return {
      record: (entry) => host.record(this.redact(entry)),
      takeUpdates: () => host.takeUpdates(),
      ask: (question, choices, signal) => host.ask(this.redact(question), choices === undefined ? undefined : this.redact(choices), signal),
      checkpoint: (signal) => host.checkpoint(signal),
      approve: (request, signal) => host.approve(this.redact(request), signal),
    };
  }

  #secretText(action: ToolCall): string | undefined {
    if (action.tool !== 'type') return undefined;
    const { index, text } = action.args;
    return typeof index === 'number' && typeof text === 'string' && this.#sensitive.has(index) ? text : undefined;
  }
}
