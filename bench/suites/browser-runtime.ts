import { setTimeout as delay } from 'node:timers/promises';
import type { FixtureServer } from '../../fixtures/server.ts';
import { formatObservation } from '../../packages/server/src/agent/observation-format.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../packages/server/src/browser/playwright/index.ts';
import type { SessionBrowser } from '../../packages/server/src/browser/port.ts';
import { BenchError } from '../bench-error.ts';
import { chromiumCpuSeconds, nodeCpuSeconds } from '../chromium-cpu.ts';
import { chromiumMemory, chromiumPids, type ChromiumMemory } from '../chromium-memory.ts';
import { summarize, type LatencySummary } from '../stats.ts';

/**
 * The browser layer alone, in this process: no Steward, no HTTP, no egress firewall. Pools are
 * created without the `egress` option, so every figure is the browser's own cost.
 */
export interface BrowserSuiteOptions {
  fixtures: FixtureServer;
  /** Warm contexts of the pool measured for warm creates and observe/act (the server's default is 2). */
  warmContexts: number;
  warmCreates: number;
  warmGapMs: number;
  coldCreates: number;
  coldGapMs: number;
  memorySessions: number;
  capacitySessions: number;
  /** Sessions opened at the same time while filling the capacity phase. */
  capacityConcurrency: number;
  observes: number;
  acts: number;
  signal?: AbortSignal | undefined;
}

export interface BrowserSuiteResult {
  create_warm: CreateFigures & { warm_contexts: number; warm_hits: number; cold_starts: number };
  create_cold: CreateFigures & { warm_contexts: 0; cold_starts: number };
  memory: {
    idle_page: string;
    at_0_sessions: ChromiumMemory;
    at_n_sessions: ChromiumMemory & { sessions: number };
    pss_mb_per_idle_session: number;
  };
  idle_sessions: {
    target: number;
    ok: number;
    failures: number;
    errors: string[];
    alive_after_open: number;
    concurrency: number;
    open_wall_s: number;
    /** acquire + navigate to the idle page. */
    open_ms: LatencySummary;
    acquire_ms: LatencySummary;
    navigate_ms: LatencySummary;
    /** Median open time of each successive block of opens: does opening slow down as sessions pile up? */
    open_ms_p50_by_block: { block: number; sessions_open_before: number; p50: number }[];
    /** CPU used while opening, in cores (CPU seconds / wall seconds). */
    open_cpu_cores: { chromium: number; node: number };
    /** CPU the open, idle sessions used over a quiet window, in cores. */
    idle_cpu_cores: { chromium: number; node: number; window_s: number };
    memory: ChromiumMemory;
    pss_mb_per_session: number;
    close_wall_s: number;
  };
  fixtures: Record<string, FixtureFigures>;
  chromium_processes_left: number;
}

interface CreateFigures extends LatencySummary {
  gap_ms: number;
  latencies_ms: number[];
}

interface FixtureFigures {
  entry: string;
  navigate_ms: number;
  /** The first observe after navigating: it may wait (≤ 1 s) for the load event. */
  first_observe_ms: number;
  observe_ms: LatencySummary;
  act_ms: LatencySummary;
  act_failures: number;
  tokens: { median: number; max: number; pages: Record<string, number> };
  elements_max: number;
  truncated_pages: string[];
}

