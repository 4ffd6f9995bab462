import { readdirSync, readFileSync } from 'node:fs';

/**
 * Chromium processes descended from this (test) process, read from /proc: how tests prove
 * that a pool leaves nothing behind and how they kill the browser to simulate a crash.
 */
export function chromiumProcesses(root = process.pid): { pid: number; ppid: number; comm: string }[] {
  const all: { pid: number; ppid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // A zombie is already dead; it only waits for its parent to reap it.
      if (fields[0] === 'Z') continue;
      all.push({ pid: Number(entry), ppid: Number(fields[1]), comm });
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
  return all.filter((p) => p.pid !== root && descendants.has(p.pid) && /chrom/i.test(p.comm));
}

/** The browser's main process: the Chromium child of this process. */
export function browserMainPid(root = process.pid): number | undefined {
  return chromiumProcesses(root).find((p) => p.ppid === root)?.pid;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
