import { setTimeout as delay } from 'node:timers/promises';
import type { FixtureServer } from '../../fixtures/server.ts';
import { formatObservation } from '../../packages/server/src/agent/observation-format.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../packages/server/src/browser/playwright/index.ts';
import type { BrowserAction, Observation, SessionBrowser } from '../../packages/server/src/browser/port.ts';
import { EgressPolicy } from '../../packages/server/src/safety/index.ts';
import { BenchError } from '../bench-error.ts';
import { chromiumCpuSeconds, nodeCpuSeconds } from '../chromium-cpu.ts';
import { chromiumMemory, chromiumPids, type ChromiumMemory } from '../chromium-memory.ts';
import { summarize, type LatencySummary } from '../stats.ts';

/**
 * The browser layer alone, in this process: no Steward, no HTTP. The main figures come from pools
 * created without the `egress` option, so they are the browser's own cost; `egress` repeats the
 * create and observe/act figures with the firewall on (as `compose.ts` builds it), to show its cost.
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
  /** Creates of each kind measured again with the egress firewall on. */
  egressCreates: number;
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
  /**
   * `fixtures.<site>.act_ms.p50` of the sites whose action changes nothing a navigation would
   * (a type, a select, a click on a button without effect): what an action costs when there is
   * no navigation to follow. `p50_max` is the slowest of them.
   */
  act_without_navigation: { sites: Record<string, { act: string; p50: number }>; p50_max: number };
  egress: EgressFigures;
  /** Observe/act with a task's navigation guard set (every request through the context's route): its cost. */
  navigation_guard: { compare_p50_ms: { navigate: Record<string, OffOn>; observe: Record<string, OffOn>; act: Record<string, OffOn> } };
  chromium_processes_left: number;
}

/** The same create and observe/act measurements through the egress firewall (proxy per context). */
interface EgressFigures {
  /** The operator allow list the policy was built with: the fixture server's loopback address and port. */
  allow: string[];
  create_warm: BrowserSuiteResult['create_warm'];
  create_cold: BrowserSuiteResult['create_cold'];
  /** As `BrowserSuiteResult.fixtures` (the same pages visited first, so `navigate_ms` compares), less the sizes. */
  fixtures: Record<string, Omit<FixtureFigures, 'tokens' | 'elements_max' | 'truncated_pages'>>;
  /** Requests the firewall refused during the fixture runs (a fixture fetching something off the allow list). */
  blocked_requests: number;
  /** p50 without → with the firewall, side by side. */
  compare_p50_ms: {
    create_warm: OffOn;
    create_cold: OffOn;
    navigate: Record<string, OffOn>;
    observe: Record<string, OffOn>;
    act: Record<string, OffOn>;
  };
}

interface OffOn {
  off: number;
  on: number;
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
  /** The site's representative action (`act`), from `act()` call to result; observed beforehand, unmeasured. */
  act: string;
  act_ms: LatencySummary;
  act_failures: number;
  /** Page scrolls, down and up in turn. */
  scroll_ms: LatencySummary;
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
/**
 * One harmless action per site, of the kind an agent takes there, picked from a fresh observation
 * of the entry page. `leaves`: it navigates away, so the entry page is loaded again (unmeasured)
 * before the next one.
 */
interface SiteAction {
  describe: string;
  leaves: boolean;
  pick(observation: Observation, round: number): BrowserAction | undefined;
}

const typeInto = (role: string, name: string, text: string): SiteAction => ({
  describe: `type '${text}' into ${role} '${name}'`,
  leaves: false,
  pick: (o) => withIndex(o, role, name, (index) => ({ kind: 'type', index, text, clear: true })),
});
const click = (role: string, name: string, leaves: boolean): SiteAction => ({
  describe: `click ${role} '${name}'`,
  leaves,
  pick: (o) => withIndex(o, role, name, (index) => ({ kind: 'click', index })),
});

const SITE_ACTIONS: Record<string, SiteAction> = {
  form: typeInto('textbox', 'Full name', 'Ada Lovelace'),
  shop: click('link', 'Blue Mug', true),
  search: typeInto('searchbox', 'Search Findr', 'lake'),
  mail: click('link', 'Project kickoff', true),
  travel: {
    describe: "select a city in combobox 'To' (alternating Paris / Rome)",
    leaves: false,
    pick: (o, round) => withIndex(o, 'combobox', 'To', (index) => ({ kind: 'select', index, option: round % 2 === 0 ? 'Paris' : 'Rome' })),
  },
  signup: typeInto('textbox', 'Username', 'ada'),
  support: typeInto('textbox', 'How can we help?', 'Where is my order?'),
  torture: click('button', 'Shadow button', false),
  pages: click('link', 'Go to the next page', true),
  // No interactive element on the page: reading it means scrolling it.
  long: { describe: 'scroll the page down', leaves: false, pick: () => ({ kind: 'scroll', direction: 'down' }) },
};
/** Sites whose action starts no navigation (`long` scrolls, which never watches for one). */
const NON_NAVIGATING_SITES = Object.entries(SITE_ACTIONS)
  .filter(([site, action]) => !action.leaves && site !== 'long')
  .map(([site]) => site);

function withIndex(observation: Observation, role: string, name: string, action: (index: number) => BrowserAction): BrowserAction | undefined {
  const element = observation.elements.find((e) => e.role === role && e.name === name);
  return element === undefined ? undefined : action(element.index);
}

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
    createWarm = await measureWarmCreates(warmPool, options, options.warmCreates);
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
    createCold = await measureColdCreates(coldPool, options, options.coldCreates);
    progress(`${options.capacitySessions} idle sessions at once ...`);
    idle = await measureCapacity(coldPool, options, memory.at_0_sessions.pss_mb);
  } finally {
    await coldPool.close();
  }
  const egress = await measureWithFirewall(options, { createWarm, createCold, fixtures });
  const navigationGuard = await measureWithGuard(options, fixtures);
  return {
    create_warm: createWarm,
    create_cold: createCold,
    memory,
    idle_sessions: idle,
    fixtures,
    act_without_navigation: actWithoutNavigation(fixtures),
    egress,
    navigation_guard: navigationGuard,
    chromium_processes_left: chromiumPids().length,
  };
}

