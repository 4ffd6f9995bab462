import { writeFile } from 'node:fs/promises';
import { createLanguageModel } from '../../packages/server/src/llm/index.ts';
import { REPO_ROOT } from '../steward-process.ts';
import { SCREENING_CORPUS } from './corpus.ts';
import { SCREENING_HELDOUT } from './heldout.ts';
import { runScreeningEval } from './run-screening.ts';
import { formatScreeningReport } from './screening-report.ts';

/** The targets the rules alone must meet on the main corpus (issue 9). */
export const SCREENING_TARGETS = { recall: 0.8, benignPassRate: 0.98 } as const;

export interface ScreeningSuiteOptions {
  /** A model spec (as STEWARD_SCREENING_MODEL) to classify what the rules are unsure about. */
  model?: string | undefined;
  out?: string | undefined;
  concurrency?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * `npm run eval -- --suite screening [--model SPEC]`: no browser, no server. Prints the figures
 * of the main corpus and the held-out set; exits non-zero when the main corpus misses a target.
 */
export async function runScreeningSuite(options: ScreeningSuiteOptions): Promise<number> {
  const model = options.model === undefined ? undefined : createLanguageModel(options.model, { env: process.env, cwd: REPO_ROOT, toolChoice: 'required' });
  const reports = await runScreeningEval({
    sets: [
      { name: 'main', cases: SCREENING_CORPUS },
      { name: 'heldout', cases: SCREENING_HELDOUT },
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
