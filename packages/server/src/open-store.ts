import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type Config } from './config/index.ts';
import { preparePrivateDir, PRIVATE_DIR_MODE, writePrivateFile } from './data-dir.ts';
import { findSecretKey, keyMismatch, saveNewSecretKey } from './secret-key.ts';
import { SecretBoxError, StoreUnavailableError, type SecretBox, type Store } from './store/index.ts';
import { createPostgresStore } from './store/postgres/create-postgres-store.ts';
import { redactDatabaseUrl } from './store/postgres/postgres-url.ts';
import { AesGcmSecretBox, parseSecretKey } from './store/secrets/aes-gcm-secret-box.ts';
import type { SqlStore } from './store/sql/sql-store.ts';
import { createSqliteStore } from './store/sqlite/create-sqlite-store.ts';

/**
 * Part of the composition root: the store, embedded SQLite in the data dir or PostgreSQL at
 * `STEWARD_DATABASE_URL`. Kept apart from `compose.ts` so CLI key commands start without loading
 * the browser and model layers.
 */
export function resolveDataDir(config: Config, repoRoot: string): string {
  return isAbsolute(config.dataDir) ? config.dataDir : resolve(repoRoot, config.dataDir);
}

/**
 * The store alone, migrated, its secret key checked; the data dir private (0700, files 0600) either
 * way, since the key file and other state live there. A key that does not open what is sealed
 * stops here (`SecretKeyError`), before anything is read or written; a first start with a key
 * seals the plain secrets of older databases (decision 0008). A database URL that is not one or a
 * server that cannot be reached stops here too (`StoreUnavailableError`).
 */
export async function openStore(config: Config, repoRoot: string): Promise<Store> {
  const dataDir = resolveDataDir(config, repoRoot);
  preparePrivateDir(dataDir);
  const key = findSecretKey(config.secretKey, join(dataDir, 'secret.key'));
  const { store, where } = await createConfiguredStore(config, dataDir, new AesGcmSecretBox(key.key));
  try {
    await store.migrate();
    const verifiedOrThrow = () =>
      store.verifySecretKey().catch((error: unknown) => {
        throw error instanceof SecretBoxError ? keyMismatch(key, where, error) : error;
      });
    if (!(await verifiedOrThrow())) {
      // Written before anything is sealed with it: a crash in between leaves a key and nothing sealed.
      saveNewSecretKey(key);
      await store.sealStoredSecrets();
      // Another server may have started on the same database at the same moment and stored its
      // key's check row first: this key must be that one.
      await verifiedOrThrow();
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** The configured store, unmigrated, and how to name its database in a message (never with a password). */
async function createConfiguredStore(config: Config, dataDir: string, secrets: SecretBox): Promise<{ store: SqlStore; where: string }> {
  if (config.databaseUrl === undefined) {
    const path = join(dataDir, 'steward.db');
    return { store: createSqliteStore({ path, secrets }), where: path };
  }
  try {
    return { store: await createPostgresStore({ url: config.databaseUrl, secrets }), where: redactDatabaseUrl(config.databaseUrl) };
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new StoreUnavailableError(`STEWARD_DATABASE_URL: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The secret that signs live-view URLs, kept in the data dir so `vnc_url`s survive a restart.
 * Created on first use, readable by the server's user only.
 */
export function liveViewSecret(config: Config, repoRoot: string): Buffer {
  const dataDir = resolveDataDir(config, repoRoot);
  // Narrowed with everything else by openStore; this only needs it to exist.
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = join(dataDir, 'live-view.key');
  try {
    const existing = readFileSync(path);
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  const secret = randomBytes(32);
  try {
    writePrivateFile(path, secret);
  } catch (error) {
    // Another process (a CLI command) made it first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path);
    throw error;
  }
  return secret;
}

/**
 * Cluster mode: every node signs and checks live-view URLs with the same secret, derived from the
 * STEWARD_SECRET_KEY they share (a data-dir file would differ per node).
 */
export function clusterLiveViewSecret(config: Config): Buffer {
  if (config.secretKey === undefined) throw new ConfigError(`STEWARD_ROLE=${config.role} needs STEWARD_SECRET_KEY, the same on every node (e.g. \`openssl rand -base64 32\`).`);
  const key = parseSecretKey(config.secretKey);
  if (key === undefined) throw new ConfigError('STEWARD_SECRET_KEY is not a key: expected 32 bytes as 64 hex digits or as base64.');
  return createHmac('sha256', key).update('steward live-view tokens').digest();
}
