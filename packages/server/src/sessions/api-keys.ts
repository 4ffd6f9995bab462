import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import type { ApiKeyRecord } from '../domain/index.ts';
import { newId, randomToken, type Clock } from '../util/index.ts';

const KEY_PREFIX = 'stw_';
/** How long a verified key record is trusted before the store is asked again (revocation delay). */
const CACHE_TTL_MS = 2_000;
/** `last_used_at` is written at most this often per key, keeping writes off the hot path. */
const TOUCH_INTERVAL_MS = 60_000;

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** The full key. Shown once; only its hash is stored. */
  key: string;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * API keys look like `stw_<id>_<secret>`: the id finds the record, the secret is checked against
 * its stored SHA-256 in constant time. The key itself is never stored or logged.
 */
export class ApiKeyService {
  private readonly cache = new Map<string, { record: ApiKeyRecord; fetchedAt: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(name: string): Promise<CreatedApiKey> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 200) throw new AppError('validation_error', { detail: 'A key name of 1 to 200 characters is required.' });
    const id = newId();
    const secret = randomToken(32);
    const key = `${KEY_PREFIX}${id.replace(/-/g, '')}_${secret}`;
    const record: ApiKeyRecord = {
      id,
      name: trimmed,
      prefix: key.slice(0, 12),
      secretHash: sha256(secret).toString('hex'),
      createdAt: this.clock.now(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insertApiKey(record);
    return { record, key };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys();
  }

  async revoke(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.store.revokeApiKey(id, this.clock.now());
  }

  /** The key's record for a bearer token; 401 for missing/unknown/wrong, 403 for revoked. */
  async authenticate(token: string | undefined): Promise<ApiKeyRecord> {
    const parsed = token === undefined ? undefined : parseKey(token);
    if (!parsed) throw new AppError('unauthorized');
    const record = await this.lookup(parsed.id);
    const expected = record ? Buffer.from(record.secretHash, 'hex') : sha256('');
    const matches = timingSafeEqual(sha256(parsed.secret), expected) && record !== undefined;
    if (!record || !matches) throw new AppError('unauthorized');
    if (record.revokedAt !== null) throw new AppError('key_revoked');
    this.touch(record.id);
    return record;
  }

  private async lookup(id: string): Promise<ApiKeyRecord | undefined> {
    const now = Date.now();
    const cached = this.cache.get(id);
    if (cached && now - cached.fetchedAt < CACHE_TTL_MS) return cached.record;
    const record = await this.store.getApiKey(id);
    if (record) this.cache.set(id, { record, fetchedAt: now });
    else this.cache.delete(id);
    return record;
  }

  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.touchedAt.set(id, now);
    // Bookkeeping only: a failed write must not fail the request.
    this.store.touchApiKey(id, this.clock.now()).catch(() => undefined);
  }
}

function parseKey(token: string): { id: string; secret: string } | undefined {
  if (!token.startsWith(KEY_PREFIX)) return undefined;
  const rest = token.slice(KEY_PREFIX.length);
  const sep = rest.indexOf('_');
  if (sep !== 32) return undefined;
  const hex = rest.slice(0, 32);
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  const secret = rest.slice(33);
  if (secret.length < 16 || secret.length > 128) return undefined;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret };
}
