import { classifyIntent, IntentClassifierError } from '../agent/index.ts';
import type { LanguageModel } from '../llm/port.ts';
import { HAZARD_CATEGORY_INFO, screenIntent, type HazardCategory, type ScreeningVerdict } from '../safety/index.ts';
import type { Logger } from '../sessions/logger.ts';

/** What screening decided about a task, a follow-up message or a session goal. */
export type ScreeningOutcome =
  | { kind: 'allow' }
  | { kind: 'refuse'; screenedBy: 'rules' | 'model'; category: HazardCategory | null; reason: string; ruleId: string | null }
  /** The rules were unsure and the classifier gave no verdict: refused, fail-closed. */
  | { kind: 'unscreened'; reason: string; ruleId: string | null };

export interface ScreenContext {
  sessionId: string;
  /** What is screened, for the log. */
  what: 'task' | 'follow-up';
  signal: AbortSignal;
}

export interface TaskScreenerOptions {
  logger: Logger;
  /** Deadline of one classifier call. */
  timeoutMs?: number | undefined;
}

/**
 * Intent screening before the agent acts: the deterministic rules first, then, for what they
 * call uncertain, the model classifier (STEWARD_SCREENING_MODEL, or the task's own model).
 *
 * Fail-closed: when the classifier fails (error, timeout, no valid verdict) an uncertain task is
 * refused as unscreened, and the failure is logged. The rules saw a risk and nothing cleared it;
 * a task the rules allow never waits on a model. The log names the session, the category and the
 * rule, never the task's text.
 */
export class TaskScreener {
  constructor(private readonly options: TaskScreenerOptions) {}

  /** The rules alone: synchronous, no model. */
  rules(text: string): ScreeningVerdict {
    return screenIntent(text);
  }

  /** The classifier's decision on a text the rules called uncertain (no model: unscreened, refused). */
  async classify(text: string, verdict: ScreeningVerdict, model: LanguageModel | undefined, context: ScreenContext): Promise<ScreeningOutcome> {
    const { logger } = this.options;
    const flagged = verdict.recognised ?? 'a possible harm';
    if (model === undefined) return this.#unscreened(verdict, context, 'no model is configured to classify it');
    try {
      const result = await classifyIntent({ model, text, flagged, signal: context.signal, timeoutMs: this.options.timeoutMs });
      logger.info({ sessionId: context.sessionId, what: context.what, rule: verdict.ruleId, harmful: result.harmful, category: result.category, model: model.spec }, 'screening classifier decided');
      if (!result.harmful) return { kind: 'allow' };
      const label = result.category === null ? '' : ` (${HAZARD_CATEGORY_INFO[result.category].label})`;
      return { kind: 'refuse', screenedBy: 'model', category: result.category, reason: `Steward refused this task${label}: ${result.reason}`, ruleId: verdict.ruleId };
    } catch (error) {
      if (!(error instanceof IntentClassifierError)) throw error;
      return this.#unscreened(verdict, context, error.message);
    }
  }

  /**
   * The classifier's look at a text the rules allowed (STEWARD_SCREENING_SCOPE=all): harmful
   * wording the rules have not seen is the classifier's to catch. A failure lets the text through
   * (logged): the rules saw no risk, and an outage must not stop every task.
   */
  async review(text: string, model: LanguageModel | undefined, context: ScreenContext): Promise<ScreeningOutcome> {
    const { logger } = this.options;
    if (model === undefined) return { kind: 'allow' };
    try {
      const result = await classifyIntent({ model, text, flagged: 'no risk (they allowed it); judge it on its own', signal: context.signal, timeoutMs: this.options.timeoutMs });
      logger.info({ sessionId: context.sessionId, what: context.what, rule: null, harmful: result.harmful, category: result.category, model: model.spec }, 'screening classifier decided');
      if (!result.harmful) return { kind: 'allow' };
      const label = result.category === null ? '' : ` (${HAZARD_CATEGORY_INFO[result.category].label})`;
      return { kind: 'refuse', screenedBy: 'model', category: result.category, reason: `Steward refused this task${label}: ${result.reason}`, ruleId: null };
    } catch (error) {
      if (!(error instanceof IntentClassifierError)) throw error;
      logger.warn({ sessionId: context.sessionId, what: context.what, problem: error.message }, 'screening classifier gave no verdict on a task the rules allowed; letting it through');
      return { kind: 'allow' };
    }
  }

  /** The outcome of a refusal by the rules (logged). */
  refusal(verdict: ScreeningVerdict, context: ScreenContext): ScreeningOutcome {
    this.options.logger.info({ sessionId: context.sessionId, what: context.what, rule: verdict.ruleId, category: verdict.category }, 'screening rules refused');
    return { kind: 'refuse', screenedBy: 'rules', category: verdict.category, reason: verdict.reason, ruleId: verdict.ruleId };
  }

  #unscreened(verdict: ScreeningVerdict, context: ScreenContext, problem: string): ScreeningOutcome {
    this.options.logger.warn({ sessionId: context.sessionId, what: context.what, rule: verdict.ruleId, category: verdict.category, problem }, 'screening classifier gave no verdict; refusing (fail-closed)');
    return {
      kind: 'unscreened',
      reason: `Steward could not screen this task: it may involve ${verdict.recognised ?? 'a possible harm'}, and the screening model gave no verdict (${problem}). Nothing was done; send it again later, or say in the task what it is for.`,
      ruleId: verdict.ruleId,
    };
  }
}
