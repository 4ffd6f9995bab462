import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ConfigSchema, loadConfig } from '../../src/config/index.ts';
import { liveViewSecret, openStore } from '../../src/open-store.ts';
import { SecretKeyError } from '../../src/secret-key.ts';
import { runCli } from '../support/server-process.ts';
import { REPO_ROOT } from '../support/test-server.ts';
import { session } from '../store/store-contract.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
function dataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'steward-key-'));
  roots.push(root);
  return join(root, 'data');
}
const config = (dir: string, secretKey?: string) => ConfigSchema.parse({ dataDir: dir, ...(secretKey === undefined ? {} : { secretKey }) });
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** Opens the store, keeps a session with a proxy password in it, closes. */
async function startOnce(dir: string, secretKey?: string): Promise<void> {
  const store = await openStore(config(dir, secretKey), REPO_ROOT);
  if ((await store.getSession('session-1')) === undefined) await store.insertSession(session({ options: { proxy_url: 'http://u:p4ss@127.0.0.1:1' } }));
  await store.close();
}

async function startError(dir: string, secretKey?: string): Promise<SecretKeyError> {
  const error = await startOnce(dir, secretKey).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SecretKeyError);
  return error as SecretKeyError;
}

describe('the secret key at start-up', () => {
  it('is generated into <dataDir>/secret.key (0600, base64) on first start and used again on the next', async () => {
    const dir = dataDir();
    await startOnce(dir);
    const keyFile = join(dir, 'secret.key');
    expect(mode(keyFile)).toBe('600');
    expect(mode(dir)).toBe('700');
    const key = readFileSync(keyFile, 'utf8');
    expect(Buffer.from(key.trim(), 'base64')).toHaveLength(32);
    await startOnce(dir);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    // The file's key works as STEWARD_SECRET_KEY too (moving a data dir's key into the environment).
    await startOnce(dir, key.trim());
  });

  it('refuses a wrong STEWARD_SECRET_KEY against sealed data, naming the cause and the fix, and changes nothing', async () => {
    const dir = dataDir();
    await startOnce(dir);
    const before = readFileSync(join(dir, 'secret.key'));
    const error = await startError(dir, randomBytes(32).toString('hex'));
    expect(error.message).toContain('STEWARD_SECRET_KEY does not open the secrets sealed in');
    expect(error.message).toContain('unset STEWARD_SECRET_KEY');
    expect(readFileSync(join(dir, 'secret.key'))).toEqual(before);
    await startOnce(dir);
  });

  it('refuses to start when the key file is gone but sealed data exists, and makes no new key', async () => {
    const dir = dataDir();
    await startOnce(dir);
    unlinkSync(join(dir, 'secret.key'));
    const error = await startError(dir);
    expect(error.message).toMatch(/holds sealed secrets, but its key file .*secret\.key is missing/);
    expect(existsSync(join(dir, 'secret.key'))).toBe(false);
  });

  it('refuses a key file that holds no key, and a key file from another data dir, without replacing either', async () => {
    const dir = dataDir();
    await startOnce(dir);
    writeFileSync(join(dir, 'secret.key'), 'not a key\n');
    expect((await startError(dir)).message).toContain('does not hold a key');
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe('not a key\n');
    writeFileSync(join(dir, 'secret.key'), `${randomBytes(32).toString('base64')}\n`);
    expect((await startError(dir)).message).toMatch(/The key in .*secret\.key does not open/);
  });

  it('with STEWARD_SECRET_KEY writes no key file, and without it later the data is refused, not lost', async () => {
    const dir = dataDir();
    const key = randomBytes(32).toString('base64');
    await startOnce(dir, key);
    expect(existsSync(join(dir, 'secret.key'))).toBe(false);
    await startOnce(dir, key);
    expect((await startError(dir)).message).toContain('is missing and STEWARD_SECRET_KEY is not set');
    const store = await openStore(config(dir, key), REPO_ROOT);
    expect((await store.getSession('session-1'))?.options).toEqual({ proxy_url: 'http://u:p4ss@127.0.0.1:1' });
    await store.close();
  });

  it('refuses a malformed STEWARD_SECRET_KEY as configuration, without echoing it', () => {
    const bad = 'my-secret-passphrase';
    let thrown: unknown;
    try {
      loadConfig({ STEWARD_SECRET_KEY: bad });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain('STEWARD_SECRET_KEY');
    expect((thrown as Error).message).not.toContain(bad);
  });

  it('is a clear message and exit code 1 from the CLI, not a stack trace', async () => {
    const dir = dataDir();
    await startOnce(dir);
    const result = runCli(['keys', 'list'], { STEWARD_DATA_DIR: dir, STEWARD_SECRET_KEY: randomBytes(32).toString('hex') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('STEWARD_SECRET_KEY does not open the secrets sealed in');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('the data dir', () => {
  it('is narrowed on start to 0700 folders and 0600 files, whatever an older start or a wide umask left', async () => {
    const dir = dataDir();
    await startOnce(dir);
    liveViewSecret(config(dir), REPO_ROOT);
    mkdirSync(join(dir, 'files', 'session-1'), { recursive: true });
    writeFileSync(join(dir, 'files', 'session-1', 'report.csv'), 'a,b\n');
    for (const [path, wide] of [
      [dir, 0o755],
      [join(dir, 'files'), 0o777],
      [join(dir, 'files', 'session-1'), 0o755],
      [join(dir, 'files', 'session-1', 'report.csv'), 0o644],
      [join(dir, 'steward.db'), 0o644],
      [join(dir, 'secret.key'), 0o644],
      [join(dir, 'live-view.key'), 0o666],
    ] as const) {
      chmodSync(path, wide);
    }
    // Open while looking: closing the last connection removes the WAL and -shm.
    const store = await openStore(config(dir), REPO_ROOT);
    await store.insertSession(session({ id: 'session-2' }));
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'files'))).toBe('700');
    expect(mode(join(dir, 'files', 'session-1'))).toBe('700');
    for (const file of ['files/session-1/report.csv', 'steward.db', 'steward.db-wal', 'steward.db-shm', 'secret.key', 'live-view.key']) {
      expect(mode(join(dir, file)), file).toBe('600');
    }
    await store.close();
  });

  it('creates the database, its WAL and -shm, and the key files 0600 even under a umask that would allow more', async () => {
    const dir = dataDir();
    const previous = process.umask(0o000);
    try {
      const store = await openStore(config(dir), REPO_ROOT);
      await store.insertSession(session());
      for (const file of ['steward.db', 'steward.db-wal', 'steward.db-shm', 'secret.key']) expect(mode(join(dir, file)), file).toBe('600');
      expect(mode(dir)).toBe('700');
      await store.close();
      liveViewSecret(config(dir), REPO_ROOT);
      expect(mode(join(dir, 'live-view.key'))).toBe('600');
    } finally {
      process.umask(previous);
    }
  });
});
