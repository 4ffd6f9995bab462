import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from '../../src/store/secrets/aes-gcm-secret-box.ts';
import { createSqliteStore } from '../../src/store/sqlite/create-sqlite-store.ts';
import { STORE_MIGRATIONS } from '../../src/store/sql/migrations/store-migrations.ts';
import { openSqliteDatabase } from '../../src/store/sqlite/open-sqlite-database.ts';
import { StoreError, UnknownSessionError } from '../../src/store/store-error.ts';
import { apiKey, environment, runStoreContract, session } from './store-contract.ts';
import { runPaymentStoreContract } from './payment-store-contract.ts';

const tempRoot = mkdtempSync(join(tmpdir(), 'steward-store-'));
let fileCounter = 0;
const secrets = new AesGcmSecretBox(randomBytes(32));
const tempPath = (): string => join(tempRoot, `db-${++fileCounter}`, 'steward.sqlite');

afterAll(() => {
  rmSync(tempRoot, { recursive: true, force: true });
});

runStoreContract('sqlite :memory:', () => Promise.resolve(createSqliteStore({ path: ':memory:', secrets })));
runStoreContract('sqlite file', () => Promise.resolve(createSqliteStore({ path: tempPath(), secrets })));
runPaymentStoreContract('sqlite :memory:', () => Promise.resolve(createSqliteStore({ path: ':memory:', secrets })));
runPaymentStoreContract('sqlite file', () => Promise.resolve(createSqliteStore({ path: tempPath(), secrets })));

describe('createSqliteStore', () => {
  it('creates the missing parent directory, the tables and the indexes', async () => {
    const path = tempPath();
    expect(existsSync(join(path, '..'))).toBe(false);
    const store = createSqliteStore({ path, busyTimeoutMs: 1234, secrets });
    await store.migrate();
    await store.close();
    expect(existsSync(path)).toBe(true);

    // journal_mode = WAL is stored in the file itself.
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['api_keys', 'environments', 'messages', 'sessions']));
      const indexes = raw.prepare("select name from sqlite_master where type = 'index' and name not like 'sqlite_%'").pluck().all();
      expect(indexes).toEqual(expect.arrayContaining(['sessions_api_key_created_idx', 'environments_session_idx', 'environments_default_idx']));
    } finally {
      raw.close();
    }
  });

  it('sets synchronous, busy_timeout, foreign keys and secure_delete on the connection it opens', () => {
    const database = openSqliteDatabase({ path: tempPath(), busyTimeoutMs: 1234 });
    try {
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(database.pragma('synchronous', { simple: true })).toBe(1);
      expect(database.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(database.pragma('secure_delete', { simple: true })).toBe(1);
    } finally {
      database.close();
    }
  });

  it('opens an in-memory database for :memory: without touching the disk', () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    try {
      expect(database.memory).toBe(true);
      expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      database.close();
    }
  });

  it('wraps a failure to open in a StoreError with the cause', () => {
    // A path below a regular file can never be created.
    const blocker = join(tempRoot, 'a-regular-file');
    writeFileSync(blocker, 'not a directory');
    let thrown: unknown;
    try {
      createSqliteStore({ path: join(blocker, 'child', 'x.sqlite'), secrets });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).cause).toBeInstanceOf(Error);
  });

  it('throws UnknownSessionError for an append to a missing session', async () => {
    const store = createSqliteStore({ path: ':memory:', secrets });
    await store.migrate();
    await expect(store.appendMessage('missing', { type: 'LOG', content: 'x', metadata: {}, internal: false })).rejects.toBeInstanceOf(UnknownSessionError);
    await store.close();
  });

  it('keeps everything across a restart on the same file, and migrate() twice is harmless', async () => {
    const path = tempPath();
    const first = createSqliteStore({ path, secrets });
    await first.migrate();
    await first.migrate();
    await first.insertApiKey(apiKey());
    await first.revokeApiKey('key-1', new Date('2025-02-01T00:00:00.000Z'));
    await first.insertSession(session({ goal: 'persist me', options: { a: [1, { b: 'c' }] } }));
    await first.insertSession(session({ id: 'session-2', status: 'terminated' }));
    const written = [
      await first.appendMessage('session-1', { type: 'USER', content: 'hi', metadata: { from: 'client' }, internal: false }),
      await first.appendMessage('session-1', { type: 'THOUGHT', content: { plan: ['a', 'b'] }, metadata: {}, internal: true }),
      await first.appendMessage('session-1', { type: 'DONE', content: ['x', 1], metadata: {}, internal: false }),
    ];
    await first.insertEnvironment(environment({ isDefault: true }));
    const keyBefore = await first.getApiKey('key-1');
    const sessionBefore = await first.getSession('session-1');
    await first.close();

    const second = createSqliteStore({ path, secrets });
    await second.migrate();
    await second.migrate();
    expect(await second.getApiKey('key-1')).toEqual(keyBefore);
    expect(await second.getSession('session-1')).toEqual(sessionBefore);
    expect(sessionBefore?.lastMessageId).toBe(3);
    expect(await second.listMessages('session-1', { afterId: 0, includeInternal: true })).toEqual(written);
    expect((await second.listLiveSessions()).map((s) => s.id)).toEqual(['session-1']);
    expect((await second.getDefaultEnvironment('key-1'))?.id).toBe('env-1');
    // The counter survived: numbering continues rather than restarting.
    expect((await second.appendMessage('session-1', { type: 'LOG', content: 'after restart', metadata: {}, internal: false })).id).toBe(4);
    await second.close();

    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      const applied = raw.prepare('select name from kysely_migration order by name').pluck().all();
      expect(applied).toEqual(Object.keys(STORE_MIGRATIONS));
    } finally {
      raw.close();
    }
  });
});
