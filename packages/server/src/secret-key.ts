import { existsSync, readFileSync } from 'node:fs';
import { writePrivateFile } from './data-dir.ts';
import { generateSecretKey, parseSecretKey } from './store/secrets/aes-gcm-secret-box.ts';

/** The key that seals secrets at rest cannot be used; the message names the cause and the fix. A start-up error. */
export class SecretKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretKeyError';
  }
}

const KEY_FORMAT = '32 bytes as 64 hex digits or as base64 (e.g. the output of `openssl rand -base64 32`)';

/** Where the key came from: it decides what a mismatch means and whether a key file is written. */
export interface SecretKeySource {
  key: Buffer;
  /** `env`: STEWARD_SECRET_KEY; `file`: the key file; `new`: neither exists yet, `key` is a fresh one not yet written. */
  from: 'env' | 'file' | 'new';
  keyFile: string;
}

/**
 * Part of the composition root: `STEWARD_SECRET_KEY` when set, else `<dataDir>/secret.key`, else a
 * fresh key that `saveNewSecretKey` writes once the store has shown it holds nothing sealed. A key
 * file that holds no key is an error, never replaced: the data sealed with it would be lost.
 */
export function findSecretKey(configured: string | undefined, keyFile: string): SecretKeySource {
  if (configured !== undefined) {
    const key = parseSecretKey(configured);
    if (key === undefined) throw new SecretKeyError(`STEWARD_SECRET_KEY is not a key: expected ${KEY_FORMAT}.`);
    return { key, from: 'env', keyFile };
  }
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { key: parseSecretKey(generateSecretKey())!, from: 'new', keyFile };
    }
    throw new SecretKeyError(`Cannot read the secret key file ${keyFile}: ${(error as Error).message}`, { cause: error });
  }
  const key = parseSecretKey(text);
  if (key === undefined) {
    throw new SecretKeyError(`${keyFile} does not hold a key (expected ${KEY_FORMAT}). Restore it from a backup, or set STEWARD_SECRET_KEY; it is not replaced, since data sealed with it would be lost.`);
  }
  return { key, from: 'file', keyFile };
}

/** Writes a fresh key to the key file (0600, base64), unless another process wrote one first. */
export function saveNewSecretKey(source: SecretKeySource): void {
  if (source.from !== 'new') return;
  try {
    writePrivateFile(source.keyFile, `${source.key.toString('base64')}\n`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SecretKeyError(`Another process created ${source.keyFile} while this one started; start again to use that key.`, { cause: error });
    }
    throw error;
  }
}

/** The start-up error for sealed data that does not open with the key found, by where the key came from. */
export function keyMismatch(source: SecretKeySource, database: string, cause: unknown): SecretKeyError {
  const unchanged = 'Nothing was changed.';
  switch (source.from) {
    case 'env': {
      const file = existsSync(source.keyFile) ? ` The data dir has a key file (${source.keyFile}): unset STEWARD_SECRET_KEY to use it.` : '';
      return new SecretKeyError(
        `STEWARD_SECRET_KEY does not open the secrets sealed in ${database}: they were sealed with another key. Set STEWARD_SECRET_KEY to that key.${file} ${unchanged}`,
        { cause },
      );
    }
    case 'file':
      return new SecretKeyError(
        `The key in ${source.keyFile} does not open the secrets sealed in ${database}: they were sealed with another key (STEWARD_SECRET_KEY, or an earlier key file). Restore that key file, or set STEWARD_SECRET_KEY to that key. ${unchanged}`,
        { cause },
      );
    case 'new':
      return new SecretKeyError(
        `${database} holds sealed secrets, but its key file ${source.keyFile} is missing and STEWARD_SECRET_KEY is not set. Restore the key file from a backup, or set STEWARD_SECRET_KEY to the key they were sealed with; Steward does not make a new key over sealed data. ${unchanged}`,
        { cause },
      );
  }
}
