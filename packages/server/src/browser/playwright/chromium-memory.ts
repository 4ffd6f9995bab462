import { readdirSync, readFileSync } from 'node:fs';

/**
 * Finding one Chromium's processes and their memory in /proc (Linux). Playwright does not hand
 * out the browser's pid, so each launch carries a marker switch Chromium ignores
 * (`--steward-instance=<id>`); the browser's main process is the one whose command line has it.
 */

export const INSTANCE_SWITCH = '--steward-instance';

interface ProcEntry {
  pid: number;
  ppid: number;
}

function processTable(): ProcEntry[] {
  const table: ProcEntry[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table; // not Linux: memory recycling is off
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      table.push({ pid: Number(entry), ppid: Number(fields[1]) });
    } catch {
      // exited while we read
    }
  }
  return table;
}

/**
 * The command line as one string: Chromium's child processes rewrite their argv into a single
 * space-separated title, so arguments cannot be told apart by the NUL separators.
 */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The main process of the Chromium launched with `--steward-instance=<instanceId>`, among this process's children. */
export function findBrowserPid(instanceId: string): number | undefined {
  const marker = `${INSTANCE_SWITCH}=${instanceId}`;
  for (const entry of processTable()) {
    if (entry.ppid !== process.pid) continue;
    if (` ${commandLine(entry.pid)} `.includes(` ${marker} `)) return entry.pid;
  }
  return undefined;
}

/** Proportional set size in bytes (resident size where smaps_rollup is unavailable); 0 if gone. */
function processMemoryBytes(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (pss) return Number(pss[1]) * 1024;
  } catch {
    // fall through to statm
  }
  try {
    const resident = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return resident * 4096;
  } catch {
    return 0;
  }
}

/**
 * Memory of the browser itself: its main process and helpers (GPU, network, storage, zygotes),
 * without renderers. Renderers belong to live pages and go away with their sessions; what grows
 * with the browser's age and makes recycling worthwhile is the rest.
 */
export function browserOwnMemoryBytes(browserPid: number): number {
  const table = processTable();
  const tree = new Set([browserPid]);
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
  let total = 0;
  for (const pid of tree) {
    if (commandLine(pid).includes('--type=renderer')) continue;
    total += processMemoryBytes(pid);
  }
  return total;
}
