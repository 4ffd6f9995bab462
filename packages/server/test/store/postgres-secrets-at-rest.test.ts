import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/create-postgres-store.ts';
import { AesGcmSecretBox } from '../../src/store/secrets/aes-gcm-secret-box.ts';
import { occurrencesIn, PostgresTestCluster } from '../support/postgres-test-cluster.ts';
import { CARD, paymentToken } from './payment-store-contract.ts';
import { apiKey, environment, session } from './store-contract.ts';

// Fails the file, with the way to install or start PostgreSQL, when there is none to use.
const cluster = await PostgresTestCluster.start();
afterAll(() => cluster.close());

/** A marker no other run and no other test writes, so a hit in the shared WAL is this test's. */
const marker = (name: string): string => `${name}-${randomBytes(6).toString('hex')}`;

describe('the PostgreSQL store at rest', () => {
  it('seals proxy and webhook URLs, browser state, session secrets, webhook secrets, cards and task checkpoints: in no table file and no WAL segment', async () => {
    const url = await cluster.createDatabase();
    const store = await createPostgresStore({ url, secrets: new AesGcmSecretBox(randomBytes(32)) });
    await store.migrate();
    const proxyPassword = marker('proxy-pass');
    const hookToken = marker('hook-token');
    const cookie = marker('cookie');
    const typedSecret = marker('typed-secret');
    const webhookSecret = marker('whsec');
    const holder = marker('Card Holder');
    const card = { ...CARD, number: '4000056655665556', name: holder };
    const goal = marker('plain-goal');
    const checkpointCookie = marker('checkpoint-cookie');
    const checkpoint = { step: 3, storage: { cookies: [{ name: 'sid', value: checkpointCookie }] } };

    await store.insertApiKey(apiKey());
    await store.insertSession(session({ goal, webhookUrl: `https://hooks.example.com/${hookToken}`, options: { proxy_url: `http://user:${proxyPassword}@127.0.0.1:3128` } }));
    await store.insertEnvironment(environment({ storageState: { cookies: [{ name: 'sid', value: cookie }], origins: [] } }));
    await store.setSessionSecrets('session-1', { PASSWORD: { value: typedSecret } });
    expect(await store.ensureWebhookSecret('key-1', webhookSecret)).toBe(webhookSecret);
    await store.insertPaymentToken(paymentToken({ last4: '5556' }), card);
    await store.saveCheckpoint('session-1', checkpoint, new Date());
    // Read back whole through the store, so the sealed copies are the ones in the files.
    expect((await store.getSession('session-1'))?.options).toEqual({ proxy_url: `http://user:${proxyPassword}@127.0.0.1:3128` });
    expect(await store.getSessionSecrets('session-1')).toEqual({ PASSWORD: { value: typedSecret } });
    expect(await store.openPaymentCard('ptok_one')).toEqual(card);
    expect((await store.getCheckpoint('session-1'))?.data).toEqual(checkpoint);
    await store.close();
    await cluster.checkpoint();

    const files = [...(await cluster.tableFiles(url)), ...cluster.walFiles()];
    // The grep sees plain columns, in the table files and in the WAL, so a zero below means something.
    expect(occurrencesIn(await cluster.tableFiles(url), goal)).toBeGreaterThan(0);
    expect(occurrencesIn(cluster.walFiles(), goal)).toBeGreaterThan(0);
    for (const secret of [proxyPassword, hookToken, cookie, typedSecret, webhookSecret, holder, card.number, card.number.slice(4, 12), checkpointCookie]) {
      expect(occurrencesIn(files, secret), secret).toBe(0);
    }
  });

  it('seals rows written in plain text before sealing, and rewrites the tables so no plain copy stays in them', async () => {
    const url = await cluster.createDatabase();
    const key = new AesGcmSecretBox(randomBytes(32));
    const first = await createPostgresStore({ url, secrets: key });
    await first.migrate();
    await first.close();
    // Rows as a store without sealing would have left them, written straight into the tables.
    const proxyPassword = marker('legacy-pass');
    const cookie = marker('legacy-cookie');
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    await raw.query(
      `INSERT INTO sessions (id, api_key_id, agent_name, status, execution_status, created_at, updated_at, last_activity_at, webhook_url, max_steps, goal, environment_id, last_message_id, options)
       VALUES ('legacy-1', 'key-1', 'agi-0', 'ready', 'ready', 1, 1, 1, NULL, 50, NULL, 'env-l1', 0, $1)`,
      [JSON.stringify({ proxy_url: `http://u:${proxyPassword}@127.0.0.1:1` })],
    );
    await raw.query(`INSERT INTO environments VALUES ('env-l1', 'key-1', 'legacy-1', $1, 0, 1)`, [JSON.stringify({ cookies: [{ name: 'sid', value: cookie }], origins: [] })]);
    await raw.end();
    await cluster.checkpoint();
    expect(occurrencesIn(await cluster.tableFiles(url), proxyPassword)).toBeGreaterThan(0);

    const store = await createPostgresStore({ url, secrets: key });
    await store.migrate();
    expect(await store.verifySecretKey()).toBe(false);
    expect(await store.sealStoredSecrets()).toBe(2);
    expect(await store.sealStoredSecrets()).toBe(0);
    expect((await store.getSession('legacy-1'))?.options).toEqual({ proxy_url: `http://u:${proxyPassword}@127.0.0.1:1` });
    expect((await store.getEnvironment('env-l1'))?.storageState).toEqual({ cookies: [{ name: 'sid', value: cookie }], origins: [] });
    await store.close();
    await cluster.checkpoint();
    // The tables were rewritten (VACUUM FULL); the WAL keeps its copy until PostgreSQL recycles the
    // segment, which no statement forces (docs/configuration.md says so). A rewrite keeps a dead
    // row version that a transaction still running elsewhere on the cluster may see (the other
    // test files' work, here): the rewrite is repeated until nothing can, as a later start of the
    // server would do. Had sealing failed, the live row itself would hold the text and no rewrite
    // could remove it.
    const plainCopies = async (): Promise<number> => {
      const files = await cluster.tableFiles(url);
      return occurrencesIn(files, proxyPassword) + occurrencesIn(files, cookie);
    };
    for (let attempt = 0; attempt < 10 && (await plainCopies()) > 0; attempt++) {
      const vacuum = new pg.Client({ connectionString: url });
      await vacuum.connect();
      await vacuum.query('VACUUM FULL sessions, environments');
      await vacuum.end();
      await cluster.checkpoint();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    for (const secret of [proxyPassword, cookie]) expect(occurrencesIn(await cluster.tableFiles(url), secret), secret).toBe(0);
  });
});