function actWithoutNavigation(fixtures: BrowserSuiteResult['fixtures']): BrowserSuiteResult['act_without_navigation'] {
  const sites: Record<string, { act: string; p50: number }> = {};
  for (const site of NON_NAVIGATING_SITES) {
    const figures = fixtures[site];
    if (figures !== undefined) sites[site] = { act: figures.act, p50: figures.act_ms.p50 };
  }
  return { sites, p50_max: Math.max(...Object.values(sites).map((s) => s.p50)) };
}

/**
 * Observe/act on each fixture again with a navigation guard that lets everything through, as a
 * running task has one: what routing every request of the context through Node costs.
 */
async function measureWithGuard(options: BrowserSuiteOptions, off: BrowserSuiteResult['fixtures']): Promise<BrowserSuiteResult['navigation_guard']> {
  const pool = createPlaywrightBrowserPool({ warmContexts: options.warmContexts, maxContexts: 20 });
  let on: BrowserSuiteResult['fixtures'];
  try {
    await pool.start();
    progress('navigation guard on: observe/act on each fixture ...');
    on = await measureFixtures(pool, options, { guarded: true });
  } finally {
    await pool.close();
  }
  const perSite = (figure: (f: FixtureFigures) => number): Record<string, OffOn> =>
    Object.fromEntries(Object.entries(on).map(([site, f]) => [site, { off: off[site] === undefined ? NaN : figure(off[site]), on: figure(f) }]));
  return { compare_p50_ms: { navigate: perSite((f) => f.navigate_ms), observe: perSite((f) => f.observe_ms.p50), act: perSite((f) => f.act_ms.p50) } };
}

