import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const probe = fileURLToPath(new URL('./sandbox-probe.ts', import.meta.url));
const isRoot = process.getuid?.() === 0;

function runProbe(): { uid: number; url: string; noSandbox: boolean; found: boolean; ownNetwork: boolean; warnings: string[] } {
  const command = ['node', '--import', 'tsx', probe];
  // As root, the probe runs as `nobody` (uid 65534). It keeps only the right to read files, so it
  // can load the checkout wherever CI put it (even under /root); it is otherwise unprivileged.
  const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
  const output = isRoot
    ? execFileSync('setpriv', [...asNobody, 'env', 'HOME=/tmp', ...command], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
    : execFileSync(command[0]!, command.slice(1), { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

describe("Chromium's sandbox", () => {
  it('stays on when the server does not run as root, with no warning, inside the network namespace', () => {
    const result = runProbe();
    expect(result.uid).not.toBe(0);
    expect(result).toMatchObject({ url: 'about:blank', found: true, noSandbox: false, ownNetwork: true, warnings: [] });
  }, 90_000);
});
