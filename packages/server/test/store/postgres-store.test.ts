import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/create-postgres-store.ts';
import { AesGcmSecretBox } from '../../src/store/secrets/aes-gcm-secret-box.ts';
import { SecretBoxError } from '../../src/store/secrets/secret-box.ts';
import { STORE_MIGRATIONS } from '../../src/store/sql/migrations/store-migrations.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { StoreError, StoreUnavailableError } from '../../src/store/store-error.ts';
import { PostgresTestCluster } from '../support/postgres-test-cluster.ts';
import { runPaymentStoreContract } from './payment-store-contract.ts';
import { raceForOneLease, session, runStoreContract } from './store-contract.ts';

// Fails the file, with the way to install or start PostgreSQL, when there is none to use.
const cluster = await PostgresTestCluster.start();
afterAll(() => cluster.close());

const secrets = new AesGcmSecretBox(randomBytes(32));
const freshStore = async (): Promise<SqlStore> => createPostgresStore({ url: await cluster.createDatabase(), secrets });

runStoreContract('postgres', freshStore);
runPaymentStoreContract('postgres', freshStore);

/** Runs `body` with stores that stand for separate servers (a pool each) on one database, and closes them. */
async function withServers<T>(url: string, count: number, body: (stores: SqlStore[]) => Promise<T>, key = secrets): Promise<T> {
  const stores = await Promise.all(Array.from({ length: count }, () => createPostgresStore({ url, secrets: key })));
  try {
    return await body(stores);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

async function rawQuery<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  // A plain client with pg's global type parsers: what the store's own pool does not change.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL store', () => {
  it('numbers concurrent appends to one session 1..n, from two servers at once', async () => {
    const url = await cluster.createDatabase();
    await withServers(url, 2, async ([a, b]) => {
      await a!.migrate();
      await a!.insertSession(session());
      const perServer = 60;
      const appends = [a!, b!].flatMap((store, server) =>
        Array.from({ length: perServer }, (_, i) => store.appendMessage('session-1', { type: 'LOG', content: `server ${server} #${i}`, metadata: {}, internal: false })),
      );
      const ids = (await Promise.all(appends)).map((message) => message.id);
      expect(new Set(ids).size).toBe(2 * perServer);
      expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * perServer }, (_, i) => i + 1));
      expect((await b!.getSession('session-1'))?.lastMessageId).toBe(2 * perServer);
      const stored = await a!.listMessages('session-1', { afterId: 0, includeInternal: true });
      expect(stored.map((message) => message.id)).toEqual(Array.from({ length: 2 * perServer }, (_, i) => i + 1));
    });
  });

  it('gives a lease that two servers race for, free or expired, to exactly one of them, 20 times over', async () => {
    const url = await cluster.createDatabase();
    await withServers(url, 2, async ([a, b]) => {
      await a!.migrate();
      await raceForOneLease(a!, b!, 20);
    });
  });

  it('migrates once when several servers start together on a fresh database, and they agree on one key check', async () => {
    const url = await cluster.createDatabase();
    await withServers(url, 4, async (stores) => {
      const migrated = await Promise.allSettled(stores.map((store) => store.migrate()));
      expect(migrated.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      // Every server then stores the key check, as openStore does; one row stays, and it opens for all.
      await Promise.all(stores.map((store) => store.sealStoredSecrets()));
      expect(await Promise.all(stores.map((store) => store.verifySecretKey()))).toEqual([true, true, true, true]);
    });
    const applied = await rawQuery<{ name: string }>(url, 'SELECT name FROM kysely_migration ORDER BY name');
    expect(applied.map((row) => row.name)).toEqual(Object.keys(STORE_MIGRATIONS));
    const tables = await rawQuery<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.map((row) => row.table_name)).toEqual([
      'api_keys',
      'approvals',
      'environments',
      'kysely_migration',
      'kysely_migration_lock',
      'messages',
      'payment_tokens',
      'secret_key_check',
      'session_leases',
      'session_secrets',
      'sessions',
      'task_checkpoints',
      'webhook_secrets',
      'workers',
    ]);
    expect(await rawQuery(url, 'SELECT id FROM secret_key_check')).toHaveLength(1);
    // A server with another key is told so, before it reads anything.
    await withServers(url, 1, async ([other]) => {
      await other!.migrate();
      await expect(other!.verifySecretKey()).rejects.toBeInstanceOf(SecretBoxError);
    }, new AesGcmSecretBox(randomBytes(32)));
  });

  it('reads bigint columns as exact numbers through its own pool, and refuses one a number cannot hold', async () => {
    const url = await cluster.createDatabase();
    await withServers(url, 1, async ([store]) => {
      await store!.migrate();
      const lastInstant = new Date('9999-12-31T23:59:59.999Z');
      await store!.insertSession(session({ createdAt: lastInstant, updatedAt: lastInstant, lastActivityAt: lastInstant }));
      expect((await store!.getSession('session-1'))?.createdAt).toEqual(lastInstant);
      // pg's global parsers are untouched: a plain client still gets int8 as text.
      expect(await rawQuery(url, 'SELECT created_at FROM sessions')).toEqual([{ created_at: String(lastInstant.getTime()) }]);
      await rawQuery(url, 'UPDATE sessions SET created_at = $1', [String(2n ** 53n + 1n)]);
      const read = await store!.getSession('session-1').then(() => undefined, (error: unknown) => error);
      expect(read).toBeInstanceOf(StoreError);
      expect((read as Error).message).toContain('9007199254740993');
    });
  });

  it('refuses a URL that is not PostgreSQL’s, a server that is not there and a wrong password, never showing the password', async () => {
    const refusals = [
      createPostgresStore({ url: 'mysql://steward:pw-not-shown-1@127.0.0.1/steward', secrets }),
      createPostgresStore({ url: 'postgres://steward:pw-not-shown-2@127.0.0.1:notaport/steward', secrets }),
      // Port 1 on loopback: nothing listens there.
      createPostgresStore({ url: 'postgres://steward:pw-not-shown-3@127.0.0.1:1/steward', secrets, connectTimeoutMs: 2000 }),
      createPostgresStore({ url: cluster.urlOf('postgres', 'pw-not-shown-4'), secrets }),
    ];
    const errors = await Promise.all(refusals.map((opening) => opening.then(() => undefined, (error: unknown) => error as Error)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error!.message).not.toMatch(/pw-not-shown/);
    }
    expect(errors[0]!.message).toBe('The database URL mysql://steward:***@127.0.0.1/steward is not a PostgreSQL URL: expected postgres://user:password@host:5432/database.');
    expect(errors[1]!.message).toBe('The database URL is not a URL: expected postgres://user:password@host:5432/database.');
    expect(errors[2]!.message).toMatch(/^Cannot connect to the PostgreSQL server at postgres:\/\/steward:\*\*\*@127\.0\.0\.1:1\/steward: .*ECONNREFUSED/);
    expect(errors[3]!.message).toContain(`password authentication failed for user "${cluster.role}"`);
  });
});
