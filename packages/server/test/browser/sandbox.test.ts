import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const probeInRepo = 'packages/server/test/browser/sandbox-probe.ts';
const isRoot = process.getuid?.() === 0;

interface ProbeResult {
  uid: number;
  url: string;
  noSandbox: boolean;
  found: boolean;
  ownNetwork: boolean;
  warnings: string[];
}

function runProbe(): ProbeResult {
  if (!isRoot) {
    const output = execFileSync('node', ['--import', 'tsx', join(repoRoot, probeInRepo)], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    return JSON.parse(output.trim().split('\n').at(-1)!);
  }
  // As root, the probe runs as `nobody` (uid 65534). The checkout may sit where nobody cannot
  // pass (a 0700 home such as /root): tsx finds package.json files with access(2), which checks
  // the real uid and ignores capabilities, and would compile the probe as CommonJS. So, in a
  // private mount namespace, the checkout is bind-mounted at a folder anyone can enter, and the
  // probe keeps only the right to read files (for checkouts made under a strict umask).
  const mountPoint = mkdtempSync(join(tmpdir(), 'steward-sandbox-'));
  chmodSync(mountPoint, 0o755);
  const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
  try {
    const script = `mount --bind "$0" "$1" && cd "$1" && exec setpriv ${asNobody.join(' ')} env HOME=/tmp node --import tsx "$1/${probeInRepo}"`;
    const output = execFileSync('unshare', ['--mount', '--', '/bin/sh', '-c', script, repoRoot, mountPoint], { encoding: 'utf8', timeout: 60_000 });
    return JSON.parse(output.trim().split('\n').at(-1)!);
  } finally {
    rmSync(mountPoint, { recursive: true, force: true });
  }
}

describe("Chromium's sandbox", () => {
  it('stays on when the server does not run as root, with no warning, inside the network namespace', () => {
    const result = runProbe();
    expect(result.uid).not.toBe(0);
    expect(result).toMatchObject({ url: 'about:blank', found: true, noSandbox: false, ownNetwork: true, warnings: [] });
  }, 90_000);
});
