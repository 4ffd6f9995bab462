import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsSources } from './metrics-sources.ts';

/** Seconds; an API answers in milliseconds, a long poll or a stream's headers in up to a second or so. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The node's metrics in the Prometheus text format (`GET /metrics`), on prom-client: the
 * process's own (CPU, memory, event-loop lag), request latency by route, and gauges read from
 * the sources at each scrape (sessions, browser pool, queues, workers). Labels are routes,
 * statuses and, on a cluster API node, worker ids; never a session id, a key or a URL.
 */
export class PrometheusMetrics {
  readonly contentType: string;
  private readonly registry = new Registry();
  private readonly requests: Histogram<'method' | 'route' | 'status_code'>;

  constructor(sources: MetricsSources) {
    this.contentType = this.registry.contentType;
    collectDefaultMetrics({ register: this.registry, prefix: 'steward_' });
    const registers = [this.registry];
    this.requests = new Histogram({ name: 'steward_http_request_duration_seconds', help: 'HTTP requests by method, route and status, until the answer was sent', labelNames: ['method', 'route', 'status_code'], buckets: LATENCY_BUCKETS, registers });

    new Gauge({
      name: 'steward_sessions',
      help: 'Live sessions by lifecycle status',
      labelNames: ['status'],
      registers,
      async collect() {
        const { byStatus } = await sources.sessions();
        this.reset();
        for (const [status, count] of Object.entries(byStatus)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'steward_tasks',
      help: "Live sessions' tasks by execution status (running, waiting_for_input, paused, …)",
      labelNames: ['status'],
      registers,
      async collect() {
        const { byExecutionStatus } = await sources.sessions();
        this.reset();
        for (const [status, count] of Object.entries(byExecutionStatus)) this.set({ status }, count);
      },
    });
    new Gauge({ name: 'steward_session_capacity', help: 'Live sessions this node may hold (on a cluster API node: all live workers together)', registers, async collect() { this.set((await sources.capacity()).max); } });
    new Gauge({ name: 'steward_session_capacity_free', help: 'Live sessions this node may still start (on a cluster API node: all live workers together)', registers, async collect() { const { max, live } = await sources.capacity(); this.set(Math.max(0, max - live)); } });
    const { activity, browser, webhookDeliveriesPending, commandsInFlight, workers } = sources;
    // Families of the sources this node kind has, and only those (see MetricsSources).
    if (activity) {
      new Counter({ name: 'steward_agent_steps_total', help: 'Agent steps taken since the process started', registers, collect() { this.reset(); this.inc(activity().steps); } });
      new Counter({
        name: 'steward_messages_total',
        help: 'Messages stored since the process started, by type (DONE and ERROR end tasks)',
        labelNames: ['type'],
        registers,
        collect() {
          this.reset();
          for (const [type, count] of Object.entries(activity().messagesByType)) this.inc({ type }, count);
        },
      });
    }
    if (browser) {
      new Gauge({ name: 'steward_browser_contexts', help: 'Browser contexts by state: active (a session holds it) or warm (ready for the next session)', labelNames: ['state'], registers, collect() { const { active, warm } = browser(); this.set({ state: 'active' }, active); this.set({ state: 'warm' }, warm); } });
      new Gauge({ name: 'steward_browser_up', help: '1 while Chromium is connected', registers, collect() { this.set(browser().connected ? 1 : 0); } });
    }
    if (webhookDeliveriesPending) {
      new Gauge({ name: 'steward_webhook_deliveries_pending', help: 'Webhook deliveries queued or being sent, retries included (a receiver that is slow or down makes it climb)', registers, collect() { this.set(webhookDeliveriesPending()); } });
    }
    if (commandsInFlight) {
      new Gauge({ name: 'steward_commands_in_flight', help: 'Commands this API node sent to workers and has no answer for yet (slow or stuck workers make it climb)', registers, collect() { this.set(commandsInFlight()); } });
    }
    if (workers) {
      // Worker ids are random node ids, not secrets, and only live workers are reported: a
      // worker that stops heartbeating leaves the series at the next scrape.
      const perWorker = (name: string, help: string, value: (worker: { capacity: number; load: number }) => number): void => {
        new Gauge({
          name,
          help,
          labelNames: ['worker'],
          registers,
          async collect() {
            const live = await workers();
            this.reset();
            for (const worker of live) this.set({ worker: worker.id }, value(worker));
          },
        });
      };
      perWorker('steward_worker_capacity', "Each live worker's session limit, from its last heartbeat", (w) => w.capacity);
      perWorker('steward_worker_load', "Each live worker's live sessions, from its last heartbeat", (w) => w.load);
    }
  }

  /** One answered request; `route` is the route's pattern (`/v1/sessions/:session_id`), so ids never become labels. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.requests.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
