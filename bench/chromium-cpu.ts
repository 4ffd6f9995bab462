import { cpuSeconds } from '../packages/server/src/util/process-tree.ts';
import { chromiumPids } from './chromium-memory.ts';

/**
 * CPU seconds (user + system) used so far by this process's live Chromium processes. Processes
 * that exited in between drop out, so a difference of two readings is a lower bound.
 */
export function chromiumCpuSeconds(root = process.pid): number {
  return chromiumPids(root).reduce((total, pid) => total + cpuSeconds(pid), 0);
}

/** CPU seconds (user + system) this Node process has used so far (Playwright's side of the protocol). */
export function nodeCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
