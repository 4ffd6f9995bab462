import { describe, expect, it } from 'vitest';
import { PrometheusMetrics, type MetricsSources } from '../../src/metrics/index.ts';

// The families a scrape shows follow the sources a node kind has: one left out is absent, never
// a 0 that an alert would read as "down" or "empty".

const base: MetricsSources = {
  sessions: async () => ({ byStatus: { ready: 1 }, byExecutionStatus: { ready: 1 } }),
  capacity: () => ({ max: 4, live: 1 }),
};

/** The value of one sample line, e.g. sample(text, 'steward_browser_up'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Whether the text declares the family at all (its `# TYPE` line). */
const declares = (text: string, family: string): boolean => text.split('\n').includes(`# TYPE ${family} ${family.endsWith('_total') ? 'counter' : 'gauge'}`);

const OPTIONAL_FAMILIES = ['steward_agent_steps_total', 'steward_messages_total', 'steward_browser_contexts', 'steward_browser_up', 'steward_webhook_deliveries_pending', 'steward_commands_in_flight', 'steward_worker_capacity', 'steward_worker_load'];

describe('PrometheusMetrics', () => {
  it('registers no family for a source it was not given (a cluster API node has no browser)', async () => {
    const text = await new PrometheusMetrics(base).render();
    expect(sample(text, 'steward_session_capacity')).toBe(4);
    for (const family of OPTIONAL_FAMILIES) {
      expect(declares(text, family), family).toBe(false);
      expect(text).not.toMatch(new RegExp(`^${family}[ {]`, 'm'));
    }
  });

  it('registers every family of the sources it was given, at their values', async () => {
    const text = await new PrometheusMetrics({
      ...base,
      activity: () => ({ steps: 7, messagesByType: { DONE: 2 } }),
      browser: () => ({ active: 3, warm: 1, connected: false }),
      webhookDeliveriesPending: () => 5,
      commandsInFlight: () => 2,
      workers: async () => [
        { id: 'w1', capacity: 10, load: 4 },
        { id: 'w2', capacity: 20, load: 0 },
      ],
    }).render();
    for (const family of OPTIONAL_FAMILIES) expect(declares(text, family), family).toBe(true);
    expect(sample(text, 'steward_agent_steps_total')).toBe(7);
    expect(sample(text, 'steward_messages_total{type="DONE"}')).toBe(2);
    expect(sample(text, 'steward_browser_contexts{state="active"}')).toBe(3);
    // Given, a source's 0 is a real 0: Chromium is down here.
    expect(sample(text, 'steward_browser_up')).toBe(0);
    expect(sample(text, 'steward_webhook_deliveries_pending')).toBe(5);
    expect(sample(text, 'steward_commands_in_flight')).toBe(2);
    expect(sample(text, 'steward_worker_capacity{worker="w1"}')).toBe(10);
    expect(sample(text, 'steward_worker_load{worker="w1"}')).toBe(4);
    expect(sample(text, 'steward_worker_capacity{worker="w2"}')).toBe(20);
    expect(sample(text, 'steward_worker_load{worker="w2"}')).toBe(0);
  });

  it('reads the queue gauges at each scrape', async () => {
    let pending = 0;
    let inFlight = 3;
    const metrics = new PrometheusMetrics({ ...base, webhookDeliveriesPending: () => pending, commandsInFlight: () => inFlight });
    expect(sample(await metrics.render(), 'steward_webhook_deliveries_pending')).toBe(0);
    pending = 12;
    inFlight = 0;
    const text = await metrics.render();
    expect(sample(text, 'steward_webhook_deliveries_pending')).toBe(12);
    expect(sample(text, 'steward_commands_in_flight')).toBe(0);
  });

  it('drops a worker that is no longer live at the next scrape', async () => {
    let live = [
      { id: 'w1', capacity: 10, load: 1 },
      { id: 'w2', capacity: 10, load: 2 },
    ];
    const metrics = new PrometheusMetrics({ ...base, workers: async () => live });
    expect(sample(await metrics.render(), 'steward_worker_load{worker="w2"}')).toBe(2);
    live = [{ id: 'w1', capacity: 10, load: 3 }];
    const text = await metrics.render();
    expect(sample(text, 'steward_worker_load{worker="w1"}')).toBe(3);
    expect(sample(text, 'steward_worker_load{worker="w2"}')).toBeUndefined();
    expect(sample(text, 'steward_worker_capacity{worker="w2"}')).toBeUndefined();
  });
});
