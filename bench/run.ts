// `npm run bench [-- api|browser|cluster|all|create|messages|sse|patterns|bus ...]`: starts Steward as users do (for
// the API suites) or the browser layer or the pattern engine in this process, runs the chosen suites, prints one
// JSON object on stdout (progress goes to stderr).
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Steward } from '@steward/client';
import { startFixtureServer } from '../fixtures/server.ts';
import { BenchError } from './bench-error.ts';
import { startSteward, type StewardProcess } from './steward-process.ts';
import { runBrowserSuite, type BrowserSuiteResult } from './suites/browser-runtime.ts';
import { runBusSuite } from './suites/bus-latency.ts';
import { runClusterSuite } from './suites/cluster-suite.ts';
import { runCreateSuite } from './suites/create-latency.ts';
import { runMessagesSuite } from './suites/messages-throughput.ts';
import { runPatternCostSuite, type PatternCostResult } from './suites/pattern-cost.ts';
import { runSseSuite } from './suites/sse-latency.ts';
import { WireClient } from './wire-client.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(BENCH_DIR, '..');
const POLICY = resolve(BENCH_DIR, 'policies/emit-policy.mjs');
const CLUSTER_POLICY = resolve(BENCH_DIR, 'policies/cluster-policy.mjs');
const WARM_CONTEXTS = 2;

const SUITES = ['create', 'messages', 'sse', 'browser', 'patterns', 'bus', 'cluster'] as const;
type Suite = (typeof SUITES)[number];
/** Suites that run against a Steward child process. */
const API_SUITES: readonly Suite[] = ['create', 'messages', 'sse'];
/** Names that stand for several suites. */
const GROUPS: Record<string, readonly Suite[]> = { api: API_SUITES, all: SUITES, cluster: ['bus', 'cluster'] };

const TARGETS = {
  create_sequential_p50_ms: 25,
  messages_req_per_s: 3_000,
  sse_p99_ms: 10,
  browser_warm_create_p50_ms: 20,
  browser_observe_p50_ms: 50,
  browser_act_without_navigation_p50_ms: 60,
  browser_observation_median_tokens: 1_500,
  browser_idle_sessions: 100,
  patterns_worst_test_ms: 10,
};

function selectSuites(args: string[]): Suite[] {
  const names = args.length === 0 ? ['api'] : args;
  const chosen = new Set<Suite>();
  for (const name of names) {
    const group = GROUPS[name];
    if (group) group.forEach((s) => chosen.add(s));
    else if ((SUITES as readonly string[]).includes(name)) chosen.add(name as Suite);
    else throw new BenchError(`Unknown suite '${name}'. Choose from: api (${API_SUITES.join(', ')}), cluster (bus, cluster), all, ${SUITES.join(', ')}.`);
  }
  return SUITES.filter((s) => chosen.has(s));
}

