import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The test machine's own PostgreSQL (Debian's `postgresql` package), started when it is down, with
 * a login role that lives as long as one test file.
 *
 * How the tests log in: Debian's pg_hba.conf lets the `postgres` OS user in over the local socket
 * (peer) and anyone over 127.0.0.1 with a password (scram-sha-256). So psql runs as `postgres`
 * (runuser, which needs root) only to create a role with a random password, CREATEDB and
 * pg_checkpoint; every test connection is then that role over 127.0.0.1 with its password, the way
 * a server is given STEWARD_DATABASE_URL. pg_hba.conf is left as Debian ships it.
 */
export class PostgresTestCluster {
  readonly #port: number;
  readonly #dataDir: string;
  readonly #role: string;
  readonly #password: string;
  readonly #admin: pg.Client;
  readonly #databases: string[] = [];

  private constructor(cluster: Cluster, role: string, password: string, admin: pg.Client) {
    this.#port = cluster.port;
    this.#dataDir = cluster.dataDir;
    this.#role = role;
    this.#password = password;
    this.#admin = admin;
  }

  /** Finds the cluster, starts it when it is down, and creates this file's role. */
  static async start(): Promise<PostgresTestCluster> {
    const cluster = runningCluster();
    const role = `steward_test_${randomBytes(5).toString('hex')}`;
    const password = randomBytes(18).toString('hex');
    // On stdin, so the password shows in no process list.
    superuserSql(cluster, `CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${password}'; GRANT pg_checkpoint TO ${role};`);
    const admin = new pg.Client({ connectionString: databaseUrl(cluster.port, role, password, 'postgres') });
    await admin.connect();
    return new PostgresTestCluster(cluster, role, password, admin);
  }

  /** A fresh, empty database owned by this file's role; its URL. Dropped by `close`. */
  async createDatabase(): Promise<string> {
    const name = `${this.#role}_${this.#databases.length + 1}`;
    await this.#admin.query(`CREATE DATABASE ${name}`);
    this.#databases.push(name);
    return this.urlOf(name);
  }

  /** The URL of one of this file's databases, as STEWARD_DATABASE_URL would hold it. */
  urlOf(database: string, password = this.#password): string {
    return databaseUrl(this.#port, this.#role, password, database);
  }

  /** Port on 127.0.0.1 and role, for URLs a test builds itself (a wrong password, a missing database). */
  get port(): number {
    return this.#port;
  }

  get role(): string {
    return this.#role;
  }

  /** Writes every dirty page to the data files, so what was committed can be looked for there. */
  async checkpoint(): Promise<void> {
    await this.#admin.query('CHECKPOINT');
  }

  /** The files that hold a database's tables and indexes (`base/<oid>/`). Read as root. */
  async tableFiles(url: string): Promise<string[]> {
    const name = new URL(url).pathname.slice(1);
    const { rows } = await this.#admin.query<{ oid: string }>('SELECT oid::text FROM pg_database WHERE datname = $1', [name]);
    const oid = rows[0]?.oid;
    if (oid === undefined) throw new Error(`No database ${name}.`);
    const dir = join(this.#dataDir, 'base', oid);
    return readdirSync(dir).map((file) => join(dir, file));
  }

  /** The cluster's WAL segments (shared by all its databases). */
  walFiles(): string[] {
    const dir = join(this.#dataDir, 'pg_wal');
    return readdirSync(dir)
      .filter((file) => /^[0-9A-F]{24}$/.test(file))
      .map((file) => join(dir, file));
  }

  /** Drops this file's databases and its role. */
  async close(): Promise<void> {
    for (const name of this.#databases) await this.#admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await this.#admin.end();
    superuserSql({ port: this.#port, dataDir: this.#dataDir }, `DROP ROLE IF EXISTS ${this.#role};`);
  }
}

/** Occurrences of `needle` in `files` together. */
export function occurrencesIn(files: readonly string[], needle: string): number {
  const wanted = Buffer.from(needle, 'utf8');
  let count = 0;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      // A segment recycled or a relation file unlinked between listing and reading holds nothing.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (let at = bytes.indexOf(wanted); at >= 0; at = bytes.indexOf(wanted, at + 1)) count++;
  }
  return count;
}

interface Cluster {
  port: number;
  dataDir: string;
}

interface ListedCluster {
  version: number | string;
  cluster: string;
  port: string | number;
  running: number;
  pgdata: string;
}

const INSTALL = 'As root: apt-get update && apt-get install -y postgresql (Debian); .ci/run does this when it is missing.';

function listClusters(): ListedCluster[] {
  const listed = spawnSync('pg_lsclusters', ['--json'], { encoding: 'utf8' });
  if (listed.error !== undefined) {
    throw new Error(`PostgreSQL is not installed (no pg_lsclusters): the PostgreSQL store tests need a local cluster. ${INSTALL}`);
  }
  if (listed.status !== 0) throw new Error(`pg_lsclusters failed: ${listed.stderr}`);
  return JSON.parse(listed.stdout) as ListedCluster[];
}

/** The first cluster pg_lsclusters lists, started when it is down (as root: pg_ctlcluster). */
function runningCluster(): Cluster {
  const first = listClusters()[0];
  if (first === undefined) throw new Error(`PostgreSQL is installed but has no cluster. As root: pg_createcluster --start 15 main. ${INSTALL}`);
  const id = [String(first.version), first.cluster];
  if (first.running !== 1) {
    if (process.getuid?.() !== 0) throw new Error(`The PostgreSQL cluster ${id.join('/')} is down. As root: pg_ctlcluster ${id.join(' ')} start.`);
    const started = spawnSync('pg_ctlcluster', [...id, 'start'], { encoding: 'utf8' });
    // Another test file may have started it a moment earlier; only a cluster still down is a failure.
    const now = listClusters().find((each) => String(each.version) === id[0] && each.cluster === id[1]);
    if (now?.running !== 1) throw new Error(`pg_ctlcluster ${id.join(' ')} start failed: ${started.stderr}`);
  }
  return { port: Number(first.port), dataDir: first.pgdata };
}

/** Runs SQL as the `postgres` superuser over the local socket (peer authentication). */
function superuserSql(cluster: Cluster, text: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error('The PostgreSQL store tests create their login role as the postgres OS user (runuser), so they run as root, as CI does.');
  }
  const result = spawnSync('runuser', ['-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', String(cluster.port), '-d', 'postgres', '-f', '-'], {
    input: text,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`psql as postgres failed: ${result.stderr || result.error?.message}`);
}

function databaseUrl(port: number, role: string, password: string, database: string): string {
  return `postgres://${role}:${password}@127.0.0.1:${port}/${database}`;
}
