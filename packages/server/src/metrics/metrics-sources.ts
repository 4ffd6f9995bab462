/**
 * What the metrics read at each scrape, as plain numbers: the composition root adapts the
 * session service and the browser pool to these, so this folder depends on neither.
 */
export interface MetricsSources {
  /** Live sessions (not terminated) by lifecycle status, and their tasks by execution status. */
  sessions(): Promise<{ byStatus: Record<string, number>; byExecutionStatus: Record<string, number> }>;
  /**
   * How many live sessions this node may hold (`STEWARD_MAX_SESSIONS`) and holds now; on a
   * cluster API node, the live workers' together (from their heartbeats).
   */
  capacity(): { max: number; live: number } | Promise<{ max: number; live: number }>;
  /** Counts since start: agent steps, and stored messages by type. */
  activity(): { steps: number; messagesByType: Record<string, number> };
  /** Browser contexts in use and waiting warm, and whether Chromium is up. */
  browser(): { active: number; warm: number; connected: boolean };
}
