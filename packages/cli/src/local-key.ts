import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_KEY_FILE, LocalServerError } from './local-server.ts';

/** The `steward` launcher, which runs the server's own `keys` command (decision 0012). */
const LAUNCHER = fileURLToPath(new URL('../bin/steward.mjs', import.meta.url));
const KEY_NAME = 'steward-cli';
const KEY_PATTERN = /^stw_[0-9a-f]+_[A-Za-z0-9_-]+$/;

export interface LocalKey {
  key: string;
  path: string;
  /** True when this call made the key (with the server's `steward keys create`). */
  created: boolean;
}

/**
 * The API key this CLI uses for the server whose data dir is `dataDir`, made on first use.
 *
 * The server keeps only a hash of each key, so no key can be read back from its data dir, the
 * first one included. The CLI therefore asks the server's own `steward keys create` for a key
 * of its own, once, and keeps it in `<dataDir>/cli-api-key` (0600, like every file the server
 * keeps there): whoever can read that file can read the database beside it anyway. The key is
 * never printed; `steward keys revoke` withdraws it like any other.
 */
export function localKey(dataDir: string, env: Record<string, string | undefined>): LocalKey {
  const path = join(dataDir, CLI_KEY_FILE);
  const stored = readKey(path);
  if (stored !== undefined) return { key: stored, path, created: false };
  if (!existsSync(join(dataDir, 'steward.db'))) {
    throw new LocalServerError(`No STEWARD_URL or STEWARD_API_KEY, and no local server's data in ${dataDir}: start one with \`npm start\`, or set both variables.`);
  }
  const result = spawnSync(process.execPath, [LAUNCHER, 'keys', 'create', '--name', KEY_NAME], { env, encoding: 'utf8', timeout: 60_000 });
  // The key is alone on the last line (a contract the server's CLI test holds it to).
  const key = result.stdout?.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !KEY_PATTERN.test(key)) {
    throw new LocalServerError(`Could not make an API key for the CLI with \`steward keys create\` (exit ${result.status ?? result.signal}): ${result.stderr?.trim() || 'no key in its output'}`);
  }
  try {
    writeNewPrivateFile(path, `${key}\n`);
  } catch (error) {
    // Another steward process wrote one first: use that one (ours stays unused in the key list).
    const other = (error as NodeJS.ErrnoException).code === 'EEXIST' ? readKey(path) : undefined;
    if (other !== undefined) return { key: other, path, created: false };
    throw new LocalServerError(`Could not keep the CLI's API key in ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { key, path, created: true };
}

function readKey(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalServerError(`Cannot read the CLI's API key in ${path}: ${(error as Error).message}`, { cause: error });
  }
  const key = text.trim();
  if (!KEY_PATTERN.test(key)) throw new LocalServerError(`${path} holds no API key; delete it and run the command again.`);
  return key;
}

/** 0600 whatever the umask, and never over an existing file (EEXIST). */
function writeNewPrivateFile(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    const bytes = Buffer.from(text, 'utf8');
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
  } finally {
    closeSync(fd);
  }
}
