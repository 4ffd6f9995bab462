import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmSecretBox, generateSecretKey, parseSecretKey } from '../../src/store/secrets/aes-gcm-secret-box.ts';
import { isSealed, SecretBoxError } from '../../src/store/secrets/secret-box.ts';
import { createSqliteStore } from '../../src/store/sqlite/create-sqlite-store.ts';
import { environment, session } from './store-contract.ts';

const tempRoot = mkdtempSync(join(tmpdir(), 'steward-at-rest-'));
let counter = 0;
const tempPath = (): string => join(tempRoot, `db-${++counter}`, 'steward.db');
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

const PROXY = 'http://user:proxy-pass-6b2e@127.0.0.1:3128';
const HOOK = 'https://hooks.example.com/T000/B000/hook-token-91ad';
const COOKIE = 'cookie-value-0c4f7e';
const TYPED = 'message-marker-5a1d';
const CHECKPOINT_COOKIE = 'checkpoint-cookie-e83b';

/** Occurrences of `needle` in the database, its WAL and its -shm, by file suffix. */
function rawHits(path: string, needle: string): Record<string, number> {
  const wanted = Buffer.from(needle, 'utf8');
  const hits: Record<string, number> = {};
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (!existsSync(path + suffix)) continue;
    const bytes = readFileSync(path + suffix);
    let count = 0;
    for (let at = bytes.indexOf(wanted); at >= 0; at = bytes.indexOf(wanted, at + 1)) count++;
    if (count > 0) hits[suffix || 'db'] = count;
  }
  return hits;
}

describe('AesGcmSecretBox', () => {
  const box = new AesGcmSecretBox(randomBytes(32));

  it('round-trips, with a fresh nonce each time, in the versioned format', () => {
    const text = `${PROXY} ünïcødé ${'x'.repeat(5000)}`;
    const a = box.seal(text);
    const b = box.seal(text);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(box.open(a)).toBe(text);
    expect(box.open(box.seal(''))).toBe('');
  });

  it('refuses a changed ciphertext, nonce or tag, a wrong key and an unknown format', () => {
    const sealed = box.seal(PROXY);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    for (const at of [0, 12, 28, bytes.length - 1]) {
      const changed = Buffer.from(bytes);
      changed[at] = changed[at]! ^ 1;
      expect(() => box.open(`v1:${changed.toString('base64')}`), `byte ${at}`).toThrow(SecretBoxError);
    }
    expect(() => box.open(`v1:${bytes.subarray(0, 20).toString('base64')}`)).toThrow(SecretBoxError);
    expect(() => new AesGcmSecretBox(randomBytes(32)).open(sealed)).toThrow(SecretBoxError);
    expect(() => box.open(`v2:${bytes.toString('base64')}`)).toThrow(SecretBoxError);
    expect(() => new AesGcmSecretBox(randomBytes(16))).toThrow(RangeError);
  });

  it('reads keys as hex or base64 (standard or URL-safe), and nothing else', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(`${key.toString('base64')}\n`)).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretKey(generateSecretKey())).toHaveLength(32);
    for (const bad of ['', 'short', key.toString('hex').slice(2), randomBytes(31).toString('base64'), randomBytes(33).toString('base64')]) {
      expect(parseSecretKey(bad), bad).toBeUndefined();
    }
  });
});

