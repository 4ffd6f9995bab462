import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running a
 * point lookup. This wrapper reuses prepared statements by SQL text. Safe because Kysely holds
 * the one connection under a mutex, so a statement is never re-entered while it runs, and SQLite
 * re-prepares a statement by itself after a schema change.
 */
export function withStatementCache(database: Database, capacity = 256): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        // Query shapes are few (values are parameters); the bound only guards against a caller
        // that inlines values into SQL text.
        if (statements.size >= capacity) statements.clear();
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
