import { readdirSync, readFileSync } from 'node:fs';

export interface ChromiumMemory {
  processes: number;
  /** Proportional set size summed over the processes: shared pages count once in total. */
  pss_mb: number;
  /** Summed RSS, for comparison only: it counts every shared page once per process. */
  rss_mb: number;
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  comm: string;
}

/**
 * Chromium processes descended from `root` (this process by default), read from /proc. The
 * same walk as packages/server/test/browser/chromium-processes.ts; bench keeps its own copy
 * rather than importing from a test folder.
 */
export function chromiumPids(root = process.pid): number[] {
  const all: ProcessEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      // A zombie holds no memory; it only waits for its parent to reap it.
      if (fields[0] === 'Z') continue;
      all.push({ pid: Number(entry), ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // the process exited while we were reading
    }
  }
  const descendants = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!descendants.has(p.pid) && descendants.has(p.ppid)) {
        descendants.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== root && descendants.has(p.pid) && /chrom/i.test(p.comm)).map((p) => p.pid);
}

/** PSS and RSS summed over this process's Chromium processes (from /proc/<pid>/smaps_rollup). */
export function chromiumMemory(root = process.pid): ChromiumMemory {
  let pssKb = 0;
  let rssKb = 0;
  let processes = 0;
  for (const pid of chromiumPids(root)) {
    let rollup: string;
    try {
      rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    } catch {
      continue; // exited between the walk and the read
    }
    processes++;
    pssKb += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    rssKb += Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  }
  return { processes, pss_mb: Math.round(pssKb / 102.4) / 10, rss_mb: Math.round(rssKb / 102.4) / 10 };
}