/** Entry page first: it is the one observed and acted on repeatedly. */
const FIXTURE_PAGES: Record<string, string[]> = {
  form: ['/form/'],
  shop: ['/shop/', '/shop/category/kitchen', '/shop/products/blue-mug.html', '/shop/search?q=mug', '/shop/cart'],
  search: ['/search/', '/search/results?q=lake', '/search/doc/lake-varn'],
  mail: ['/mail/', '/mail/message/m1', '/mail/folder/archive'],
  travel: ['/travel/', '/travel/results?from=Berlin&to=Paris&date=2026-06-01&passengers=1'],
  signup: ['/signup/'],
  support: ['/support/'],
  torture: ['/torture/'],
  pages: ['/pages/start.html', '/pages/next.html', '/pages/table.html', '/pages/frames.html'],
  long: ['/long/'],
};
const IDLE_PAGE = '/pages/start.html';
/** Time for Chromium to finish the work a burst of opens started before memory is read. */
const MEMORY_SETTLE_MS = 2_000;
const IDLE_CPU_WINDOW_MS = 5_000;
/** Renderers keep working for a few seconds after a burst of loads (measured: 40 sessions, ~0.6 cores at once, ~0.1 after 3 s). */
const IDLE_CPU_SETTLE_MS = 5_000;
const OPEN_BLOCK = 20;

const ms = (start: number): number => Math.round((performance.now() - start) * 1000) / 1000;
const tokensOf = (text: string): number => Math.ceil(text.length / 4);

export async function runBrowserSuite(options: BrowserSuiteOptions): Promise<BrowserSuiteResult> {
  const { signal } = options;
  const warmPool = createPlaywrightBrowserPool({ warmContexts: options.warmContexts, maxContexts: 20 });
  let createWarm: BrowserSuiteResult['create_warm'];
  let fixtures: BrowserSuiteResult['fixtures'];
  try {
    await warmPool.start();
    progress(`warm creates (${options.warmCreates}, ${options.warmGapMs} ms apart) ...`);
    createWarm = await measureWarmCreates(warmPool, options);
    progress('observe/act on each fixture ...');
    fixtures = await measureFixtures(warmPool, options);
  } finally {
    await warmPool.close();
  }

  const coldPool = createPlaywrightBrowserPool({ warmContexts: 0, maxContexts: options.capacitySessions + 10 });
  let memory: BrowserSuiteResult['memory'];
  let createCold: BrowserSuiteResult['create_cold'];
  let idle: BrowserSuiteResult['idle_sessions'];
  try {
    await coldPool.start();
    await delay(MEMORY_SETTLE_MS, undefined, { signal });
    progress(`memory: 0 and ${options.memorySessions} idle sessions ...`);
    memory = await measureMemory(coldPool, options);
    progress(`cold creates (${options.coldCreates}) ...`);
    createCold = await measureColdCreates(coldPool, options);
    progress(`${options.capacitySessions} idle sessions at once ...`);
    idle = await measureCapacity(coldPool, options, memory.at_0_sessions.pss_mb);
  } finally {
    await coldPool.close();
  }
  return { create_warm: createWarm, create_cold: createCold, memory, idle_sessions: idle, fixtures, chromium_processes_left: chromiumPids().length };
}

function progress(line: string): void {
  process.stderr.write(`  browser: ${line}\n`);
}

async function timedAcquire(pool: PlaywrightBrowserPool, sessionId: string, signal: AbortSignal | undefined): Promise<[SessionBrowser, number]> {
  const started = performance.now();
  const session = await pool.acquire({ sessionId, signal });
  return [session, ms(started)];
}

async function measureWarmCreates(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions): Promise<BrowserSuiteResult['create_warm']> {
  const { signal } = options;
  // Unmeasured: the first acquires pay for JIT and first-use costs in this process.
  for (let i = 0; i < 2; i++) {
    const [session] = await timedAcquire(pool, `warmup-${i}`, signal);
    await session.close();
    await delay(options.warmGapMs, undefined, { signal });
  }
  const before = pool.stats();
  const latencies: number[] = [];
  for (let i = 0; i < options.warmCreates; i++) {
    const [session, took] = await timedAcquire(pool, `warm-${i}`, signal);
    latencies.push(took);
    await session.close();
    await delay(options.warmGapMs, undefined, { signal });
  }
  const after = pool.stats();
  return {
    warm_contexts: options.warmContexts,
    gap_ms: options.warmGapMs,
    warm_hits: after.warmHits - before.warmHits,
    cold_starts: after.coldStarts - before.coldStarts,
    ...summarize(latencies),
    latencies_ms: latencies.map(round1),
  };
}

