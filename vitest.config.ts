import { defineConfig } from 'vitest/config';

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
