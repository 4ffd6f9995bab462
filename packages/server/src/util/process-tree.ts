import { readdirSync, readFileSync } from 'node:fs';

/**
 * Processes read from /proc (Linux; empty elsewhere): what the browser pool, the tests and the
 * bench use to find Chromium's processes, their memory and CPU. Zombies are left out: they are
 * already dead and only wait for their parent to reap them.
 */

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** The executable's short name (`comm`), e.g. `chromium`. */
  comm: string;
}

export function processTable(): ProcessEntry[] {
  const table: ProcessEntry[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === undefined || stat.state === 'Z') continue;
    table.push({ pid: Number(entry), ppid: stat.ppid, comm: stat.comm });
  }
  return table;
}

/** `root`'s descendants (not `root` itself) in `table`. */
export function descendantsOf(root: number, table: ProcessEntry[] = processTable()): ProcessEntry[] {
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of table) {
      if (!tree.has(entry.pid) && tree.has(entry.ppid)) {
        tree.add(entry.pid);
        grew = true;
      }
    }
  }
  return table.filter((entry) => entry.pid !== root && tree.has(entry.pid));
}

/**
 * The command line as one string: Chromium's child processes rewrite their argv into a single
 * space-separated title, so arguments cannot be told apart by the NUL separators anyway.
 */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** Proportional and resident set size in bytes (0 once the process is gone). */
export function processMemory(pid: number): { pss: number; rss: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
    return { pss: kb('Pss'), rss: kb('Rss') };
  } catch {
    // no smaps_rollup (old kernel) or gone: resident pages from statm, counted as both
  }
  try {
    const resident = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    return { pss: resident, rss: resident };
  } catch {
    return { pss: 0, rss: 0 };
  }
}

/** CPU time (user + system) the process has used so far, in seconds (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const stat = readStat(pid);
  return stat === undefined ? 0 : stat.cpuTicks / 100;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function readStat(pid: number): { comm: string; state: string; ppid: number; cpuTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After the name: state, ppid, … utime and stime are the 12th and 13th.
    return { comm: stat.slice(stat.indexOf('(') + 1, close), state: fields[0]!, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}
