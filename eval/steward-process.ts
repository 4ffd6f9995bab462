import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSteward as startStewardProcess, type StewardProcess } from '../scripts/steward-process.ts';

export { StewardStartError, type StewardProcess } from '../scripts/steward-process.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** A Steward of the eval's own, running the given model, started as users start it. */
export function startSteward(options: { model: string; startTimeoutMs?: number; signal?: AbortSignal | undefined }): Promise<StewardProcess> {
  return startStewardProcess({
    repoRoot: REPO_ROOT,
    dataDirPrefix: 'steward-eval-',
    env: {
      STEWARD_MODEL: options.model,
      // One client running tasks on purpose: the per-key limit would only slow the eval down.
      STEWARD_RATE_LIMIT_PER_MINUTE: '0',
      // The fixture sites live on loopback, which the egress firewall refuses by default.
      STEWARD_EGRESS_ALLOW: '127.0.0.1',
    },
    startTimeoutMs: options.startTimeoutMs,
    signal: options.signal,
  });
}
