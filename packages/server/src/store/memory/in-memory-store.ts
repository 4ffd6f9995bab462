import type { ListMessagesOptions, Store } from '../port.ts';
import type { ApiKeyRecord, EnvironmentRecord, MessageRecord, NewMessage, SessionPatch, SessionRecord, SessionSecretRecord } from '../../domain/index.ts';
import { UnknownSessionError } from '../store-error.ts';
import type { PaymentStore } from '../payment-store.ts';
import { InMemoryPaymentStore } from './in-memory-payment-store.ts';
import type { ClusterStore } from '../cluster-store.ts';
import { InMemoryClusterStore } from './in-memory-cluster-store.ts';

/** Records go in and out as copies, as they would through a database. */
const copy = <T>(value: T): T => structuredClone(value);
const byNewest = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The `Store` in memory, for unit tests of the layers above and for throwaway servers. It passes
 * the same contract suite as the SQL store; nothing survives the process.
 */
export class InMemoryStore implements Store {
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly messages = new Map<string, MessageRecord[]>();
  private readonly environments = new Map<string, EnvironmentRecord>();
  private readonly webhookSecrets = new Map<string, string>();
  private readonly sessionSecrets = new Map<string, Record<string, SessionSecretRecord>>();
  private readonly payments = new InMemoryPaymentStore((id) => this.sessions.has(id));
  private readonly cluster = new InMemoryClusterStore(
    (id) => this.sessions.has(id),
    () => this.sessions.values(),
  );

  async migrate(): Promise<void> {}
  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    if (this.keys.has(key.id)) throw new Error(`API key ${key.id} exists`);
    this.keys.set(key.id, copy(key));
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const key = this.keys.get(id);
    return key && copy(key);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return [...this.keys.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map(copy);
  }