async function measureColdCreates(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions): Promise<BrowserSuiteResult['create_cold']> {
  const { signal } = options;
  const before = pool.stats();
  const latencies: number[] = [];
  for (let i = 0; i < options.coldCreates; i++) {
    const [session, took] = await timedAcquire(pool, `cold-${i}`, signal);
    latencies.push(took);
    await session.close();
    await delay(options.coldGapMs, undefined, { signal });
  }
  return {
    warm_contexts: 0,
    gap_ms: options.coldGapMs,
    cold_starts: pool.stats().coldStarts - before.coldStarts,
    ...summarize(latencies),
    latencies_ms: latencies.map(round1),
  };
}

async function measureMemory(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions): Promise<BrowserSuiteResult['memory']> {
  const { signal } = options;
  const atZero = chromiumMemory();
  const sessions: SessionBrowser[] = [];
  try {
    for (let i = 0; i < options.memorySessions; i++) {
      const session = await pool.acquire({ sessionId: `mem-${i}`, signal });
      sessions.push(session);
      await session.navigate(options.fixtures.url + IDLE_PAGE, { signal });
    }
    await delay(MEMORY_SETTLE_MS, undefined, { signal });
    const atN = chromiumMemory();
    return {
      idle_page: IDLE_PAGE,
      at_0_sessions: atZero,
      at_n_sessions: { sessions: sessions.length, ...atN },
      pss_mb_per_idle_session: round1((atN.pss_mb - atZero.pss_mb) / sessions.length),
    };
  } finally {
    await Promise.allSettled(sessions.map((s) => s.close()));
  }
}

