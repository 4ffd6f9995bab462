import { createHash } from 'node:crypto';
import type { Observation } from '../browser/port.ts';
import type { ToolCall } from '../llm/port.ts';
import { formatObservation } from './observation-format.ts';

/**
 * Tells a loop from honest repetition. The same action on a page that looks the same as the last
 * time it was taken is a loop; the same action that changed the page since is progress (paging a
 * calendar back eleven months, nudging a slider, "next" through a list). "Looks the same" is the
 * observation as the model reads it (URL, elements with their values, text, scroll position), so
 * what the guard judges is what the model could have noticed; on a desktop session's screen, the
 * screenshot itself.
 */
export class RepeatGuard {
  private readonly seen = new Map<string, number>();
  /** The step each key was last counted in: one decision that presses ArrowRight five times is a batch, not a loop. */
  private readonly countedIn = new Map<string, number>();

  /**
   * How many steps have now taken this action on this same page state (1 the first time); the
   * same action repeated within one step counts once.
   */
  note(observation: Observation, action: ToolCall, step: number): number {
    // A client's screen has no text to compare: its image's digest says whether it changed.
    const page = createHash('sha256').update(formatObservation(observation)).update(observation.screen?.digest ?? '').digest('base64url');
    const key = `${page}|${action.tool}|${JSON.stringify(action.args ?? {})}`;
    if (this.countedIn.get(key) === step) return this.seen.get(key) ?? 1;
    this.countedIn.set(key, step);
    const times = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, times);
    return times;
  }
}
