import { commandLine, descendantsOf, processMemory, processTable } from '../../util/process-tree.ts';

/**
 * Finding one Chromium's processes and their memory. Playwright does not hand out the browser's
 * pid, so each launch carries a marker switch Chromium ignores (`--steward-instance=<id>`); the
 * browser's main process is the child of ours whose command line has it.
 */

export const INSTANCE_SWITCH = '--steward-instance';

/** The main process of the Chromium launched with `--steward-instance=<instanceId>`, among this process's children. */
export function findBrowserPid(instanceId: string): number | undefined {
  const marker = ` ${INSTANCE_SWITCH}=${instanceId} `;
  return processTable().find((entry) => entry.ppid === process.pid && ` ${commandLine(entry.pid)} `.includes(marker))?.pid;
}

/**
 * Memory of the browser itself: its main process and helpers (GPU, network, storage, zygotes),
 * without renderers. Renderers belong to live pages and go away with their sessions; what grows
 * with the browser's age and makes recycling worthwhile is the rest.
 */
export function browserOwnMemoryBytes(browserPid: number): number {
  let total = processMemory(browserPid).pss;
  for (const entry of descendantsOf(browserPid)) {
    if (!commandLine(entry.pid).includes('--type=renderer')) total += processMemory(entry.pid).pss;
  }
  return total;
}
