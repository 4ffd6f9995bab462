import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Config } from './config/index.ts';
import { preparePrivateDir, PRIVATE_DIR_MODE, writePrivateFile } from './data-dir.ts';
import { findSecretKey, keyMismatch, saveNewSecretKey } from './secret-key.ts';
import { SecretBoxError, type Store } from './store/index.ts';
import { AesGcmSecretBox } from './store/secrets/aes-gcm-secret-box.ts';
import { createSqliteStore } from './store/sqlite/create-sqlite-store.ts';

/**
 * Part of the composition root: the embedded store in the data dir. Kept apart from
 * `compose.ts` so CLI key commands start without loading the browser and model layers.
 */
export function resolveDataDir(config: Config, repoRoot: string): string {
  return isAbsolute(config.dataDir) ? config.dataDir : resolve(repoRoot, config.dataDir);
}

/**
 * The store alone, migrated, its secret key checked, in a private data dir (0700, files 0600).
 * A key that does not open what is sealed stops here (`SecretKeyError`), before anything is read
 * or written; a first start with a key seals the plain secrets of older databases (decision 0008).
 */
export async function openStore(config: Config, repoRoot: string): Promise<Store> {
  const dataDir = resolveDataDir(config, repoRoot);
  preparePrivateDir(dataDir);
  const path = join(dataDir, 'steward.db');
  const key = findSecretKey(config.secretKey, join(dataDir, 'secret.key'));
  const store = createSqliteStore({ path, secrets: new AesGcmSecretBox(key.key) });
  try {
    await store.migrate();
    const verified = await store.verifySecretKey().catch((error: unknown) => {
      throw error instanceof SecretBoxError ? keyMismatch(key, path, error) : error;
    });
    if (!verified) {
      // Written before anything is sealed with it: a crash in between leaves a key and nothing sealed.
      saveNewSecretKey(key);
      await store.sealStoredSecrets();
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
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
