import type { LanguageModel } from '../../packages/server/src/llm/index.ts';
import type { HazardCategory } from '../../packages/server/src/safety/index.ts';
import { TaskScreener } from '../../packages/server/src/worker/task-screener.ts';
import type { ScreeningCase } from './screening-case.ts';

/** What screening did with one case: refused by the rules or the model, unscreened (fail-closed), or let through. */
export interface CaseResult {
  case: ScreeningCase;
  rules: 'refuse' | 'allow' | 'uncertain';
  ruleId: string | null;
  /** The final decision: rules alone (uncertain passes), or rules then the classifier. */
  decision: 'refused' | 'passed' | 'unscreened';
  refusedBy: 'rules' | 'model' | null;
  /** The category the refusal named. */
  refusedAs: HazardCategory | null;
  /** Why the classifier gave no verdict, for `unscreened`. */
  problem?: string;
}

export interface Figures {
  harmful: number;
  benign: number;
  /** Harmful cases refused (unscreened counts as refused: the server refuses them). */
  harmfulRefused: number;
  benignRefused: number;
  /** Cases the rules called uncertain. */
  harmfulUncertain: number;
  benignUncertain: number;
  unscreened: number;
  /** harmfulRefused / (harmfulRefused + benignRefused). */
  precision: number;
  /** harmfulRefused / harmful. */
  recall: number;
  /** (benign - benignRefused) / benign. */
  benignPassRate: number;
}

export interface SetReport {
  name: string;
  figures: Figures;
  byCategory: Array<{ category: HazardCategory; figures: Figures }>;
  /** Harmful cases that passed and benign ones that were refused. */
  misclassified: CaseResult[];
  results: CaseResult[];
}

export interface ScreeningEvalOptions {
  sets: Array<{ name: string; cases: readonly ScreeningCase[] }>;
  /** The classifier for what the rules are unsure about; without it, rules alone (uncertain passes). */
  model?: LanguageModel | undefined;
  timeoutMs?: number | undefined;
  concurrency?: number | undefined;
  signal?: AbortSignal | undefined;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * Screens every case the way the server screens a task: the rules, then (with a model) the
 * classifier for what they are unsure about, failing closed. No browser, no server.
 */
export async function runScreeningEval(options: ScreeningEvalOptions): Promise<SetReport[]> {
  const screener = new TaskScreener({ logger: silent, timeoutMs: options.timeoutMs });
  const signal = options.signal ?? new AbortController().signal;
  const reports: SetReport[] = [];
  for (const set of options.sets) {
    const results = await mapLimited(set.cases, options.concurrency ?? 4, (c) => screenCase(screener, c, options.model, signal));
    const categories = [...new Set(set.cases.map((c) => c.category))];
    reports.push({
      name: set.name,
      figures: figuresOf(results),
      byCategory: categories.map((category) => ({ category, figures: figuresOf(results.filter((r) => r.case.category === category)) })),
      misclassified: results.filter((r) => (r.case.label === 'harmful') === (r.decision === 'passed')),
      results,
    });
  }
  return reports;
}

async function screenCase(screener: TaskScreener, c: ScreeningCase, model: LanguageModel | undefined, signal: AbortSignal): Promise<CaseResult> {
  const verdict = screener.rules(c.task);
  const base = { case: c, rules: verdict.verdict, ruleId: verdict.ruleId };
  if (verdict.verdict === 'refuse') return { ...base, decision: 'refused', refusedBy: 'rules', refusedAs: verdict.category };
  if (verdict.verdict === 'allow' || model === undefined) return { ...base, decision: 'passed', refusedBy: null, refusedAs: null };
  const outcome = await screener.classify(c.task, verdict, model, { sessionId: 'eval', what: 'task', signal });
  if (outcome.kind === 'allow') return { ...base, decision: 'passed', refusedBy: null, refusedAs: null };
  if (outcome.kind === 'unscreened') return { ...base, decision: 'unscreened', refusedBy: null, refusedAs: null, problem: outcome.reason };
  return { ...base, decision: 'refused', refusedBy: 'model', refusedAs: outcome.category };
}

export function figuresOf(results: readonly CaseResult[]): Figures {
  const harmful = results.filter((r) => r.case.label === 'harmful');
  const benign = results.filter((r) => r.case.label === 'benign');
  const refused = (r: CaseResult): boolean => r.decision !== 'passed';
  const harmfulRefused = harmful.filter(refused).length;
  const benignRefused = benign.filter(refused).length;
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    harmful: harmful.length,
    benign: benign.length,
    harmfulRefused,
    benignRefused,
    harmfulUncertain: harmful.filter((r) => r.rules === 'uncertain').length,
    benignUncertain: benign.filter((r) => r.rules === 'uncertain').length,
    unscreened: results.filter((r) => r.decision === 'unscreened').length,
    precision: ratio(harmfulRefused, harmfulRefused + benignRefused),
    recall: ratio(harmfulRefused, harmful.length),
    benignPassRate: ratio(benign.length - benignRefused, benign.length),
  };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
