import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../store-error.ts';

export interface SqliteDatabaseOptions {
  /** Database file, created with its parent directory when missing; `':memory:'` for a private in-memory database. */
  path: string;
  /** How long a statement waits for another connection's lock before failing (`busy_timeout`). Default 5000. */
  busyTimeoutMs?: number | undefined;
}

/** The database, its WAL and its shared-memory index: readable by the server's user only. */
const FILE_MODE = 0o600;

/** Opens one better-sqlite3 connection with the settings the store relies on. */
export function openSqliteDatabase(options: SqliteDatabaseOptions): BetterSqlite3.Database {
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
  const inMemory = options.path === ':memory:' || options.path === '';
  let database: BetterSqlite3.Database | undefined;
  try {
    if (!inMemory) {
      mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
      ensurePrivateFile(options.path);
    }
    database = new BetterSqlite3(options.path, { timeout: busyTimeoutMs });
    // WAL lets readers in other processes (backups, a SQL shell) run beside the writer.
    database.pragma('journal_mode = WAL');
    // Under WAL, NORMAL may lose the last commits on power loss but never corrupts the file.
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    database.pragma('foreign_keys = ON');
    // Deleted rows are overwritten with zeros, not just unlinked: a deleted session leaves no
    // readable page behind (the WAL is handled after each delete, see create-sqlite-store.ts).
    database.pragma('secure_delete = ON');
    if (!inMemory) {
      // SQLite gives the WAL and -shm the database file's mode; files from an older start may not have it.
      for (const suffix of ['-wal', '-shm']) if (existsSync(options.path + suffix)) chmodSync(options.path + suffix, FILE_MODE);
    }
    return database;
  } catch (error) {
    database?.close();
    throw new StoreError(`Cannot open the SQLite database at ${options.path}.`, { cause: error });
  }
}

/** Creates the file 0600 before SQLite does (whatever the umask), or narrows an existing one to it. */
function ensurePrivateFile(path: string): void {
  const fd = openSync(path, 'a', FILE_MODE);
  try {
    fchmodSync(fd, FILE_MODE);
  } finally {
    closeSync(fd);
  }
}
