import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretBoxError, type SecretBox } from './secret-box.ts';

export const SECRET_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1:';

/**
 * AES-256-GCM. Format `v1:` + base64(nonce[12] | tag[16] | ciphertext): the version names the
 * cipher and the key generation, so a later key (rotation) or cipher gets `v2:` and old rows
 * still open. A random 96-bit nonce per seal: far below the 2^32 seals per key where random
 * nonces start to risk a repeat.
 */
export class AesGcmSecretBox implements SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== SECRET_KEY_BYTES) throw new RangeError(`An AES-256-GCM key has ${SECRET_KEY_BYTES} bytes, not ${key.length}.`);
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(VERSION)) throw new SecretBoxError(`Sealed value of an unknown format (${JSON.stringify(sealed.slice(0, 4))}…).`);
    const bytes = Buffer.from(sealed.slice(VERSION.length), 'base64');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('Sealed value is too short to be one.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(bytes.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretBoxError('Sealed value does not open with this key (another key sealed it, or it was changed).', { cause: error });
    }
  }
}

/** A new random key, as `STEWARD_SECRET_KEY` and the key file write it (base64). */
export function generateSecretKey(): string {
  return randomBytes(SECRET_KEY_BYTES).toString('base64');
}

/**
 * The key in `text`: 32 bytes as 64 hex digits or as base64 (standard or URL-safe, padding
 * optional). Surrounding whitespace (a key file's newline) is ignored. Undefined for anything
 * else; the text itself is never echoed, so no error message can leak it.
 */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === SECRET_KEY_BYTES ? bytes : undefined;
  }
  return undefined;
}
