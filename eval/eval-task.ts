import type { FixtureState } from '../fixtures/fixture-state.ts';

export const SUITE_NAMES = ['research', 'forms', 'shopping', 'booking', 'webmail', 'widgets'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** The DONE message's content: text, or the JSON object the agent returned. */
export type DoneContent = string | Record<string, unknown>;

export interface CheckResult {
  success: boolean;
  detail: string;
}

/**
 * One eval task: a plain-language instruction, where the browser starts, and a programmatic check
 * on the fixture server's recorded state (fresh for every task) and/or the DONE result.
 */
export interface EvalTask {
  id: string;
  suite: SuiteName;
  task: string;
  /** Path on the fixture server, e.g. "/shop/". */
  startPath: string;
  /** Reply to the agent's first question, if the task allows one; otherwise a question fails it. */
  answer?: string;
  /** `done` is undefined when the task ended without a DONE message. */
  check(state: FixtureState, done: DoneContent | undefined): CheckResult;
}

export function pass(detail = 'ok'): CheckResult {
  return { success: true, detail };
}

export function fail(detail: string): CheckResult {
  return { success: false, detail };
}

/** The DONE content as one lower-case string with spaces collapsed, for answer checks. */
export function answerText(done: DoneContent | undefined): string {
  if (done === undefined) return '';
  const text = typeof done === 'string' ? done : JSON.stringify(done);
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** Passes when the answer contains every pattern (strings match case-insensitively). */
export function answerContains(done: DoneContent | undefined, ...patterns: (string | RegExp)[]): CheckResult {
  const text = answerText(done);
  if (done === undefined) return fail('no DONE result');
  const missing = patterns.filter((p) => (typeof p === 'string' ? !text.includes(p.toLowerCase()) : !p.test(text)));
  return missing.length === 0 ? pass(`answer: ${text.slice(0, 120)}`) : fail(`answer ${JSON.stringify(text.slice(0, 200))} lacks ${missing.map(String).join(', ')}`);
}

/** Runs named assertions in order and reports the first that fails. */
export function expectAll(checks: [string, boolean][]): CheckResult {
  const failed = checks.find(([, ok]) => !ok);
  return failed ? fail(failed[0]) : pass(checks.map(([name]) => name).join('; '));
}

export function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}
