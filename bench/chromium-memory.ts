import { descendantsOf, processMemory } from '../packages/server/src/util/process-tree.ts';

export interface ChromiumMemory {
  processes: number;
  /** Proportional set size summed over the processes: shared pages count once in total. */
  pss_mb: number;
  /** Summed RSS, for comparison only: it counts every shared page once per process. */
  rss_mb: number;
}

/** Chromium processes descended from `root` (this process by default). */
export function chromiumPids(root = process.pid): number[] {
  return descendantsOf(root)
    .filter((p) => /chrom/i.test(p.comm))
    .map((p) => p.pid);
}

/** PSS and RSS summed over this process's Chromium processes (from /proc/<pid>/smaps_rollup). */
export function chromiumMemory(root = process.pid): ChromiumMemory {
  let pss = 0;
  let rss = 0;
  let processes = 0;
  for (const pid of chromiumPids(root)) {
    const memory = processMemory(pid);
    if (memory.rss === 0) continue; // exited between the walk and the read
    processes++;
    pss += memory.pss;
    rss += memory.rss;
  }
  return { processes, pss_mb: Math.round(pss / 104_857.6) / 10, rss_mb: Math.round(rss / 104_857.6) / 10 };
}
