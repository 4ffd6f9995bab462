import { SessionSecrets as SessionSecretsSchema } from '@steward/protocol';
import type { NamedSecretRef, SecretVault, VaultAnswer } from '../browser/secret-vault.ts';
import { AppError } from '../errors/index.ts';
import { domainMatches, EgressPolicyError, normaliseDomain, type TaskScope } from '../safety/index.ts';
import type { Store } from '../store/index.ts';
import type { SessionSecretRecord } from '../domain/index.ts';

const PLACEHOLDER = /\{\{secret:([A-Za-z][A-Za-z0-9_]{0,63})\}\}/g;

/**
 * The secrets a session's tasks type by reference (`{{secret:NAME}}`, browser-use's
 * `sensitive_data`): set on create or by `config_updates.secrets`, kept sealed by the store, and
 * handed out only to the browser, through `vaultFor`, for a field on a site the secret may go to
 * — its own `domains`, else the sites the running task names. The agent gets their names, and the
 * values only to mask them (see `TypedSecrets`).
 */
export class SessionSecretService {
  readonly #cache = new Map<string, Record<string, SessionSecretRecord>>();
  /** The running task's sites, per session: where a secret without domains may be typed. */
  readonly #scopes = new Map<string, TaskScope>();

  constructor(private readonly store: Store) {}

  /**
   * Checks secrets from a request (`field` names where they came from, for the 422); their domains
   * come back normalised. Never quotes a value in an error.
   */
  static parse(input: unknown, field: string): Record<string, SessionSecretRecord> {
    const parsed = SessionSecretsSchema.safeParse(input);
    if (!parsed.success) {
      const problem = parsed.error.issues[0];
      const where = problem === undefined || problem.path.length === 0 ? field : `${field}.${problem.path.map(String).join('.')}`;
      throw new AppError('validation_error', { detail: `${where}: ${problem?.message ?? 'invalid'}` });
    }
    const out: Record<string, SessionSecretRecord> = {};
    for (const [name, secret] of Object.entries(parsed.data)) {
      if (typeof secret === 'string') {
        out[name] = { value: secret };
        continue;
      }
      try {
        out[name] = secret.domains === undefined ? { value: secret.value } : { value: secret.value, domains: [...new Set(secret.domains.map((d) => normaliseDomain(d, `${field}.${name}.domains`)))] };
      } catch (error) {
        if (error instanceof EgressPolicyError) throw new AppError('validation_error', { detail: error.message, cause: error });
        throw error;
      }
    }
    return out;
  }

  /** Adds (or replaces, by name) secrets of the session. */
  async put(sessionId: string, secrets: Readonly<Record<string, SessionSecretRecord>>): Promise<void> {
    if (Object.keys(secrets).length === 0) return;
    const merged = { ...(await this.get(sessionId)), ...secrets };
    await this.store.setSessionSecrets(sessionId, merged);
    this.#cache.set(sessionId, merged);
  }

  async get(sessionId: string): Promise<Record<string, SessionSecretRecord>> {
    const cached = this.#cache.get(sessionId);
    if (cached !== undefined) return cached;
    const stored = await this.store.getSessionSecrets(sessionId);
    this.#cache.set(sessionId, stored);
    return stored;
  }

  /** The names a task's text uses that the session has no secret for (a 422 before the task starts). */
  async unknownNames(sessionId: string, text: string): Promise<string[]> {
    const known = await this.get(sessionId);
    return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].filter((name) => known[name] === undefined);
  }

  /** While a task runs: its sites. Undefined when it ends (no task, no secret leaves). */
  setScope(sessionId: string, scope: TaskScope | undefined): void {
    if (scope === undefined) this.#scopes.delete(sessionId);
    else this.#scopes.set(sessionId, scope);
  }

  forget(sessionId: string): void {
    this.#cache.delete(sessionId);
    this.#scopes.delete(sessionId);
  }

  vaultFor(sessionId: string): SecretVault {
    return { resolve: (ref, where) => (ref.vault === 'session_secret' ? this.#resolve(sessionId, ref, where.url) : Promise.resolve({ ok: false, reason: 'Not a session secret.' })) };
  }

  async #resolve(sessionId: string, ref: NamedSecretRef, url: string): Promise<VaultAnswer> {
    const placeholder = `{{secret:${ref.name}}}`;
    const secret = (await this.get(sessionId))[ref.name];
    if (secret === undefined) return { ok: false, reason: `this session has no secret ${placeholder}.` };
    const host = hostOf(url);
    if (host === undefined) return { ok: false, reason: `${placeholder} can be typed only into a web page.` };
    if (secret.domains !== undefined) {
      if (secret.domains.some((domain) => domainMatches(host, domain))) return answer(secret.value);
      return { ok: false, reason: `${placeholder} may be typed only on ${secret.domains.join(', ')}, and this field is on ${host}.` };
    }
    const scope = this.#scopes.get(sessionId);
    if (scope?.includes(url) === true) return answer(secret.value);
    return { ok: false, reason: `${placeholder} may be typed only on the sites the task names (${scope?.sites.join(', ') || 'none'}), and this field is on ${host}.` };
  }
}

function answer(value: string): VaultAnswer {
  return { ok: true, secret: { candidates: [value], redact: [value] } };
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
  } catch {
    return undefined;
  }
}
