import { commandLine, descendantsOf, processMemory, type ProcessEntry } from '../../src/util/process-tree.ts';

export { cpuSeconds, isAlive } from '../../src/util/process-tree.ts';

/**
 * Chromium processes descended from this (test) process: how tests prove that a pool leaves
 * nothing behind and how they kill the browser to simulate a crash.
 */
export function chromiumProcesses(root = process.pid): ProcessEntry[] {
  return descendantsOf(root).filter((p) => /chrom/i.test(p.comm));
}

/** The browser's main process: the Chromium child of this process. */
export function browserMainPid(root = process.pid): number | undefined {
  return chromiumProcesses(root).find((p) => p.ppid === root)?.pid;
}

/** Renderer processes (one per site and context, roughly) descended from this process. */
export function rendererPids(root = process.pid): number[] {
  return chromiumProcesses(root)
    .filter((p) => commandLine(p.pid).includes('--type=renderer'))
    .map((p) => p.pid);
}

/** Resident memory of a process in bytes (0 once it is gone). */
export function residentBytes(pid: number): number {
  return processMemory(pid).rss;
}