async function main(args: string[]): Promise<void> {
  const suites = selectSuites(args);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new BenchError('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const { signal } = abort;

  const result: Record<string, unknown> = {
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` },
  };
  let steward: StewardProcess | undefined;
  let clients: ApiClients | undefined;
  if (suites.some((s) => API_SUITES.includes(s))) {
    process.stderr.write(`starting steward (warm contexts ${WARM_CONTEXTS}) ...\n`);
    steward = await startSteward({ repoRoot: REPO_ROOT, policyPath: POLICY, warmContexts: WARM_CONTEXTS, maxSessions: 400, startTimeoutMs: 60_000, signal });
    clients = { api: new Steward({ apiKey: steward.apiKey, baseUrl: steward.baseUrl, maxRetries: 0 }), wire: new WireClient(steward.baseUrl, steward.apiKey) };
    result['server'] = { startup_ms: Math.round(steward.startupMs), warm_contexts: WARM_CONTEXTS, log_level: 'warn' };
  }
  // Other work on the machine skews every figure; the 1-minute load average says how much there was.
  const conditions: Record<string, unknown> = {};
  result['load_average'] = conditions;
  try {
    for (const suite of suites) {
      const started = performance.now();
      const loadBefore = loadavg()[0] ?? NaN;
      switch (suite) {
        case 'create':
          result['create'] = await runCreateSuite(needClients(clients).api, WARM_CONTEXTS, { warmup: 3, sequential: 25, gapMs: 1_000, sustained: 20, sustainedGapMs: 250, burst: 10, signal });
          break;
        case 'messages':
          result['messages'] = await runMessagesSuite(needClients(clients).api, needClients(clients).wire, { seedSteps: 9, concurrency: 32, warmupMs: 1_000, durationMs: 5_000, baseline: true, serverCpuSeconds: needSteward(steward).cpuSeconds, signal });
          break;
        case 'sse':
          result['sse'] = await runSseSuite(needClients(clients).api, needClients(clients).wire, { subscribers: 200, events: 100, intervalMs: 20, serverCpuSeconds: needSteward(steward).cpuSeconds, signal });
          break;
        case 'patterns':
          result['patterns'] = runPatternCostSuite();
          break;
        case 'bus':
          result['bus'] = await runBusSuite({ events: 500, intervalMs: 2, subscribers: 20, hits: 2_000, signal });
          break;
        case 'cluster':
          result['cluster'] = await runClusterSuite({
            repoRoot: REPO_ROOT,
            policyPath: CLUSTER_POLICY,
            leaseTtlS: 3,
            warmContexts: WARM_CONTEXTS,
            tasks: { count: 40, concurrency: 20, steps: 3, pollMs: 200 },
            adoption: { sessions: 8, pollMs: 100 },
            sse: { subscribers: 20, events: 30, intervalMs: 20 },
            polling: { seedSteps: 9, concurrency: 32, warmupMs: 1_000, durationMs: 5_000 },
            signal,
          });
          break;
        case 'browser': {
          const fixtures = await startFixtureServer();
          try {
            result['browser'] = await runBrowserSuite({
              fixtures,
              warmContexts: WARM_CONTEXTS,
              warmCreates: 15,
              warmGapMs: 1_000,
              coldCreates: 15,
              coldGapMs: 300,
              memorySessions: 20,
              capacitySessions: 100,
              capacityConcurrency: 4,
              observes: 10,
              acts: 10,
              egressCreates: 10,
              signal,
            });
          } finally {
            await fixtures.close();
          }
          break;
        }
      }
      conditions[suite] = { load_1m_before: round2(loadBefore), load_1m_after: round2(loadavg()[0] ?? NaN), wall_s: round2((performance.now() - started) / 1000) };
      process.stderr.write(`${suite}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    clients?.wire.close();
    if (steward !== undefined) {
      process.stderr.write('stopping steward ...\n');
      await steward.stop();
    }
  }
  result['targets'] = evaluateTargets(result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** The SDK for sessions and tasks; the wire client for the instruments (load loop, SSE timing). */
interface ApiClients {
  api: Steward;
  wire: WireClient;
}

function needClients(clients: ApiClients | undefined): ApiClients {
  if (clients === undefined) throw new BenchError('the API suites need a running Steward');
  return clients;
}

function needSteward(steward: StewardProcess | undefined): StewardProcess {
  if (steward === undefined) throw new BenchError('the API suites need a running Steward');
  return steward;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function evaluateTargets(result: Record<string, unknown>): Record<string, unknown> {
  const create = result['create'] as { sequential: { p50: number } } | undefined;
  const messages = result['messages'] as { req_per_s: number } | undefined;
  const sse = result['sse'] as { latency_ms: { p99: number } } | undefined;
  const targets: Record<string, unknown> = {};
  if (create) targets['create_sequential_p50_ms'] = { target: `<= ${TARGETS.create_sequential_p50_ms}`, got: create.sequential.p50, met: create.sequential.p50 <= TARGETS.create_sequential_p50_ms };
  if (messages) targets['messages_req_per_s'] = { target: `>= ${TARGETS.messages_req_per_s}`, got: messages.req_per_s, met: messages.req_per_s >= TARGETS.messages_req_per_s };
  if (sse) targets['sse_p99_ms'] = { target: `<= ${TARGETS.sse_p99_ms}`, got: sse.latency_ms.p99, met: sse.latency_ms.p99 <= TARGETS.sse_p99_ms };
  const browser = result['browser'] as BrowserSuiteResult | undefined;
  if (browser) Object.assign(targets, browserTargets(browser));
  const patterns = result['patterns'] as PatternCostResult | undefined;
  if (patterns) targets['patterns_worst_test_ms'] = { target: `<= ${TARGETS.patterns_worst_test_ms}`, got: patterns.worst_test_ms, pattern: patterns.worst_pattern, met: patterns.worst_test_ms <= TARGETS.patterns_worst_test_ms };
  return targets;
}

function browserTargets(browser: BrowserSuiteResult): Record<string, unknown> {
  const sites = Object.entries(browser.fixtures);
  const slowest = sites.reduce<[string, number]>((worst, [site, f]) => (f.observe_ms.p50 > worst[1] ? [site, f.observe_ms.p50] : worst), ['', -Infinity]);
  // Over every page observed on every fixture (each fixture's own median is in browser.fixtures).
  const sizes = sites.flatMap(([, f]) => Object.values(f.tokens.pages)).sort((a, b) => a - b);
  const mid = Math.floor(sizes.length / 2);
  const medianTokens = sizes.length % 2 === 1 ? (sizes[mid] ?? NaN) : ((sizes[mid - 1] ?? NaN) + (sizes[mid] ?? NaN)) / 2;
  const largestMedian = sites.reduce<[string, number]>((worst, [site, f]) => (f.tokens.median > worst[1] ? [site, f.tokens.median] : worst), ['', -Infinity]);
  const idle = browser.idle_sessions;
  const idleMet = idle.ok === TARGETS.browser_idle_sessions && idle.failures === 0 && idle.alive_after_open === TARGETS.browser_idle_sessions;
  return {
    browser_warm_create_p50_ms: { target: `<= ${TARGETS.browser_warm_create_p50_ms}`, got: browser.create_warm.p50, met: browser.create_warm.p50 <= TARGETS.browser_warm_create_p50_ms },
    browser_observe_p50_ms: { target: `<= ${TARGETS.browser_observe_p50_ms} on every fixture`, got: slowest[1], slowest_fixture: slowest[0], met: slowest[1] <= TARGETS.browser_observe_p50_ms },
    browser_act_without_navigation_p50_ms: {
      target: `<= ${TARGETS.browser_act_without_navigation_p50_ms} on every site whose action starts no navigation`,
      got: browser.act_without_navigation.p50_max,
      met: browser.act_without_navigation.p50_max <= TARGETS.browser_act_without_navigation_p50_ms,
    },
    browser_observation_median_tokens: {
      target: `<= ${TARGETS.browser_observation_median_tokens}`,
      got: medianTokens,
      pages: sizes.length,
      largest_fixture_median: { fixture: largestMedian[0], tokens: largestMedian[1] },
      met: medianTokens <= TARGETS.browser_observation_median_tokens,
    },
    browser_idle_sessions: { target: `${TARGETS.browser_idle_sessions} open at once, no failure`, got: idle.ok, failures: idle.failures, alive: idle.alive_after_open, met: idleMet },
  };
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const detail = error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench failed: ${detail}\n`);
    process.exit(1);
  },
);
