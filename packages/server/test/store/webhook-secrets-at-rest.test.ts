import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from '../../src/store/secrets/aes-gcm-secret-box.ts';
import { createSqliteStore } from '../../src/store/sqlite/create-sqlite-store.ts';

const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const root = mkdtempSync(join(tmpdir(), 'steward-webhook-secret-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Whether `needle` occurs in the database file or its WAL. */
function onDisk(path: string, needle: string): boolean {
  return ['', '-wal'].some((suffix) => existsSync(path + suffix) && readFileSync(path + suffix).includes(Buffer.from(needle)));
}

describe('webhook secrets in SQLite', () => {
  it('survive a restart and are sealed on disk', async () => {
    const path = join(root, 'steward.db');
    const key = randomBytes(32);
    const secret = newWebhookSecret();
    const first = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await first.migrate();
    expect(await first.ensureWebhookSecret('key-1', secret)).toBe(secret);
    expect(onDisk(path, secret.slice('whsec_'.length, 20))).toBe(false);
    await first.close();

    const second = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await second.migrate();
    expect(await second.ensureWebhookSecret('key-1', newWebhookSecret())).toBe(secret);
    await second.close();
    expect(onDisk(path, secret.slice('whsec_'.length, 20))).toBe(false);
  });
});