  async revokeApiKey(id: string, at: Date): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key) return false;
    key.revokedAt ??= new Date(at);
    return true;
  }

  async touchApiKey(id: string, at: Date): Promise<void> {
    const key = this.keys.get(id);
    if (key && (key.lastUsedAt === null || key.lastUsedAt < at)) key.lastUsedAt = new Date(at);
  }

  async ensureWebhookSecret(apiKeyId: string, candidate: string): Promise<string> {
    const stored = this.webhookSecrets.get(apiKeyId);
    if (stored !== undefined) return stored;
    this.webhookSecrets.set(apiKeyId, candidate);
    return candidate;
  }

  async insertSession(session: SessionRecord): Promise<void> {
    if (this.sessions.has(session.id)) throw new Error(`session ${session.id} exists`);
    this.sessions.set(session.id, copy(session));
    this.messages.set(session.id, []);
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const session = this.sessions.get(id);
    return session && copy(session);
  }

  async listSessions(apiKeyId: string): Promise<SessionRecord[]> {
    return [...this.sessions.values()].filter((s) => s.apiKeyId === apiKeyId).sort(byNewest).map(copy);
  }

  async listLiveSessions(): Promise<SessionRecord[]> {
    return [...this.sessions.values()].filter((s) => s.status !== 'terminated').sort((a, b) => -byNewest(a, b)).map(copy);
  }

  async updateSession(id: string, patch: SessionPatch): Promise<SessionRecord | undefined> {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    Object.assign(session, copy(patch));
    return copy(session);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.messages.delete(id);
    this.sessionSecrets.delete(id);
    this.payments.dropSession(id);
    this.cluster.dropSession(id);
    return this.sessions.delete(id);
  }

  async setSessionSecrets(sessionId: string, secrets: Readonly<Record<string, SessionSecretRecord>>): Promise<void> {
    if (!this.sessions.has(sessionId)) throw new UnknownSessionError(sessionId);
    this.sessionSecrets.set(sessionId, copy({ ...secrets }));
  }

  async getSessionSecrets(sessionId: string): Promise<Record<string, SessionSecretRecord>> {
    return copy(this.sessionSecrets.get(sessionId) ?? {});
  }

  async appendMessage(sessionId: string, message: NewMessage): Promise<MessageRecord> {
    const session = this.sessions.get(sessionId);
    const log = this.messages.get(sessionId);
    if (!session || !log) throw new UnknownSessionError(sessionId);
    session.lastMessageId += 1;
    const { timestamp, ...rest } = copy(message);
    const record: MessageRecord = { ...rest, sessionId, id: session.lastMessageId, timestamp: timestamp ?? new Date() };
    log.push(record);
    return copy(record);
  }

  async listMessages(sessionId: string, options: ListMessagesOptions): Promise<MessageRecord[]> {
    const found = (this.messages.get(sessionId) ?? []).filter((m) => m.id > options.afterId && (options.includeInternal || !m.internal) && (options.type === undefined || m.type === options.type));
    if (options.newestFirst === true) found.reverse();
    return (options.limit === undefined ? found : found.slice(0, Math.max(0, Math.floor(options.limit)))).map(copy);
  }

  async insertEnvironment(environment: EnvironmentRecord): Promise<void> {
    if (this.environments.has(environment.id)) throw new Error(`environment ${environment.id} exists`);
    this.environments.set(environment.id, copy(environment));
  }

  async getEnvironment(id: string): Promise<EnvironmentRecord | undefined> {
    const environment = this.environments.get(id);
    return environment && copy(environment);
  }

  async getEnvironmentBySession(sessionId: string): Promise<EnvironmentRecord | undefined> {
    const found = [...this.environments.values()].filter((e) => e.sourceSessionId === sessionId).sort(byNewest)[0];
    return found && copy(found);
  }

  async getDefaultEnvironment(apiKeyId: string): Promise<EnvironmentRecord | undefined> {
    const found = [...this.environments.values()].filter((e) => e.apiKeyId === apiKeyId && e.isDefault).sort(byNewest)[0];
    return found && copy(found);
  }

  // Payment tokens and approvals: see InMemoryPaymentStore.
  insertPaymentToken: PaymentStore['insertPaymentToken'] = (token, card) => this.payments.insertPaymentToken(token, card);
  getPaymentToken: PaymentStore['getPaymentToken'] = (id) => this.payments.getPaymentToken(id);
  listPaymentTokens: PaymentStore['listPaymentTokens'] = (apiKeyId) => this.payments.listPaymentTokens(apiKeyId);
  openPaymentCard: PaymentStore['openPaymentCard'] = (id) => this.payments.openPaymentCard(id);
  updatePaymentToken: PaymentStore['updatePaymentToken'] = (id, from, patch) => this.payments.updatePaymentToken(id, from, patch);
  listReservedPaymentTokens: PaymentStore['listReservedPaymentTokens'] = () => this.payments.listReservedPaymentTokens();
  insertApproval: PaymentStore['insertApproval'] = (approval) => this.payments.insertApproval(approval);
  updateApproval: PaymentStore['updateApproval'] = (id, patch) => this.payments.updateApproval(id, patch);
  listApprovals: PaymentStore['listApprovals'] = (sessionId) => this.payments.listApprovals(sessionId);

  // Heartbeats, leases and checkpoints: see InMemoryClusterStore.
  heartbeat: ClusterStore['heartbeat'] = (worker, at) => this.cluster.heartbeat(worker, at);
  liveWorkers: ClusterStore['liveWorkers'] = (since) => this.cluster.liveWorkers(since);
  removeWorker: ClusterStore['removeWorker'] = (id) => this.cluster.removeWorker(id);
  claimSession: ClusterStore['claimSession'] = (sessionId, workerId, until, at) => this.cluster.claimSession(sessionId, workerId, until, at);
  renewLeases: ClusterStore['renewLeases'] = (workerId, until) => this.cluster.renewLeases(workerId, until);
  releaseSession: ClusterStore['releaseSession'] = (sessionId, workerId) => this.cluster.releaseSession(sessionId, workerId);
  expiredLeases: ClusterStore['expiredLeases'] = (at) => this.cluster.expiredLeases(at);
  unleasedSessions: ClusterStore['unleasedSessions'] = (createdBefore) => this.cluster.unleasedSessions(createdBefore);
  leaseOf: ClusterStore['leaseOf'] = (sessionId) => this.cluster.leaseOf(sessionId);
  saveCheckpoint: ClusterStore['saveCheckpoint'] = (sessionId, data, at) => this.cluster.saveCheckpoint(sessionId, data, at);
  getCheckpoint: ClusterStore['getCheckpoint'] = (sessionId) => this.cluster.getCheckpoint(sessionId);
  deleteCheckpoint: ClusterStore['deleteCheckpoint'] = (sessionId) => this.cluster.deleteCheckpoint(sessionId);
}