describe('the SQLite store at rest', () => {
  it('seals proxy URLs, webhook URLs, saved browser state and task checkpoints, and reads them back', async () => {
    const path = tempPath();
    const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store.migrate();
    const record = session({ webhookUrl: HOOK, options: { proxy_url: PROXY } });
    await store.insertSession(record);
    await store.insertEnvironment(environment({ storageState: { cookies: [{ name: 'sid', value: COOKIE }], origins: [] } }));
    expect((await store.getSession('session-1'))?.options).toEqual({ proxy_url: PROXY });
    expect((await store.getSession('session-1'))?.webhookUrl).toBe(HOOK);
    expect((await store.getEnvironment('env-1'))?.storageState).toEqual({ cookies: [{ name: 'sid', value: COOKIE }], origins: [] });
    const checkpoint = { step: 3, storage: { cookies: [{ name: 'sid', value: CHECKPOINT_COOKIE }] } };
    await store.saveCheckpoint('session-1', checkpoint, new Date());
    expect((await store.getCheckpoint('session-1'))?.data).toEqual(checkpoint);
    for (const secret of ['proxy-pass-6b2e', 'hook-token-91ad', COOKIE, CHECKPOINT_COOKIE]) expect(rawHits(path, secret), secret).toEqual({});
    await store.close();
  });

  it('seals session secrets, and leaves no byte of a replaced or deleted one', async () => {
    const path = tempPath();
    const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store.migrate();
    await store.insertSession(session({ id: 's1' }));
    await store.setSessionSecrets('s1', { PASSWORD: { value: 'first-secret-3e9a' } });
    expect(rawHits(path, 'first-secret-3e9a')).toEqual({});
    expect(await store.getSessionSecrets('s1')).toEqual({ PASSWORD: { value: 'first-secret-3e9a' } });
    await store.setSessionSecrets('s1', { PASSWORD: { value: 'second-secret-77c1' } });
    await store.deleteSession('s1');
    await store.close();
    for (const secret of ['first-secret-3e9a', 'second-secret-77c1', 'PASSWORD']) expect(rawHits(path, secret), secret).toEqual({});
  });

  it('leaves no byte of a deleted session in the database, its WAL or -shm', async () => {
    const path = tempPath();
    const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store.migrate();
    await store.insertSession(session({ goal: `goal ${TYPED}` }));
    await store.insertSession(session({ id: 'session-2', goal: 'stays' }));
    // Enough rows (some on overflow pages) that the session spans many pages, each rewritten in the WAL.
    for (let i = 0; i < 40; i++) {
      await store.appendMessage('session-1', { type: 'LOG', content: `${TYPED} ${i} ${'y'.repeat(i * 200)}`, metadata: { typed: TYPED }, internal: i % 2 === 0 });
      await store.appendMessage('session-2', { type: 'LOG', content: `other ${i}`, metadata: {}, internal: false });
    }
    expect(Object.values(rawHits(path, TYPED)).reduce((a, b) => a + b, 0)).toBeGreaterThan(40);
    expect(await store.deleteSession('session-1')).toBe(true);
    expect(rawHits(path, TYPED)).toEqual({});
    expect((await store.listMessages('session-2', { afterId: 0, includeInternal: true })).length).toBe(40);
    await store.close();
  });

  it('creates the database, WAL and -shm 0600 whatever the umask, and narrows an existing file', async () => {
    const path = tempPath();
    // A file left by an older start, readable by everyone.
    const store0 = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store0.close();
    chmodSync(path, 0o644);
    const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store.migrate();
    await store.insertSession(session());
    for (const suffix of ['', '-wal', '-shm']) expect((statSync(path + suffix).mode & 0o777).toString(8), suffix).toBe('600');
    await store.close();
  });

  it('knows its key: a wrong key is an error before anything is read, a new database has no check yet', async () => {
    const path = tempPath();
    const key = randomBytes(32);
    const first = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await first.migrate();
    expect(await first.verifySecretKey()).toBe(false);
    await first.sealStoredSecrets();
    expect(await first.verifySecretKey()).toBe(true);
    await first.insertSession(session({ options: { proxy_url: PROXY } }));
    await first.close();

    const wrong = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await wrong.migrate();
    await expect(wrong.verifySecretKey()).rejects.toBeInstanceOf(SecretBoxError);
    await wrong.close();

    const right = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await right.migrate();
    expect(await right.verifySecretKey()).toBe(true);
    expect((await right.getSession('session-1'))?.options).toEqual({ proxy_url: PROXY });
    await right.close();
  });

  it('reads rows written before sealing, then seals them and leaves no plain copy behind', async () => {
    const path = tempPath();
    // A database as an older Steward left it: secrets in plain text, then one session deleted
    // without secure_delete (its pages freed, not zeroed).
    const key = randomBytes(32);
    const older = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await older.migrate();
    await older.close();
    const raw = new BetterSqlite3(path);
    raw.pragma('secure_delete = OFF');
    const insert = raw.prepare(
      `insert into sessions (id, api_key_id, agent_name, status, execution_status, created_at, updated_at, last_activity_at, webhook_url, max_steps, goal, environment_id, last_message_id, options)
       values (?, 'key-1', 'agi-0', 'ready', 'ready', 1, 1, 1, ?, 50, null, ?, 0, ?)`,
    );
    insert.run('legacy-1', HOOK, 'env-l1', JSON.stringify({ proxy_url: PROXY }));
    // Large enough for overflow pages: freed whole onto the free list, which no later write touches.
    insert.run('legacy-gone', null, 'env-l2', JSON.stringify({ proxy_url: 'http://u:deleted-pass-77@127.0.0.1:1', note: 'deleted-pass-77 '.repeat(2000) }));
    raw.prepare(`insert into environments values ('env-l1', 'key-1', 'legacy-1', ?, 0, 1)`).run(JSON.stringify({ cookies: [{ name: 'sid', value: COOKIE }], origins: [] }));
    raw.prepare(`delete from sessions where id = 'legacy-gone'`).run();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    expect(rawHits(path, 'deleted-pass-77')).not.toEqual({});

    const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await store.migrate();
    expect((await store.getSession('legacy-1'))?.options).toEqual({ proxy_url: PROXY });
    expect(await store.verifySecretKey()).toBe(false);
    expect(await store.sealStoredSecrets()).toBe(2);
    expect(await store.sealStoredSecrets()).toBe(0);
    expect(await store.getSession('legacy-1')).toMatchObject({ webhookUrl: HOOK, options: { proxy_url: PROXY } });
    expect((await store.getEnvironment('env-l1'))?.storageState).toEqual({ cookies: [{ name: 'sid', value: COOKIE }], origins: [] });
    for (const secret of ['proxy-pass-6b2e', 'hook-token-91ad', COOKIE, 'deleted-pass-77']) expect(rawHits(path, secret), secret).toEqual({});
    await store.close();
  });

  it('refuses to guess at a key-check row that is not one', async () => {
    const path = tempPath();
    const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store.migrate();
    await store.close();
    const raw = new BetterSqlite3(path);
    raw.prepare(`insert into secret_key_check values ('store', 'v1:AAAA', 1)`).run();
    raw.close();
    const again = createSqliteStore({ path, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await again.migrate();
    await expect(again.verifySecretKey()).rejects.toBeInstanceOf(SecretBoxError);
    await again.close();
  });
});
