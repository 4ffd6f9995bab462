import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Clock } from '../../util/clock.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { SqlStore, type DeletedDataScrubber } from '../sql/sql-store.ts';
import type { StoreDatabase } from '../sql/store-database.ts';
import { openSqliteDatabase, type SqliteDatabaseOptions } from './open-sqlite-database.ts';
import { withStatementCache } from './statement-cache.ts';

export interface SqliteStoreOptions extends SqliteDatabaseOptions {
  /** Stamps messages appended without a timestamp. Default: the system clock. */
  clock?: Clock | undefined;
  /** Seals the secret columns; the composition root builds it from the secret key. */
  secrets: SecretBox;
}

/**
 * With `secure_delete` a delete zeroes the rows in the pages it writes, but those pages go to the
 * WAL first and earlier frames of the same pages (holding the rows) stay in the -wal file until a
 * checkpoint and are only overwritten when the WAL restarts. A TRUNCATE checkpoint copies the WAL
 * back into the database and cuts the -wal file to zero bytes. It cannot finish while another
 * process reads an old snapshot (a backup, a SQL shell); the next delete's checkpoint then does.
 */
export const sqliteScrubber: DeletedDataScrubber = {
  async afterDelete(db) {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  },
  async rebuild(db) {
    // Rewrites every page, so freed pages written before secure_delete was on go too.
    await sql`VACUUM`.execute(db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  },
};

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
  return new SqlStore(db, { clock: options.clock, secrets: options.secrets, scrubber: sqliteScrubber });
}
