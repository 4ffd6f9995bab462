import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../../util/clock.ts';
import { SqlStore } from '../sql/sql-store.ts';
import type { StoreDatabase } from '../sql/store-database.ts';
import { openSqliteDatabase, type SqliteDatabaseOptions } from './open-sqlite-database.ts';
import { withStatementCache } from './statement-cache.ts';

export interface SqliteStoreOptions extends SqliteDatabaseOptions {
  /** Stamps messages appended without a timestamp. Default: the system clock. */
  clock?: Clock | undefined;
}

/**
 * The embedded store: one better-sqlite3 connection in WAL mode behind Kysely. Opening is
 * synchronous and does not migrate; call `migrate()` before first use.
 *
 * Open one store per file per process: better-sqlite3 waits for a lock synchronously, so a
 * second connection in the same process would block the event loop that the first one needs to
 * finish its transaction. Other processes (a backup, a SQL shell) are fine.
 */
export function createSqliteStore(options: SqliteStoreOptions): SqlStore {
  const database = openSqliteDatabase(options);
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return new SqlStore(db, { clock: options.clock });
}
