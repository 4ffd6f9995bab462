import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_TOOLS } from '../../src/agent/index.ts';
import { CONFIG_KEYS, envName } from '../../src/config/index.ts';
import { ERROR_CATALOG } from '../../src/errors/index.ts';
import { REPO_ROOT } from '../support/test-server.ts';

const doc = (name: string): string => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');
const tableRows = (text: string): string[][] =>
  text
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

describe('docs/errors.md', () => {
  it('lists exactly the error catalog, with the same statuses', () => {
    const section = doc('errors.md').split('## Task errors')[0]!;
    const rows = tableRows(section).map(([code, status]) => [code!.replace(/`/g, ''), Number(status)]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, e.status])));
  });
});

describe('docs/configuration.md', () => {
  it('documents every setting and nothing else', () => {
    const section = doc('configuration.md').split('## Models')[0]!;
    const documented = tableRows(section).map(([name]) => name!.replace(/`/g, ''));
    expect(documented.sort()).toEqual(CONFIG_KEYS.map(envName).sort());
  });

  it('documents every STEWARD_ variable the server names in its messages and comments', () => {
    // A fix that names a variable the server does not read sends the operator nowhere (a
    // start-up error once said STEWARD_BROWSER_NETWORK_SANDBOX for ..._NAMESPACE). Besides the
    // settings, a few are read where they are used (provider keys, the config file, probe URLs).
    const documented = new Set(doc('configuration.md').match(/\bSTEWARD_[A-Z0-9_]*[A-Z0-9]\b/g));
    for (const setting of CONFIG_KEYS.map(envName)) expect(documented).toContain(setting);
    const src = join(REPO_ROOT, 'packages', 'server', 'src');
    const named = new Map<string, string>();
    for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|mjs)$/.test(entry.name)) continue;
      const file = join(entry.parentPath, entry.name);
      for (const [name] of readFileSync(file, 'utf8').matchAll(/\bSTEWARD_[A-Z0-9_]*[A-Z0-9]\b/g)) named.set(name, file);
    }
    expect(named.size).toBeGreaterThan(20);
    const unknown = [...named].filter(([name]) => !documented.has(name)).map(([name, file]) => `${name} in ${file.slice(src.length + 1)}`);
    expect(unknown).toEqual([]);
  });
});

describe('docs/script-policies.md', () => {
  it('documents every tool the agent has, and nothing else', () => {
    const section = doc('script-policies.md').split('## The tools')[1]!.split('\n## ')[0]!;
    const documented = tableRows(section).map(([name]) => name!.replace(/`/g, ''));
    expect(documented.sort()).toEqual([...AGENT_TOOLS.keys()].sort());
  });
});
