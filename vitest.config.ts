import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (a minute or more each on the 2-core CI machine), longest first. A
 * clean clone has no timing cache, so without this the order is by file size and the 2.5-minute
 * oracle eval ran last, alone, for the run's final minutes. Started first, it overlaps the rest.
 */
const SLOWEST_FIRST = [
  'eval/oracle.test.ts',
  'packages/server/test/e2e/injection.test.ts',
  'packages/server/test/browser/browser-isolation.test.ts',
  'packages/server/test/e2e/restart-and-cli.test.ts',
  'packages/cli/test/sessions.test.ts',
  'packages/server/test/e2e/api-fuzz.test.ts',
  'packages/server/test/e2e/payments-and-approvals.test.ts',
  'packages/server/test/e2e/browser-crash.test.ts',
  'packages/protocol/test/build.test.ts',
];

class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const at = SLOWEST_FIRST.findIndex((path) => file.moduleId.endsWith(path));
      return at === -1 ? SLOWEST_FIRST.length : at;
    };
    // Array.prototype.sort is stable: the rest keep the base sequencer's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// One runner for every package. Browser and end-to-end tests share a 2-core machine with
// Chromium, so files run in a small pool and timeouts are generous (they bound hangs, they
// are not performance assertions).
// CI asks for a machine-readable report beside the console output (see .ci/run).
const report = process.env['STEWARD_TEST_REPORT'];

export default defineConfig({
  test: {
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    include: ['packages/*/test/**/*.test.ts', 'fixtures/**/*.test.ts', 'eval/**/*.test.ts', 'examples/**/*.test.ts'],
    pool: 'forks',
    sequence: { sequencer: SlowestFirstSequencer },
    maxWorkers: 2,
    // Files in one worker share its module cache: every file imports much the same graph
    // (fastify, playwright-core, the AI SDK), and loading it again per file cost more than a
    // minute of a CI run. Tests own their state (servers, data dirs, env) and restore it.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
