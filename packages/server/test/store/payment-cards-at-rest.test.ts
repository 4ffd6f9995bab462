import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from '../../src/store/secrets/aes-gcm-secret-box.ts';
import { createSqliteStore } from '../../src/store/sqlite/create-sqlite-store.ts';
import { CARD, paymentToken } from './payment-store-contract.ts';

const root = mkdtempSync(join(tmpdir(), 'steward-card-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Occurrences of `needle` in the database, its WAL and its -shm together. */
function onDisk(path: string, needle: string): number {
  const wanted = Buffer.from(needle);
  let count = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(path + suffix)) continue;
    const bytes = readFileSync(path + suffix);
    for (let at = bytes.indexOf(wanted); at >= 0; at = bytes.indexOf(wanted, at + 1)) count++;
  }
  return count;
}

describe('payment cards in SQLite', () => {
  it('are sealed on disk, open after a restart, and leave the files once dropped', async () => {
    const path = join(root, 'steward.db');
    const key = randomBytes(32);
    const card = { ...CARD, number: '4000056655665556', name: 'Card Holder 7d1f' };
    const first = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await first.migrate();
    await first.insertPaymentToken(paymentToken({ last4: '5556' }), card);
    await first.close();
    // The whole number, any 8 digits of it, and the holder's name: in no file.
    for (const needle of [card.number, card.number.slice(4, 12), card.name]) expect(onDisk(path, needle), needle).toBe(0);
    // The grep sees plain columns (last4 is one), so a zero above means something.
    expect(onDisk(path, 'ptok_one')).toBeGreaterThan(0);

    const second = createSqliteStore({ path, secrets: new AesGcmSecretBox(key) });
    await second.migrate();
    expect(await second.openPaymentCard('ptok_one')).toEqual(card);
    const raw = new BetterSqlite3(path, { readonly: true });
    const sealed = String(raw.prepare('select card from payment_tokens').pluck().get());
    raw.close();
    const ciphertext = sealed.slice('v1:'.length, 60);
    expect(onDisk(path, ciphertext)).toBeGreaterThan(0);

    await second.updatePaymentToken('ptok_one', ['active'], { status: 'spent', spentAt: new Date(), dropCard: true });
    expect(await second.openPaymentCard('ptok_one')).toBeUndefined();
    // Not even the sealed copy stays behind: zeroed in the file, checkpointed out of the WAL.
    expect(onDisk(path, ciphertext)).toBe(0);
    await second.close();
  });
});
