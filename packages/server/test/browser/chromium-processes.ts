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

/** Renderer processes (one per site and context, roughly) descended from this process. */
export function rendererPids(root = process.pid): number[] {
  return chromiumProcesses(root)
    .filter((p) => {
      try {
        // Chromium rewrites a child's argv into one space-separated string.
        return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('--type=renderer');
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

/** Resident memory of a process in bytes (0 once it is gone). */
export function residentBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process has used so far, in seconds (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
