import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Config } from './config/index.ts';
import type { Store } from './store/index.ts';
import { createSqliteStore } from './store/sqlite/create-sqlite-store.ts';

/**
 * Part of the composition root: the embedded store in the data dir. Kept apart from
 * `compose.ts` so CLI key commands start without loading the browser and model layers.
 */
export function resolveDataDir(config: Config, repoRoot: string): string {
  return isAbsolute(config.dataDir) ? config.dataDir : resolve(repoRoot, config.dataDir);
}

/** The store alone, migrated. */
export async function openStore(config: Config, repoRoot: string): Promise<Store> {
  const dataDir = resolveDataDir(config, repoRoot);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = createSqliteStore({ path: join(dataDir, 'steward.db') });
  await store.migrate();
  return store;
}

/**
 * The secret that signs live-view URLs, kept in the data dir so `vnc_url`s survive a restart.
 * Created on first use, readable by the server's user only.
 */
export function liveViewSecret(config: Config, repoRoot: string): Buffer {
  const dataDir = resolveDataDir(config, repoRoot);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'live-view.key');
  try {
    const existing = readFileSync(path);
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  const secret = randomBytes(32);
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}
