/**
 * What the metrics read at each scrape, as plain numbers: the composition root adapts the
 * session service, the browser pool, the webhook dispatcher and (on a cluster API node) the
 * cluster's sessions and heartbeats to these, so this folder depends on none of them.
 *
 * The optional sources are what only some node kinds have. A source left out means its metric
 * families are not registered at all: a cluster API node runs no browser, so it reports no
 * `steward_browser_up` rather than a 0 that reads as "Chromium is down".
 */
export interface MetricsSources {
  /** Live sessions (not terminated) by lifecycle status, and their tasks by execution status. */
  sessions(): Promise<{ byStatus: Record<string, number>; byExecutionStatus: Record<string, number> }>;
  /**
   * How many live sessions this node may hold (`STEWARD_MAX_SESSIONS`) and holds now; on a
   * cluster API node, the live workers' together (from their heartbeats).
   */
  capacity(): { max: number; live: number } | Promise<{ max: number; live: number }>;
  /** Counts since start: agent steps, and stored messages by type. Nodes that run the agent. */
  activity?: (() => { steps: number; messagesByType: Record<string, number> }) | undefined;
  /** Browser contexts in use and waiting warm, and whether Chromium is up. Nodes with a browser pool. */
  browser?: (() => { active: number; warm: number; connected: boolean }) | undefined;
  /** Webhook deliveries queued or being sent (retries included). Nodes that send webhooks. */
  webhookDeliveriesPending?: (() => number) | undefined;
  /** Commands sent to workers and not answered yet. Cluster API nodes. */
  commandsInFlight?: (() => number) | undefined;
  /** Each live worker's capacity and load from its last heartbeat. Cluster API nodes. */
  workers?: (() => Promise<readonly { id: string; capacity: number; load: number }[]>) | undefined;
}
