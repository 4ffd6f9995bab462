import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Clock } from '../../util/clock.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { SqlStore, type DeletedDataScrubber } from '../sql/sql-store.ts';
import type { StoreDatabase } from '../sql/store-database.ts';
import { StoreUnavailableError } from '../store-error.ts';
import { checkPostgresUrl, redactDatabaseUrl } from './postgres-url.ts';
import { storeTypeParsers } from './store-type-parsers.ts';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; pg reads the rest of libpq's URL options from it. */
  url: string;
  /** Stamps messages appended without a timestamp. Default: the system clock. */
  clock?: Clock | undefined;
  /** Seals the secret columns; the composition root builds it from the secret key. */
  secrets: SecretBox;
  /** Connections the pool may hold open. Default 10 (pg's). */
  maxConnections?: number | undefined;
  /** How long opening a connection may take before it fails. Default 10 s. */
  connectTimeoutMs?: number | undefined;
}

/**
 * PostgreSQL keeps a deleted row's bytes in its table's pages until VACUUM reuses the space, and
 * in the WAL until the segment is recycled; nothing short of rewriting the table takes them out on
 * demand, and a rewrite per delete (VACUUM FULL holds an exclusive lock on the table) is no price
 * for the hot path. So a delete does nothing more here: every secret column is sealed from its
 * first write, and what else a deleted session held leaves at PostgreSQL's pace (docs/configuration.md).
 * The one rebuild, after rows written in plain text were sealed, rewrites the tables that held them.
 */
export const postgresScrubber: DeletedDataScrubber = {
  async rebuild(db) {
    await sql`VACUUM FULL sessions, environments`.execute(db);
  },
};

/**
 * The cluster store: a pg pool behind Kysely, the same `SqlStore` and migrations as SQLite.
 * Connects once before it returns, so a wrong URL, an unreachable server or a refused login is a
 * `StoreUnavailableError` at start-up rather than the first request's failure. Does not migrate;
 * call `migrate()` before first use (several processes may do so at once: Kysely's migrator holds
 * an advisory lock while it runs, so each migration runs once).
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  checkPostgresUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: storeTypeParsers,
  });
  // An idle connection that dies (a server restart, a network cut) is reported here and dropped
  // from the pool; without a listener the event would end the process. The next query opens a
  // fresh connection and fails or succeeds on its own.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new StoreUnavailableError(
      `Cannot connect to the PostgreSQL server at ${redactDatabaseUrl(options.url)}: ${describeConnectFailure(error)}.`,
      { cause: error },
    );
  }
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  return new SqlStore(db, { clock: options.clock, secrets: options.secrets, scrubber: postgresScrubber });
}

/** pg's reason, or, for a host whose every address refused (an `AggregateError` with no message), theirs. */
function describeConnectFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  if (error instanceof AggregateError) return error.errors.map((each: unknown) => (each instanceof Error ? each.message : String(each))).join('; ');
  return (error as NodeJS.ErrnoException).code ?? error.name;
}