async function measureCapacity(
  pool: PlaywrightBrowserPool,
  options: BrowserSuiteOptions,
  basePssMb: number,
): Promise<BrowserSuiteResult['idle_sessions']> {
  const { signal } = options;
  const sessions: SessionBrowser[] = [];
  const openMs: number[] = [];
  const errors: string[] = [];
  const acquireMs: number[] = [];
  const navigateMs: number[] = [];
  let next = 0;
  const cpuBefore = { chromium: chromiumCpuSeconds(), node: nodeCpuSeconds() };
  const started = performance.now();
  // A few opens at a time: all at once would only queue inside Chromium on a 2-core machine.
  const worker = async (): Promise<void> => {
    while (next < options.capacitySessions) {
      const i = next++;
      const begun = performance.now();
      try {
        const session = await pool.acquire({ sessionId: `idle-${i}`, signal });
        acquireMs.push(ms(begun));
        sessions.push(session);
        const navigating = performance.now();
        await session.navigate(options.fixtures.url + IDLE_PAGE, { signal });
        navigateMs.push(ms(navigating));
        openMs.push(ms(begun));
      } catch (error) {
        if (signal?.aborted) throw error;
        errors.push(`session ${i}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  let closeWall = NaN;
  try {
    await Promise.all(Array.from({ length: options.capacitySessions === 0 ? 0 : options.capacityConcurrency }, worker));
    const openWall = ms(started) / 1000;
    const openCpu = { chromium: round2((chromiumCpuSeconds() - cpuBefore.chromium) / openWall), node: round2((nodeCpuSeconds() - cpuBefore.node) / openWall) };
    // Every session must still answer once all of them are open.
    const alive = await Promise.allSettled(sessions.map((s) => s.pageInfo()));
    const aliveCount = alive.filter((r) => r.status === 'fulfilled' && r.value.url.endsWith(IDLE_PAGE)).length;
    await delay(IDLE_CPU_SETTLE_MS, undefined, { signal });
    const idleStart = { chromium: chromiumCpuSeconds(), node: nodeCpuSeconds(), at: performance.now() };
    await delay(IDLE_CPU_WINDOW_MS, undefined, { signal });
    const idleWall = ms(idleStart.at) / 1000;
    const idleCpu = {
      chromium: round2((chromiumCpuSeconds() - idleStart.chromium) / idleWall),
      node: round2((nodeCpuSeconds() - idleStart.node) / idleWall),
      window_s: round2(idleWall),
    };
    const memory = chromiumMemory();
    const closing = performance.now();
    await Promise.allSettled(sessions.splice(0).map((s) => s.close()));
    closeWall = ms(closing) / 1000;
    return {
      target: options.capacitySessions,
      ok: openMs.length,
      failures: errors.length,
      errors: errors.slice(0, 5),
      alive_after_open: aliveCount,
      concurrency: options.capacityConcurrency,
      open_wall_s: round2(openWall),
      open_ms: summarize(openMs),
      acquire_ms: summarize(acquireMs),
      navigate_ms: summarize(navigateMs),
      open_ms_p50_by_block: byBlock(openMs, OPEN_BLOCK),
      open_cpu_cores: openCpu,
      idle_cpu_cores: idleCpu,
      memory,
      pss_mb_per_session: round1((memory.pss_mb - basePssMb) / Math.max(1, openMs.length)),
      close_wall_s: round2(closeWall),
    };
  } finally {
    await Promise.allSettled(sessions.map((s) => s.close()));
  }
}

async function measureFixtures(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions): Promise<BrowserSuiteResult['fixtures']> {
  const { signal } = options;
  const result: BrowserSuiteResult['fixtures'] = {};
  for (const [site, paths] of Object.entries(FIXTURE_PAGES)) {
    const entry = paths[0];
    if (entry === undefined) throw new BenchError(`fixture '${site}' has no pages`);
    options.fixtures.reset();
    const session = await pool.acquire({ sessionId: `fixture-${site}`, signal });
    try {
      const tokens: Record<string, number> = {};
      const truncated: string[] = [];
      let elementsMax = 0;
      // The size the model sees on arriving at each page: the first observation after navigating.
      const look = async (path: string): Promise<number> => {
        const started = performance.now();
        const observation = await session.observe({ signal });
        const took = ms(started);
        tokens[path] = tokensOf(formatObservation(observation));
        elementsMax = Math.max(elementsMax, observation.elements.length);
        if (observation.truncated) truncated.push(path);
        return took;
      };
      for (const path of paths.slice(1)) {
        await session.navigate(options.fixtures.url + path, { signal });
        await look(path);
      }
      const navStarted = performance.now();
      await session.navigate(options.fixtures.url + entry, { signal });
      const navigateMs = ms(navStarted);
      const firstObserveMs = await look(entry);
      const observes: number[] = [];
      for (let i = 0; i < options.observes; i++) {
        const started = performance.now();
        await session.observe({ signal });
        observes.push(ms(started));
      }
      const acts: number[] = [];
      let actFailures = 0;
      for (let i = 0; i < options.acts; i++) {
        const started = performance.now();
        const outcome = await session.act({ kind: 'scroll', direction: i % 2 === 0 ? 'down' : 'up' }, { signal });
        acts.push(ms(started));
        if (!outcome.ok) actFailures++;
      }
      const sizes = Object.values(tokens);
      result[site] = {
        entry,
        navigate_ms: round1(navigateMs),
        first_observe_ms: round1(firstObserveMs),
        observe_ms: summarize(observes),
        act_ms: summarize(acts),
        act_failures: actFailures,
        tokens: { median: median(sizes), max: Math.max(...sizes), pages: tokens },
        elements_max: elementsMax,
        truncated_pages: truncated,
      };
    } finally {
      await session.close();
    }
  }
  return result;
}

/** p50 of each run of `size` samples, in completion order. */
function byBlock(samples: number[], size: number): { block: number; sessions_open_before: number; p50: number }[] {
  const blocks: { block: number; sessions_open_before: number; p50: number }[] = [];
  for (let start = 0; start < samples.length; start += size) {
    blocks.push({ block: blocks.length + 1, sessions_open_before: start, p50: round1(summarize(samples.slice(start, start + size)).p50) });
  }
  return blocks;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