/** Warm creates, cold creates and observe/act again, each pool with the egress firewall on. */
async function measureWithFirewall(
  options: BrowserSuiteOptions,
  off: Pick<BrowserSuiteResult, 'fixtures'> & { createWarm: BrowserSuiteResult['create_warm']; createCold: BrowserSuiteResult['create_cold'] },
): Promise<EgressFigures> {
  // The fixture server is on loopback, which the policy refuses unless the operator allows it.
  const allow = [new URL(options.fixtures.url).host];
  let blocked = 0;
  const egress = { policy: new EgressPolicy({ allow }), onBlocked: () => void blocked++ };
  const warmPool = createPlaywrightBrowserPool({ warmContexts: options.warmContexts, maxContexts: 20, egress });
  let createWarm: EgressFigures['create_warm'];
  let fixtures: BrowserSuiteResult['fixtures'];
  try {
    await warmPool.start();
    progress(`firewall on: warm creates (${options.egressCreates}) ...`);
    createWarm = await measureWarmCreates(warmPool, options, options.egressCreates);
    progress('firewall on: observe/act on each fixture ...');
    fixtures = await measureFixtures(warmPool, options);
  } finally {
    await warmPool.close();
  }
  const coldPool = createPlaywrightBrowserPool({ warmContexts: 0, maxContexts: 20, egress });
  let createCold: EgressFigures['create_cold'];
  try {
    await coldPool.start();
    progress(`firewall on: cold creates (${options.egressCreates}) ...`);
    createCold = await measureColdCreates(coldPool, options, options.egressCreates);
  } finally {
    await coldPool.close();
  }
  const perSite = (figure: (f: FixtureFigures) => number): Record<string, OffOn> =>
    Object.fromEntries(
      Object.entries(fixtures).map(([site, on]) => {
        const without = off.fixtures[site];
        return [site, { off: without === undefined ? NaN : figure(without), on: figure(on) }];
      }),
    );
  return {
    allow,
    create_warm: createWarm,
    create_cold: createCold,
    fixtures: Object.fromEntries(
      Object.entries(fixtures).map(([site, f]) => {
        const { tokens: _tokens, elements_max: _elements, truncated_pages: _truncated, ...timings } = f;
        return [site, timings];
      }),
    ),
    blocked_requests: blocked,
    compare_p50_ms: {
      create_warm: { off: off.createWarm.p50, on: createWarm.p50 },
      create_cold: { off: off.createCold.p50, on: createCold.p50 },
      navigate: perSite((f) => f.navigate_ms),
      observe: perSite((f) => f.observe_ms.p50),
      act: perSite((f) => f.act_ms.p50),
    },
  };
}

function progress(line: string): void {
  // Seconds since the bench process started, so a slow phase shows.
  process.stderr.write(`  browser [${(performance.now() / 1000).toFixed(0)} s]: ${line}\n`);
}

async function timedAcquire(pool: PlaywrightBrowserPool, sessionId: string, signal: AbortSignal | undefined): Promise<[SessionBrowser, number]> {
  const started = performance.now();
  const session = await pool.acquire({ sessionId, signal });
  return [session, ms(started)];
}

async function measureWarmCreates(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions, count: number): Promise<BrowserSuiteResult['create_warm']> {
  const { signal } = options;
  // Unmeasured: the first acquires pay for JIT and first-use costs in this process.
  for (let i = 0; i < 2; i++) {
    const [session] = await timedAcquire(pool, `warmup-${i}`, signal);
    await session.close();
    await delay(options.warmGapMs, undefined, { signal });
  }
  const before = pool.stats();
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
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

async function measureColdCreates(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions, count: number): Promise<BrowserSuiteResult['create_cold']> {
  const { signal } = options;
  const before = pool.stats();
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
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

async function measureFixtures(pool: PlaywrightBrowserPool, options: BrowserSuiteOptions, mode: { guarded?: boolean } = {}): Promise<BrowserSuiteResult['fixtures']> {
  const { signal } = options;
  const result: BrowserSuiteResult['fixtures'] = {};
  for (const [site, paths] of Object.entries(FIXTURE_PAGES)) {
    const entry = paths[0];
    const action = SITE_ACTIONS[site];
    if (entry === undefined) throw new BenchError(`fixture '${site}' has no pages`);
    if (action === undefined) throw new BenchError(`fixture '${site}' has no representative action`);
    options.fixtures.reset();
    const session = await pool.acquire({ sessionId: `fixture-${site}`, signal });
    try {
      if (mode.guarded === true) await session.setNavigationGuard(() => undefined);
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
        // As the agent does: observe, then act on an element of that observation.
        const observation = await session.observe({ signal });
        const planned = action.pick(observation, i);
        if (planned === undefined) {
          const seen = observation.elements.map((e) => `${e.role} '${e.name}'`).join(', ');
          throw new BenchError(`fixture '${site}': no element to ${action.describe} on ${observation.url} ('${observation.title}'; elements: ${seen || 'none'})`);
        }
        const started = performance.now();
        const outcome = await session.act(planned, { signal });
        acts.push(ms(started));
        if (!outcome.ok) actFailures++;
        if (action.leaves) await session.navigate(options.fixtures.url + entry, { signal });
      }
      const scrolls: number[] = [];
      for (let i = 0; i < options.acts; i++) {
        const started = performance.now();
        const outcome = await session.act({ kind: 'scroll', direction: i % 2 === 0 ? 'down' : 'up' }, { signal });
        scrolls.push(ms(started));
        if (!outcome.ok) actFailures++;
      }
      const sizes = Object.values(tokens);
      result[site] = {
        entry,
        navigate_ms: round1(navigateMs),
        first_observe_ms: round1(firstObserveMs),
        observe_ms: summarize(observes),
        act: action.describe,
        act_ms: summarize(acts),
        act_failures: actFailures,
        scroll_ms: summarize(scrolls),
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
