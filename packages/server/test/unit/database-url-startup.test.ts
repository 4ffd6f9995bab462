import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.ts';
import { openStore } from '../../src/open-store.ts';
import { SecretKeyError } from '../../src/secret-key.ts';
import { redactDatabaseUrl } from '../../src/store/postgres/postgres-url.ts';
import { StoreUnavailableError } from '../../src/store/store-error.ts';
import { PostgresTestCluster } from '../support/postgres-test-cluster.ts';
import { runCli } from '../support/server-process.ts';
import { REPO_ROOT } from '../support/test-server.ts';
import { session } from '../store/store-contract.ts';

// Fails the file, with the way to install or start PostgreSQL, when there is none to use.
const cluster = await PostgresTestCluster.start();
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  await cluster.close();
});
function dataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'steward-pg-'));
  roots.push(root);
  return join(root, 'data');
}
const config = (databaseUrl: string, secretKey?: string) =>
  ConfigSchema.parse({ dataDir: dataDir(), databaseUrl, ...(secretKey === undefined ? {} : { secretKey }) });

describe('STEWARD_DATABASE_URL at start-up', () => {
  it('keeps the store in PostgreSQL, shared by servers with one key, and no SQLite file in the data dir', async () => {
    const url = await cluster.createDatabase();
    const key = randomBytes(32).toString('base64');
    // Several servers starting together on a fresh database: migrations and the key check once.
    const first = config(url, key);
    const stores = await Promise.all([first, config(url, key), config(url, key), config(url, key)].map((each) => openStore(each, REPO_ROOT)));
    await stores[0]!.insertSession(session({ options: { proxy_url: 'http://u:p4ss@127.0.0.1:1' } }));
    expect((await stores[3]!.getSession('session-1'))?.options).toEqual({ proxy_url: 'http://u:p4ss@127.0.0.1:1' });
    await Promise.all(stores.map((store) => store.close()));
    expect(existsSync(join(first.dataDir, 'steward.db'))).toBe(false);
  });

  it('refuses a server whose key is not the one the database was sealed with, naming the database without its password', async () => {
    const url = await cluster.createDatabase();
    const store = await openStore(config(url, randomBytes(32).toString('base64')), REPO_ROOT);
    await store.close();
    const error = await openStore(config(url, randomBytes(32).toString('base64')), REPO_ROOT).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(SecretKeyError);
    expect(error!.message).toContain(`STEWARD_SECRET_KEY does not open the secrets sealed in ${redactDatabaseUrl(url)}`);
    expect(error!.message).toContain(':***@127.0.0.1');
    expect(error!.message).not.toContain(new URL(url).password);
  });

  it('refuses a server it cannot reach with one clear line, no stack and no password', () => {
    const dir = dataDir();
    const result = runCli(['keys', 'list'], { STEWARD_DATA_DIR: dir, STEWARD_DATABASE_URL: 'postgres://steward:pw-kept-quiet@127.0.0.1:1/steward' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^STEWARD_DATABASE_URL: Cannot connect to the PostgreSQL server at postgres:\/\/steward:\*\*\*@127\.0\.0\.1:1\/steward: .*ECONNREFUSED.*\.\n$/);
    expect(result.stdout + result.stderr).not.toContain('pw-kept-quiet');
  });

  it('names the variable of a URL that is not PostgreSQL’s, without its value', () => {
    const result = runCli(['keys', 'list'], { STEWARD_DATA_DIR: dataDir(), STEWARD_DATABASE_URL: 'mysql://steward:pw-kept-quiet@db/steward' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('STEWARD_DATABASE_URL: expected postgres://user:password@host:5432/database');
    expect(result.stdout + result.stderr).not.toContain('pw-kept-quiet');
  });

  it('opens no store for a database that does not exist, saying which', async () => {
    const error = await openStore(config(cluster.urlOf(`${cluster.role}_missing`)), REPO_ROOT).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error!.message).toContain(`database "${cluster.role}_missing" does not exist`);
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password and credential-like parameters, and all of a text that is not a URL', () => {
    expect(redactDatabaseUrl('postgres://steward:s3cret@db.internal:5432/steward?sslmode=require&sslpassword=k3y')).toBe(
      'postgres://steward:***@db.internal:5432/steward?sslmode=require&sslpassword=***',
    );
    expect(redactDatabaseUrl('postgresql://steward@db/steward')).toBe('postgresql://steward@db/steward');
    expect(redactDatabaseUrl('s3cret but no URL')).toBe('(a text that is not a URL)');
  });
});
