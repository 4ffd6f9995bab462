import { readFileSync } from 'node:fs';
import { chromiumPids } from './chromium-memory.ts';

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build.
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU seconds (user + system) used so far by this process's live Chromium processes. Processes
 * that exited in between drop out, so a difference of two readings is a lower bound.
 */
export function chromiumCpuSeconds(root = process.pid): number {
  let ticks = 0;
  for (const pid of chromiumPids(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited between the walk and the read
    }
  }
  return ticks / CLOCK_TICKS_PER_S;
}

/** CPU seconds (user + system) this Node process has used so far (Playwright's side of the protocol). */
export function nodeCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
