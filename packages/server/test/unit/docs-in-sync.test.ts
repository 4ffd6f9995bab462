import { readFileSync } from 'node:fs';
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
});

describe('docs/script-policies.md', () => {
  it('documents every tool the agent has, and nothing else', () => {
    const section = doc('script-policies.md').split('## The tools')[1]!.split('\n## ')[0]!;
    const documented = tableRows(section).map(([name]) => name!.replace(/`/g, ''));
    expect(documented.sort()).toEqual([...AGENT_TOOLS.keys()].sort());
  });
});
