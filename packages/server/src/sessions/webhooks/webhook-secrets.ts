import type { Store } from '../../store/index.ts';
import { newWebhookSecret } from './webhook-signature.ts';
import type { WebhookSecretSource } from './webhook-types.ts';

/**
 * Each API key's webhook signing secret: created the first time it is needed (a delivery, or
 * `steward keys webhook-secret <id>`), then kept in the store, so it survives restarts and the
 * server and the CLI agree on it. Held in memory once read; there is no rotation yet.
 */
export class WebhookSecrets implements WebhookSecretSource {
  readonly #cache = new Map<string, string>();

  constructor(private readonly store: Pick<Store, 'ensureWebhookSecret'>) {}

  async secretFor(apiKeyId: string): Promise<string> {
    const cached = this.#cache.get(apiKeyId);
    if (cached !== undefined) return cached;
    const secret = await this.store.ensureWebhookSecret(apiKeyId, newWebhookSecret());
    this.#cache.set(apiKeyId, secret);
    return secret;
  }
}
