import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SUITE_NAMES, type SuiteName } from './eval-task.ts';
import { runEval, type TaskResult } from './run-eval.ts';
import { ORACLE_MODEL } from './oracle-model.ts';
import { tasksOf } from './tasks.ts';
import { runScreeningSuite } from './screening/screening-suite.ts';

/** npm run eval -- [--suite NAME] (--model SPEC | --oracle) [--out FILE] [--url URL --key KEY] */
const USAGE =
  'usage: npm run eval -- [--suite research|forms|shopping|booking|webmail|widgets] (--model SPEC | --oracle) [--out FILE] [--url URL --key KEY] [--task ID]... [--concurrency N] [--max-steps N] [--trace]\n' +
  '       npm run eval -- --suite screening [--model SPEC] [--out FILE] [--concurrency N]   (intent screening; no browser, no server)';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string' },
      task: { type: 'string', multiple: true },
      model: { type: 'string' },
      oracle: { type: 'boolean', default: false },
      out: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      concurrency: { type: 'string' },
      'max-steps': { type: 'string' },
      trace: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.suite === 'screening') {
    return runScreeningSuite({ model: values.model, out: values.out, concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency) });
  }
  const suite = values.suite as SuiteName | undefined;
  if (suite !== undefined && !SUITE_NAMES.includes(suite)) throw new Error(`unknown suite '${suite}'; one of ${SUITE_NAMES.join(', ')}`);
  const usesServer = values.url !== undefined || values.key !== undefined;
  if (usesServer && (values.url === undefined || values.key === undefined)) throw new Error('--url and --key go together');
  if (!usesServer && values.oracle === (values.model !== undefined)) throw new Error(`give exactly one of --model or --oracle\n${USAGE}`);
  const model = values.oracle ? ORACLE_MODEL : values.model;
  const tasks = tasksOf(suite).filter((t) => values.task === undefined || values.task.includes(t.id));
  if (tasks.length === 0) throw new Error('no task matches');

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  const report = await runEval({
    tasks,
    model,
    server: usesServer ? { url: values.url!, key: values.key! } : undefined,
    concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency),
    maxSteps: values['max-steps'] === undefined ? undefined : Number(values['max-steps']),
    taskTimeoutMs: values.oracle ? 120_000 : undefined,
    onResult: (r) => {
      console.log(formatLine(r));
      if (values.trace && !r.success) for (const line of r.trace) console.log(`    ${line}`);
    },
    signal: controller.signal,
  });
  console.log(`${report.passed} passed, ${report.failed} failed (${report.seconds} s)`);
  if (values.out !== undefined) await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  return report.failed === 0 ? 0 : 1;
}

function formatLine(r: TaskResult): string {
  const verdict = r.success ? 'PASS' : 'FAIL';
  const line = `${verdict} ${r.id.padEnd(30)} steps=${String(r.steps).padEnd(3)} tokens=${String(r.tokens).padEnd(6)} obs_tokens=${String(r.observationTokens).padEnd(6)} ${r.seconds}s`;
  return r.success ? line : `${line}  ${r.detail}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
