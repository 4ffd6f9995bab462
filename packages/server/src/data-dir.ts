import { chmodSync, closeSync, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Modes in the data dir: the server's user alone may read, write or enter (decision 0008). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data dir 0700, and narrows what is already in it to 0700 folders and 0600 files:
 * a data dir from an older start (or copied in with a wide umask) gets the same modes as a new one.
 * Symbolic links are left alone (their target is not ours to change).
 */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  narrow(dir);
}

function narrow(path: string): void {
  const stat = lstatSync(path);
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
    for (const name of readdirSync(path)) narrow(join(path, name));
  } else if (stat.isFile() && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) {
    chmodSync(path, PRIVATE_FILE_MODE);
  }
}

/**
 * Writes a new file that only the server's user can read: 0600 whatever the umask, and never
 * over an existing file (throws EEXIST), so two processes starting at once cannot both write one.
 */
export function writePrivateFile(path: string, data: string | Buffer): void {
  const fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
  } finally {
    closeSync(fd);
  }
}
