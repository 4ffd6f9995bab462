import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../server/src/config/index.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { CLI_KEY_FILE, localServer, SERVER_DEFAULTS } from '../src/local-server.ts';
import { cliEnv, runCli } from './support/cli.ts';

// Without STEWARD_URL and STEWARD_API_KEY the CLI finds the local server and a key of its own;
// and the one launcher hands `keys` to the server, from `npx steward` and `npm run steward` alike.

let t: TestServer;
let local: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer();
  local = { STEWARD_DATA_DIR: t.dataDir, STEWARD_HOST: '127.0.0.1', STEWARD_PORT: new URL(t.url).port };
});
afterAll(async () => {
  await t?.close();
});

describe('the local default', () => {
  it("repeats the server's defaults (the CLI may not import them)", () => {
    const server = ConfigSchema.parse({});
    expect(SERVER_DEFAULTS).toEqual({ host: server.host, port: server.port, dataDir: server.dataDir });
    expect(localServer({})).toEqual({ url: 'http://127.0.0.1:8080', dataDir: join(REPO_ROOT, '.steward') });
    expect(localServer({ STEWARD_HOST: '0.0.0.0', STEWARD_PORT: '9090', STEWARD_DATA_DIR: 'var/st' })).toEqual({ url: 'http://127.0.0.1:9090', dataDir: join(REPO_ROOT, 'var/st') });
  });

  it('uses the local server with a key it makes once in the data dir, says so, and never prints the key', async () => {
    const first = await runCli(['sessions', 'list'], local);
    expect(first.code, first.stderr).toBe(0);
    const keyFile = join(t.dataDir, CLI_KEY_FILE);
    expect(first.stderr).toContain(`using the local server at ${t.url} and made an API key 'steward-cli' for it, kept in ${keyFile}`);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^stw_/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.stdout + first.stderr).not.toContain(key);
    expect((await t.request('GET', '/v1/sessions', { key })).status).toBe(200);

    const run = await runCli(['run', 'finish locally'], local);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('locally\n');
    expect(run.stderr).toContain(`using the local server at ${t.url} and its API key in ${keyFile}`);
    expect(run.stdout + run.stderr).not.toContain(key);
    expect((await t.server.keys.list()).filter((k) => k.name === 'steward-cli')).toHaveLength(1);
  }, 60_000);

  it('says how to start a server when there is none here', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'steward-cli-empty-'));
    try {
      const run = await runCli(['sessions', 'list'], { STEWARD_DATA_DIR: empty });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`no local server's data in ${empty}: start one with \`npm start\``);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('one steward command', () => {
  it('hands keys to the server from the launcher, npx steward and npm run steward', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'steward-cli-keys-'));
    try {
      const env = cliEnv({ STEWARD_DATA_DIR: dataDir });
      const ways = [
        ['npx', ['--offline', 'steward', 'keys', 'create', '--name', 'by npx']],
        ['npm', ['run', '--silent', 'steward', '--', 'keys', 'list']],
      ] as const;
      const created = spawnSync(ways[0][0], ways[0][1], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(created.status, created.stderr).toBe(0);
      expect(created.stdout.trim().split('\n').at(-1)).toMatch(/^stw_/);
      const listed = spawnSync(ways[1][0], ways[1][1], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('by npx');
      const help = spawnSync('npx', ['--offline', 'steward', 'help'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(help.stdout).toContain('run [options] <task>');
      expect(help.stdout).toContain('keys create --name NAME');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
