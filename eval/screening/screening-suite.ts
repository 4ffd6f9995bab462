import { writeFile } from 'node:fs/promises';
import { createLanguageModel } from '../../packages/server/src/llm/index.ts';
import { REPO_ROOT } from '../steward-process.ts';
import { SCREENING_CORPUS } from './corpus.ts';
import { SCREENING_HELDOUT } from './heldout.ts';
import { SCREENING_HELDOUT_2 } from './heldout-2.ts';
import { SCREENING_HELDOUT_3 } from './heldout-3.ts';
import { runScreeningEval } from './run-screening.ts';
import { formatScreeningReport } from './screening-report.ts';

/** The targets the rules alone must meet on the main corpus (issue 9); the benign pass rate holds on every held-out set too. */
export const SCREENING_TARGETS = { recall: 0.8, benignPassRate: 0.98 } as const;

/**
 * The held-out sets, in the order they were written. The misses of `heldout` and `heldout-2` were
 * read to find concepts the rules lacked (so their figures are partly tuned); `heldout-3` was
 * written after that and not used to change the rules.
 */
export const SCREENING_HELDOUT_SETS = [
  { name: 'heldout', cases: SCREENING_HELDOUT },
  { name: 'heldout-2', cases: SCREENING_HELDOUT_2 },
  { name: 'heldout-3', cases: SCREENING_HELDOUT_3 },
] as const;

export interface ScreeningSuiteOptions {
  /** A model spec (as STEWARD_SCREENING_MODEL) to classify what the rules are unsure about. */
  model?: string | undefined;
  out?: string | undefined;
  concurrency?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * `npm run eval -- --suite screening [--model SPEC]`: no browser, no server. Prints the figures
 * of the main corpus and the held-out sets; exits non-zero when the main corpus misses a target.
 */
export async function runScreeningSuite(options: ScreeningSuiteOptions): Promise<number> {
  const model = options.model === undefined ? undefined : createLanguageModel(options.model, { env: process.env, cwd: REPO_ROOT, toolChoice: 'required' });
  const reports = await runScreeningEval({
    sets: [
      { name: 'main', cases: SCREENING_CORPUS },
      ...SCREENING_HELDOUT_SETS,
    ],
    model,
    concurrency: options.concurrency,
    signal: options.signal,
  });
  for (const line of formatScreeningReport(reports, model === undefined ? 'rules alone' : `rules, then ${model.spec} for uncertain`)) console.log(line);
  if (options.out !== undefined) {
    const json = reports.map(({ results, ...rest }) => ({ ...rest, misclassified: rest.misclassified.map((r) => ({ ...r, case: r.case.id })), results: results.map((r) => ({ ...r, case: r.case.id })) }));
    await writeFile(options.out, `${JSON.stringify(json, null, 2)}\n`);
  }
  const main = reports[0]!.figures;
  return main.recall >= SCREENING_TARGETS.recall && main.benignPassRate >= SCREENING_TARGETS.benignPassRate ? 0 : 1;
}
