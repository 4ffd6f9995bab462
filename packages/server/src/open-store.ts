import { mkdirSync } from 'node:fs';
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
