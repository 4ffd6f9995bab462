import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.ts';
import type { ApiKeyRecord, EnvironmentRecord, NewMessage, SessionRecord } from '../../src/domain/index.ts';

const T0 = Date.parse('2025-01-02T03:04:05.678Z');
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

export function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key-1',
    name: 'ci key',
    prefix: 'stw_ab12',
    secretHash: 'a'.repeat(64),
    createdAt: at(0),
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

export function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: 'session-1',
    apiKeyId: 'key-1',
    agentName: 'agi-0',
    status: 'ready',
    executionStatus: 'ready',
    createdAt: at(0),
    updatedAt: at(0),
    lastActivityAt: at(0),
    webhookUrl: null,
    maxSteps: 50,
    goal: null,
    environmentId: 'env-1',
    lastMessageId: 0,
    options: {},
    ...overrides,
  };
}

export function environment(overrides: Partial<EnvironmentRecord> = {}): EnvironmentRecord {
  return {
    id: 'env-1',
    apiKeyId: 'key-1',
    sourceSessionId: 'session-1',
    storageState: { cookies: [], origins: [] },
    isDefault: false,
    createdAt: at(0),
    ...overrides,
  };
}

function message(overrides: Partial<NewMessage> = {}): NewMessage {
  return { type: 'LOG', content: 'hello', metadata: {}, internal: false, ...overrides };
}

/**
 * Rounds of two claims at once for one session, free and then expired: each time exactly one
 * wins and the lease is the winner's. `a` and `b` may be one store or two servers on one database.
 */
export async function raceForOneLease(a: Store, b: Store, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const free = `race-free-${round}`;
    const expired = `race-expired-${round}`;
    await a.insertSession(session({ id: free }));
    await a.insertSession(session({ id: expired }));
    expect(await a.claimSession(expired, 'worker-dead', at(1_000), at(0))).toBe(true);
    for (const sessionId of [free, expired]) {
      const [wonA, wonB] = await Promise.all([
        a.claimSession(sessionId, 'worker-a', at(60_000), at(2_000)),
        b.claimSession(sessionId, 'worker-b', at(60_000), at(2_000)),
      ]);
      expect([wonA, wonB].filter(Boolean), sessionId).toHaveLength(1);
      expect(await b.leaseOf(sessionId), sessionId).toEqual({ sessionId, workerId: wonA ? 'worker-a' : 'worker-b', expiresAt: at(60_000) });
    }
  }
}

/**
 * The behaviour every `Store` adapter must show. `makeStore` returns a fresh, empty store; the
 * suite calls `migrate()` itself (a store that is already migrated must accept it) and closes
 * the store after each test.
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    it('answers a ping while open (the health check)', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('api keys', () => {
      it('returns undefined for an unknown key and an empty list when there are none', async () => {
        expect(await store.getApiKey('nope')).toBeUndefined();
        expect(await store.listApiKeys()).toEqual([]);
      });

      it('round-trips every field, dates included', async () => {
        const key = apiKey({ revokedAt: at(5_000), lastUsedAt: at(3_000) });
        await store.insertApiKey(key);
        const got = await store.getApiKey(key.id);
        expect(got).toEqual(key);
        expect(got?.createdAt).toBeInstanceOf(Date);
        expect(got?.revokedAt).toBeInstanceOf(Date);
      });

      it('rejects a second key with the same id', async () => {
        await store.insertApiKey(apiKey());
        await expect(store.insertApiKey(apiKey({ name: 'other' }))).rejects.toThrow();
      });

      it('lists keys oldest first', async () => {
        await store.insertApiKey(apiKey({ id: 'b', createdAt: at(2) }));
        await store.insertApiKey(apiKey({ id: 'a', createdAt: at(1) }));
        await store.insertApiKey(apiKey({ id: 'c', createdAt: at(3) }));
        expect((await store.listApiKeys()).map((key) => key.id)).toEqual(['a', 'b', 'c']);
      });

      it('revokes a key once and keeps the first revocation time', async () => {
        await store.insertApiKey(apiKey());
        expect(await store.revokeApiKey('key-1', at(10))).toBe(true);
        expect((await store.getApiKey('key-1'))?.revokedAt).toEqual(at(10));
        expect(await store.revokeApiKey('key-1', at(20))).toBe(true);
        expect((await store.getApiKey('key-1'))?.revokedAt).toEqual(at(10));
      });

      it('answers false when revoking an unknown key', async () => {
        expect(await store.revokeApiKey('nope', at(10))).toBe(false);
        expect(await store.listApiKeys()).toEqual([]);
      });

      it('touches the last-used time and never moves it backwards', async () => {
        await store.insertApiKey(apiKey());
        await store.touchApiKey('key-1', at(100));
        expect((await store.getApiKey('key-1'))?.lastUsedAt).toEqual(at(100));
        await store.touchApiKey('key-1', at(200));
        expect((await store.getApiKey('key-1'))?.lastUsedAt).toEqual(at(200));
        await store.touchApiKey('key-1', at(150));
        expect((await store.getApiKey('key-1'))?.lastUsedAt).toEqual(at(200));
      });

      it('ignores a touch of an unknown key', async () => {
        await expect(store.touchApiKey('nope', at(1))).resolves.toBeUndefined();
        expect(await store.getApiKey('nope')).toBeUndefined();
      });
    });

    describe('sessions', () => {
      it('returns not-found values for an unknown session', async () => {
        expect(await store.getSession('nope')).toBeUndefined();
        expect(await store.listSessions('key-1')).toEqual([]);
        expect(await store.listLiveSessions()).toEqual([]);
        expect(await store.updateSession('nope', { status: 'running' })).toBeUndefined();
        expect(await store.deleteSession('nope')).toBe(false);
      });

      it('round-trips every field, options JSON and dates included', async () => {
        const record = session({
          agentName: 'agi-0-fast',
          status: 'running',
          executionStatus: 'waiting_for_input',
          createdAt: at(1),
          updatedAt: at(2),
          lastActivityAt: at(3),
          webhookUrl: 'https://hooks.example.test/steward',
          maxSteps: 7,
          goal: 'buy a lamp',
          lastMessageId: 0,
          options: { agent_session_type: 'default', restore: { id: 'x', nested: [1, 'two', null, true] }, unicode: 'é ✓ 🚀' },
        });
        await store.insertSession(record);
        const got = await store.getSession(record.id);
        expect(got).toEqual(record);
        expect(got?.lastActivityAt).toBeInstanceOf(Date);
      });

      it('rejects a second session with the same id', async () => {
        await store.insertSession(session());
        await expect(store.insertSession(session({ goal: 'other' }))).rejects.toThrow();
      });

      it('lists one key’s sessions newest first and no one else’s', async () => {
        await store.insertSession(session({ id: 's1', createdAt: at(1) }));
        await store.insertSession(session({ id: 's3', createdAt: at(3) }));
        await store.insertSession(session({ id: 's2', createdAt: at(2) }));
        await store.insertSession(session({ id: 'other', apiKeyId: 'key-2', createdAt: at(4) }));
        expect((await store.listSessions('key-1')).map((s) => s.id)).toEqual(['s3', 's2', 's1']);
        expect((await store.listSessions('key-2')).map((s) => s.id)).toEqual(['other']);
        expect(await store.listSessions('key-3')).toEqual([]);
      });

      it('lists live sessions across keys, leaving out terminated ones', async () => {
        await store.insertSession(session({ id: 'a', status: 'running', createdAt: at(1) }));
        await store.insertSession(session({ id: 'b', status: 'terminated', createdAt: at(2) }));
        await store.insertSession(session({ id: 'c', apiKeyId: 'key-2', status: 'paused', createdAt: at(3) }));
        await store.insertSession(session({ id: 'd', status: 'error', createdAt: at(4) }));
        const live = await store.listLiveSessions();
        expect(live.map((s) => s.id).sort()).toEqual(['a', 'c', 'd']);
      });

      it('applies a patch, returns the updated record and keeps other fields', async () => {
        const record = session({ goal: 'first' });
        await store.insertSession(record);
        const updated = await store.updateSession(record.id, {
          status: 'running',
          executionStatus: 'running',
          updatedAt: at(50),
          lastActivityAt: at(60),
          goal: 'second',
        });
        const expected = {
          ...record,
          status: 'running',
          executionStatus: 'running',
          updatedAt: at(50),
          lastActivityAt: at(60),
          goal: 'second',
        };
        expect(updated).toEqual(expected);
        expect(await store.getSession(record.id)).toEqual(expected);
      });

      it('clears the goal with null and treats an empty patch as a read', async () => {
        await store.insertSession(session({ goal: 'something' }));
        expect((await store.updateSession('session-1', { goal: null }))?.goal).toBeNull();
        expect(await store.updateSession('session-1', {})).toEqual(session({ goal: null }));
        expect(await store.updateSession('nope', {})).toBeUndefined();
      });

      it('a patch never touches lastMessageId', async () => {
        await store.insertSession(session());
        await store.appendMessage('session-1', message());
        const updated = await store.updateSession('session-1', { status: 'running' });
        expect(updated?.lastMessageId).toBe(1);
      });

      it('deletes a session with its messages and leaves other sessions alone', async () => {
        await store.insertSession(session({ id: 'gone' }));
        await store.insertSession(session({ id: 'kept' }));
        await store.appendMessage('gone', message());
        await store.appendMessage('gone', message());
        await store.appendMessage('kept', message({ content: 'stay' }));

        expect(await store.deleteSession('gone')).toBe(true);
        expect(await store.getSession('gone')).toBeUndefined();
        expect(await store.listMessages('gone', { afterId: 0, includeInternal: true })).toEqual([]);
        expect(await store.deleteSession('gone')).toBe(false);
        expect((await store.listMessages('kept', { afterId: 0, includeInternal: true })).map((m) => m.content)).toEqual(['stay']);
      });

      it('keeps a session’s secrets, replaces them whole, and deletes them with the session', async () => {
        expect(await store.getSessionSecrets('nope')).toEqual({});
        await expect(store.setSessionSecrets('nope', { A: { value: 'x' } })).rejects.toThrow();
        await store.insertSession(session({ id: 'with' }));
        await store.insertSession(session({ id: 'other' }));
        expect(await store.getSessionSecrets('with')).toEqual({});
        await store.setSessionSecrets('with', { PASSWORD: { value: 'pw-1 ünï' }, TOKEN: { value: 't', domains: ['example.com'] } });
        await store.setSessionSecrets('other', { PASSWORD: { value: 'other' } });
        expect(await store.getSessionSecrets('with')).toEqual({ PASSWORD: { value: 'pw-1 ünï' }, TOKEN: { value: 't', domains: ['example.com'] } });
        await store.setSessionSecrets('with', { PASSWORD: { value: 'pw-2' } });
        expect(await store.getSessionSecrets('with')).toEqual({ PASSWORD: { value: 'pw-2' } });
        await store.deleteSession('with');
        expect(await store.getSessionSecrets('with')).toEqual({});
        expect(await store.getSessionSecrets('other')).toEqual({ PASSWORD: { value: 'other' } });
      });

      it('a session re-created under a deleted id starts its messages at 1 again', async () => {
        await store.insertSession(session());
        await store.appendMessage('session-1', message());
        await store.appendMessage('session-1', message());
        await store.deleteSession('session-1');
        await store.insertSession(session());
        expect((await store.appendMessage('session-1', message())).id).toBe(1);
        expect(await store.listMessages('session-1', { afterId: 0, includeInternal: true })).toHaveLength(1);
      });
    });

    describe('messages', () => {
      beforeEach(async () => {
        await store.insertSession(session());
      });

      it('assigns ids 1, 2, 3 and bumps the session counter', async () => {
        const first = await store.appendMessage('session-1', message({ content: 'one' }));
        const second = await store.appendMessage('session-1', message({ content: 'two' }));
        const third = await store.appendMessage('session-1', message({ content: 'three' }));
        expect([first.id, second.id, third.id]).toEqual([1, 2, 3]);
        expect(first.sessionId).toBe('session-1');
        expect((await store.getSession('session-1'))?.lastMessageId).toBe(3);
      });

      it('continues from the lastMessageId the session was inserted with', async () => {
        await store.insertSession(session({ id: 'restored', lastMessageId: 41 }));
        expect((await store.appendMessage('restored', message())).id).toBe(42);
      });

      it('throws when appending to an unknown session and stores nothing', async () => {
        await expect(store.appendMessage('nope', message())).rejects.toThrow();
        expect(await store.listMessages('nope', { afterId: 0, includeInternal: true })).toEqual([]);
        expect(await store.getSession('nope')).toBeUndefined();
      });

      it('returns the stored record from appendMessage', async () => {
        const appended = await store.appendMessage('session-1', message({ type: 'DONE', content: { ok: true }, metadata: { step: 3 }, timestamp: at(9) }));
        expect(appended).toEqual({
          sessionId: 'session-1',
          id: 1,
          type: 'DONE',
          content: { ok: true },
          timestamp: at(9),
          metadata: { step: 3 },
          internal: false,
        });
        expect(await store.listMessages('session-1', { afterId: 0, includeInternal: true })).toEqual([appended]);
      });

      it('lists messages newest first, of one type, and with a limit (the session list reads the task and the last message so)', async () => {
        await store.appendMessage('session-1', message({ type: 'USER', content: 'the task' }));
        await store.appendMessage('session-1', message({ type: 'THOUGHT', content: 'thinking' }));
        await store.appendMessage('session-1', message({ type: 'LOG', content: 'prompt', internal: true }));
        await store.appendMessage('session-1', message({ type: 'USER', content: 'an update' }));
        await store.appendMessage('session-1', message({ type: 'DONE', content: 'finished', internal: false }));
        await store.appendMessage('session-1', message({ type: 'LOG', content: 'usage', internal: true }));
        const contents = (messages: { content: unknown }[]) => messages.map((m) => m.content);
        expect(contents(await store.listMessages('session-1', { afterId: 0, includeInternal: false, newestFirst: true, limit: 1 }))).toEqual(['finished']);
        expect(contents(await store.listMessages('session-1', { afterId: 0, includeInternal: true, newestFirst: true, limit: 2 }))).toEqual(['usage', 'finished']);
        expect(contents(await store.listMessages('session-1', { afterId: 0, includeInternal: false, type: 'USER' }))).toEqual(['the task', 'an update']);
        expect(contents(await store.listMessages('session-1', { afterId: 0, includeInternal: false, type: 'USER', limit: 1 }))).toEqual(['the task']);
        expect(contents(await store.listMessages('session-1', { afterId: 1, includeInternal: false, type: 'USER', newestFirst: true }))).toEqual(['an update']);
      });

      it('stamps a message without a timestamp with the current time', async () => {
        const before = Date.now();
        const appended = await store.appendMessage('session-1', message());
        const after = Date.now();
        expect(appended.timestamp).toBeInstanceOf(Date);
        expect(appended.timestamp.getTime()).toBeGreaterThanOrEqual(before);
        expect(appended.timestamp.getTime()).toBeLessThanOrEqual(after);
        const [stored] = await store.listMessages('session-1', { afterId: 0, includeInternal: true });
        expect(stored?.timestamp).toEqual(appended.timestamp);
      });

      it('round-trips string, object and array content and metadata exactly', async () => {
        const contents = [
          'plain text',
          '',
          '{"looks":"like json"}',
          '42',
          'null',
          '"quoted"',
          'é ✓ 🚀 \n\t line',
          { answer: 42, nested: { list: [1, 'a', null, false], empty: {} }, text: 'x' },
          {},
          [1, 'two', { three: 3 }, null, [true]],
          [],
        ];
        for (const [index, content] of contents.entries()) {
          await store.appendMessage('session-1', message({ content, metadata: { index, tags: ['a', 'b'], deep: { n: null } }, timestamp: at(index) }));
        }
        const listed = await store.listMessages('session-1', { afterId: 0, includeInternal: true });
        expect(listed.map((m) => m.content)).toEqual(contents);
        expect(typeof listed[2]?.content).toBe('string');
        expect(typeof listed[3]?.content).toBe('string');
        expect(Array.isArray(listed[9]?.content)).toBe(true);
        expect(listed.map((m) => m.metadata)).toEqual(contents.map((_, index) => ({ index, tags: ['a', 'b'], deep: { n: null } })));
        expect(listed.map((m) => m.timestamp)).toEqual(contents.map((_, index) => at(index)));
      });

      it('lists ascending, after afterId, with internal ones only on request, up to limit', async () => {
        const types = ['USER', 'THOUGHT', 'LOG', 'QUESTION', 'USER', 'DONE'] as const;
        for (const [index, type] of types.entries()) {
          await store.appendMessage('session-1', message({ type, content: `m${index + 1}`, internal: type === 'THOUGHT' || type === 'LOG' }));
        }
        const ids = async (options: { afterId: number; includeInternal: boolean; limit?: number }): Promise<number[]> =>
          (await store.listMessages('session-1', options)).map((m) => m.id);

        expect(await ids({ afterId: 0, includeInternal: true })).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await ids({ afterId: 0, includeInternal: false })).toEqual([1, 4, 5, 6]);
        expect(await ids({ afterId: 2, includeInternal: true })).toEqual([3, 4, 5, 6]);
        expect(await ids({ afterId: 1, includeInternal: false })).toEqual([4, 5, 6]);
        expect(await ids({ afterId: 6, includeInternal: true })).toEqual([]);
        expect(await ids({ afterId: 100, includeInternal: true })).toEqual([]);
        expect(await ids({ afterId: 0, includeInternal: true, limit: 2 })).toEqual([1, 2]);
        // The limit counts visible messages, not skipped internal ones.
        expect(await ids({ afterId: 0, includeInternal: false, limit: 2 })).toEqual([1, 4]);
        expect(await ids({ afterId: 3, includeInternal: true, limit: 10 })).toEqual([4, 5, 6]);
        expect(await ids({ afterId: 0, includeInternal: true, limit: 0 })).toEqual([]);

        const [internal] = await store.listMessages('session-1', { afterId: 1, includeInternal: true, limit: 1 });
        expect(internal).toMatchObject({ id: 2, type: 'THOUGHT', content: 'm2', internal: true });
      });

      it('keeps each session’s log separate', async () => {
        await store.insertSession(session({ id: 'session-2' }));
        await store.appendMessage('session-1', message({ content: 'a1' }));
        await store.appendMessage('session-2', message({ content: 'b1' }));
        await store.appendMessage('session-1', message({ content: 'a2' }));
        expect((await store.listMessages('session-1', { afterId: 0, includeInternal: true })).map((m) => [m.id, m.content])).toEqual([
          [1, 'a1'],
          [2, 'a2'],
        ]);
        expect((await store.listMessages('session-2', { afterId: 0, includeInternal: true })).map((m) => [m.id, m.content])).toEqual([[1, 'b1']]);
      });

      it('numbers 200 concurrent appends across sessions 1..n per session without gaps', async () => {
        const sessionIds = ['session-1', 'c2', 'c3', 'c4', 'c5'];
        for (const id of sessionIds.slice(1)) await store.insertSession(session({ id }));
        const appended = await Promise.all(
          Array.from({ length: 200 }, (_, index) => {
            const sessionId = sessionIds[index % sessionIds.length] ?? 'session-1';
            return store.appendMessage(sessionId, message({ content: `n${index}`, metadata: { index } }));
          }),
        );
        for (const sessionId of sessionIds) {
          const returned = appended.filter((m) => m.sessionId === sessionId).map((m) => m.id).sort((a, b) => a - b);
          expect(returned).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
          const listed = await store.listMessages(sessionId, { afterId: 0, includeInternal: true });
          expect(listed.map((m) => m.id)).toEqual(returned);
          expect((await store.getSession(sessionId))?.lastMessageId).toBe(40);
        }
        // Every append stored the content it was given under the id it returned.
        for (const record of appended) {
          const [stored] = await store.listMessages(record.sessionId, { afterId: record.id - 1, includeInternal: true, limit: 1 });
          expect(stored).toEqual(record);
        }
      });

      it('a failed append in the middle of concurrent ones leaves no gap', async () => {
        const results = await Promise.allSettled([
          store.appendMessage('session-1', message()),
          store.appendMessage('missing', message()),
          store.appendMessage('session-1', message()),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((await store.listMessages('session-1', { afterId: 0, includeInternal: true })).map((m) => m.id)).toEqual([1, 2]);
      });
    });

    describe('environments', () => {
      it('returns undefined when nothing matches', async () => {
        expect(await store.getEnvironment('nope')).toBeUndefined();
        expect(await store.getEnvironmentBySession('session-1')).toBeUndefined();
        expect(await store.getDefaultEnvironment('key-1')).toBeUndefined();
      });

      it('round-trips every field, storage state JSON and dates included', async () => {
        const record = environment({
          storageState: { cookies: [{ name: 'sid', value: 'x', expires: -1, httpOnly: true }], origins: [{ origin: 'http://127.0.0.1', localStorage: [] }] },
          isDefault: true,
          createdAt: at(77),
        });
        await store.insertEnvironment(record);
        expect(await store.getEnvironment(record.id)).toEqual(record);
      });

      it('rejects a second environment with the same id', async () => {
        await store.insertEnvironment(environment());
        await expect(store.insertEnvironment(environment())).rejects.toThrow();
      });

      it('finds the most recent environment saved from a session', async () => {
        await store.insertEnvironment(environment({ id: 'old', createdAt: at(1) }));
        await store.insertEnvironment(environment({ id: 'new', createdAt: at(3) }));
        await store.insertEnvironment(environment({ id: 'middle', createdAt: at(2) }));
        await store.insertEnvironment(environment({ id: 'elsewhere', sourceSessionId: 'session-2', createdAt: at(4) }));
        expect((await store.getEnvironmentBySession('session-1'))?.id).toBe('new');
        expect((await store.getEnvironmentBySession('session-2'))?.id).toBe('elsewhere');
      });

      it('outlives the session it was saved from', async () => {
        await store.insertSession(session());
        await store.insertEnvironment(environment());
        await store.deleteSession('session-1');
        expect((await store.getEnvironmentBySession('session-1'))?.id).toBe('env-1');
      });

      it('finds a key’s default environment and only that key’s', async () => {
        await store.insertEnvironment(environment({ id: 'plain', isDefault: false, createdAt: at(5) }));
        expect(await store.getDefaultEnvironment('key-1')).toBeUndefined();
        await store.insertEnvironment(environment({ id: 'default', isDefault: true, createdAt: at(1) }));
        await store.insertEnvironment(environment({ id: 'other-key', apiKeyId: 'key-2', isDefault: true, createdAt: at(9) }));
        expect((await store.getDefaultEnvironment('key-1'))?.id).toBe('default');
        expect((await store.getDefaultEnvironment('key-2'))?.id).toBe('other-key');
        expect(await store.getDefaultEnvironment('key-3')).toBeUndefined();
      });
    });

    describe('webhook secrets', () => {
      it('stores the first candidate of a key and returns it ever after', async () => {
        expect(await store.ensureWebhookSecret('key-1', 'whsec_first')).toBe('whsec_first');
        expect(await store.ensureWebhookSecret('key-1', 'whsec_second')).toBe('whsec_first');
        expect(await store.ensureWebhookSecret('key-2', 'whsec_other')).toBe('whsec_other');
        expect(await store.ensureWebhookSecret('key-1', 'whsec_third')).toBe('whsec_first');
      });

      it('gives concurrent first calls the one secret that was stored', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.ensureWebhookSecret('key-1', `whsec_${i}`)));
        expect(new Set(results).size).toBe(1);
        expect(await store.ensureWebhookSecret('key-1', 'whsec_late')).toBe(results[0]);
      });
    });

    describe('workers', () => {
      it('upserts heartbeats, keeping the first start, and lists the workers heard from since a time, most free capacity first', async () => {
        await store.heartbeat({ id: 'w-old', capacity: 100, load: 0, meta: {} }, at(0));
        await store.heartbeat({ id: 'w-b', capacity: 4, load: 1, meta: { address: 'http://10.0.0.2:7000' } }, at(0));
        await store.heartbeat({ id: 'w-b', capacity: 4, load: 2, meta: { address: 'http://10.0.0.2:7001', zones: ['a', 'b'], tags: { gpu: null } } }, at(1_000));
        await store.heartbeat({ id: 'w-a', capacity: 4, load: 2, meta: {} }, at(1_000));
        await store.heartbeat({ id: 'w-c', capacity: 8, load: 2, meta: {} }, at(1_500));

        const live = await store.liveWorkers(at(1_000));
        expect(live.map((worker) => worker.id)).toEqual(['w-c', 'w-a', 'w-b']);
        expect(live[2]).toEqual({
          id: 'w-b',
          capacity: 4,
          load: 2,
          meta: { address: 'http://10.0.0.2:7001', zones: ['a', 'b'], tags: { gpu: null } },
          startedAt: at(0),
          heartbeatAt: at(1_000),
        });
        expect((await store.liveWorkers(at(0))).map((worker) => worker.id)).toEqual(['w-old', 'w-c', 'w-a', 'w-b']);
        expect((await store.liveWorkers(at(1_501))).map((worker) => worker.id)).toEqual([]);
      });

      it('removes a worker, leaving its leases to expire, and answers false for one it does not know', async () => {
        await store.insertSession(session());
        await store.heartbeat({ id: 'w-a', capacity: 2, load: 1, meta: {} }, at(0));
        await store.heartbeat({ id: 'w-b', capacity: 2, load: 1, meta: {} }, at(0));
        expect(await store.claimSession('session-1', 'w-a', at(30_000), at(0))).toBe(true);
        expect(await store.removeWorker('w-a')).toBe(true);
        expect(await store.removeWorker('w-a')).toBe(false);
        expect(await store.removeWorker('nope')).toBe(false);
        expect((await store.liveWorkers(at(0))).map((worker) => worker.id)).toEqual(['w-b']);
        expect((await store.leaseOf('session-1'))?.workerId).toBe('w-a');
      });
    });

    describe('session leases', () => {
      beforeEach(async () => {
        await store.insertSession(session({ id: 'session-1' }));
        await store.insertSession(session({ id: 'session-2' }));
        await store.insertSession(session({ id: 'session-3' }));
      });

      it('claims a free session, and no session that does not exist', async () => {
        expect(await store.leaseOf('session-1')).toBeUndefined();
        expect(await store.claimSession('session-1', 'w-a', at(30_000), at(0))).toBe(true);
        expect(await store.leaseOf('session-1')).toEqual({ sessionId: 'session-1', workerId: 'w-a', expiresAt: at(30_000) });
        expect(await store.leaseOf('session-2')).toBeUndefined();
        expect(await store.claimSession('nope', 'w-a', at(30_000), at(0))).toBe(false);
        expect(await store.leaseOf('nope')).toBeUndefined();
      });

      it('refuses a session another worker holds until that lease expired before the claim, then moves it', async () => {
        expect(await store.claimSession('session-1', 'w-a', at(30_000), at(0))).toBe(true);
        expect(await store.claimSession('session-1', 'w-b', at(40_000), at(10_000))).toBe(false);
        // Expiring at the claim's instant is not expiring before it.
        expect(await store.claimSession('session-1', 'w-b', at(60_000), at(30_000))).toBe(false);
        expect(await store.leaseOf('session-1')).toEqual({ sessionId: 'session-1', workerId: 'w-a', expiresAt: at(30_000) });
        expect(await store.claimSession('session-1', 'w-b', at(60_000), at(30_001))).toBe(true);
        expect(await store.leaseOf('session-1')).toEqual({ sessionId: 'session-1', workerId: 'w-b', expiresAt: at(60_000) });
        expect(await store.claimSession('session-1', 'w-a', at(90_000), at(30_002))).toBe(false);
        expect((await store.leaseOf('session-1'))?.workerId).toBe('w-b');
      });

      it('renews the lease of a holder that claims again, before or after it expired', async () => {
        expect(await store.claimSession('session-1', 'w-a', at(30_000), at(0))).toBe(true);
        expect(await store.claimSession('session-1', 'w-a', at(40_000), at(10_000))).toBe(true);
        expect((await store.leaseOf('session-1'))?.expiresAt).toEqual(at(40_000));
        expect(await store.claimSession('session-1', 'w-a', at(80_000), at(50_000))).toBe(true);
        expect(await store.leaseOf('session-1')).toEqual({ sessionId: 'session-1', workerId: 'w-a', expiresAt: at(80_000) });
      });

      it('renews every lease one worker holds and says how many', async () => {
        await store.claimSession('session-1', 'w-a', at(10_000), at(0));
        await store.claimSession('session-2', 'w-a', at(20_000), at(0));
        await store.claimSession('session-3', 'w-b', at(30_000), at(0));
        expect(await store.renewLeases('w-a', at(90_000))).toBe(2);
        expect((await store.leaseOf('session-1'))?.expiresAt).toEqual(at(90_000));
        expect((await store.leaseOf('session-2'))?.expiresAt).toEqual(at(90_000));
        expect(await store.leaseOf('session-3')).toEqual({ sessionId: 'session-3', workerId: 'w-b', expiresAt: at(30_000) });
        expect(await store.renewLeases('w-none', at(90_000))).toBe(0);
      });

      it('releases a session only for the worker that holds it', async () => {
        await store.claimSession('session-1', 'w-a', at(30_000), at(0));
        await store.releaseSession('session-1', 'w-b');
        expect((await store.leaseOf('session-1'))?.workerId).toBe('w-a');
        await store.releaseSession('session-1', 'w-a');
        expect(await store.leaseOf('session-1')).toBeUndefined();
        await expect(store.releaseSession('session-1', 'w-a')).resolves.toBeUndefined();
        await expect(store.releaseSession('nope', 'w-a')).resolves.toBeUndefined();
        expect(await store.claimSession('session-1', 'w-b', at(30_000), at(0))).toBe(true);
      });

      it('lists the leases that expired before a time, the longest expired first', async () => {
        await store.claimSession('session-1', 'w-a', at(3_000), at(0));
        await store.claimSession('session-2', 'w-b', at(1_000), at(0));
        await store.claimSession('session-3', 'w-a', at(5_000), at(0));
        expect(await store.expiredLeases(at(1_000))).toEqual([]);
        expect(await store.expiredLeases(at(3_000))).toEqual([{ sessionId: 'session-2', workerId: 'w-b', expiresAt: at(1_000) }]);
        expect(await store.expiredLeases(at(3_001))).toEqual([
          { sessionId: 'session-2', workerId: 'w-b', expiresAt: at(1_000) },
          { sessionId: 'session-1', workerId: 'w-a', expiresAt: at(3_000) },
        ]);
        expect((await store.expiredLeases(at(9_000))).map((lease) => lease.sessionId)).toEqual(['session-2', 'session-1', 'session-3']);
      });

      it('lists the sessions created before a time that could run and have no lease, the oldest first', async () => {
        // session-1…3 (created at 0) are unleased; give two of them a lease, one of them expired.
        await store.claimSession('session-1', 'w-a', at(30_000), at(0));
        await store.claimSession('session-3', 'w-a', at(1), at(0));
        await store.insertSession(session({ id: 'older', createdAt: at(-5_000) }));
        await store.insertSession(session({ id: 'newer', createdAt: at(4_000) }));
        await store.insertSession(session({ id: 'fresh', createdAt: at(10_000) }));
        await store.insertSession(session({ id: 'ended', status: 'terminated', createdAt: at(-9_000) }));
        await store.insertSession(session({ id: 'failed', status: 'error', createdAt: at(-9_000) }));
        await store.insertSession(session({ id: 'busy', status: 'running', executionStatus: 'running', createdAt: at(1_000) }));
        expect(await store.unleasedSessions(at(10_000))).toEqual(['older', 'session-2', 'busy', 'newer']);
        // Created at the instant is not created before it.
        expect(await store.unleasedSessions(at(0))).toEqual(['older']);
        expect(await store.unleasedSessions(at(-5_000))).toEqual([]);
      });

      it('a session claimed has a lease, one released by its holder has none again, one deleted is not listed', async () => {
        expect(await store.unleasedSessions(at(1_000))).toEqual(['session-1', 'session-2', 'session-3']);
        expect(await store.claimSession('session-1', 'w-a', at(30_000), at(0))).toBe(true);
        expect(await store.claimSession('session-2', 'w-a', at(30_000), at(0))).toBe(true);
        expect(await store.unleasedSessions(at(1_000))).toEqual(['session-3']);
        // Released only as the session ends: terminated first, then released, it is not listed.
        await store.updateSession('session-1', { status: 'terminated' });
        await store.releaseSession('session-1', 'w-a');
        // Released by a worker that did not run it after all: another may adopt it.
        await store.releaseSession('session-2', 'w-a');
        expect(await store.deleteSession('session-3')).toBe(true);
        expect(await store.unleasedSessions(at(1_000))).toEqual(['session-2']);
        // An unleased session is claimed like a free one.
        expect(await store.claimSession('session-2', 'w-b', at(30_000), at(2_000))).toBe(true);
        expect(await store.unleasedSessions(at(1_000))).toEqual([]);
      });

      it('of two workers racing for one lease, free or expired, exactly one wins, 20 times over', async () => {
        await raceForOneLease(store, store, 20);
      });
    });

    describe('task checkpoints', () => {
      const checkpoint = {
        messages: [
          { role: 'user', content: 'buy a lamp' },
          { role: 'assistant', content: [{ type: 'tool-call', toolName: 'type', args: { index: 3, text: 'é ✓ 🚀 "quoted" \n' } }] },
        ],
        plan: ['search', 'compare', 'buy'],
        step: 7,
        url: 'http://127.0.0.1:4000/shop?q=lamp&page=2',
        storage: { cookies: [{ name: 'sid', value: 'x', expires: -1, httpOnly: true }], origins: [{ origin: 'http://127.0.0.1:4000', localStorage: [] }] },
        empty: {},
        nothing: null,
        flags: [true, false, 0, ''],
      };

      it('saves, overwrites, reads and deletes a checkpoint, nested JSON intact', async () => {
        await store.insertSession(session());
        expect(await store.getCheckpoint('session-1')).toBeUndefined();
        await store.saveCheckpoint('session-1', checkpoint, at(1));
        expect(await store.getCheckpoint('session-1')).toEqual({ sessionId: 'session-1', data: checkpoint, updatedAt: at(1) });
        // Replaced whole, not merged.
        await store.saveCheckpoint('session-1', { step: 8 }, at(2));
        expect(await store.getCheckpoint('session-1')).toEqual({ sessionId: 'session-1', data: { step: 8 }, updatedAt: at(2) });
        await store.deleteCheckpoint('session-1');
        expect(await store.getCheckpoint('session-1')).toBeUndefined();
        await expect(store.deleteCheckpoint('session-1')).resolves.toBeUndefined();
        await expect(store.deleteCheckpoint('nope')).resolves.toBeUndefined();
      });

      it('refuses a checkpoint for a session that does not exist', async () => {
        await expect(store.saveCheckpoint('nope', checkpoint, at(1))).rejects.toThrow();
        expect(await store.getCheckpoint('nope')).toBeUndefined();
      });

      it('a session’s lease and checkpoint go when it is deleted, another’s stay', async () => {
        await store.insertSession(session({ id: 'gone' }));
        await store.insertSession(session({ id: 'kept' }));
        for (const id of ['gone', 'kept']) {
          expect(await store.claimSession(id, 'w-a', at(1_000), at(0))).toBe(true);
          await store.saveCheckpoint(id, { ...checkpoint, id }, at(1));
        }
        expect(await store.deleteSession('gone')).toBe(true);
        expect(await store.leaseOf('gone')).toBeUndefined();
        expect(await store.getCheckpoint('gone')).toBeUndefined();
        expect((await store.expiredLeases(at(9_000))).map((lease) => lease.sessionId)).toEqual(['kept']);
        expect(await store.getCheckpoint('kept')).toEqual({ sessionId: 'kept', data: { ...checkpoint, id: 'kept' }, updatedAt: at(1) });
        // Nothing stale waits for a session re-created under the deleted id.
        await store.insertSession(session({ id: 'gone' }));
        expect(await store.leaseOf('gone')).toBeUndefined();
        expect(await store.getCheckpoint('gone')).toBeUndefined();
      });
    });

    it('migrate() again on a store with data changes nothing', async () => {
      await store.insertApiKey(apiKey());
      await store.insertSession(session());
      await store.appendMessage('session-1', message());
      await store.migrate();
      expect(await store.getApiKey('key-1')).toEqual(apiKey());
      expect((await store.getSession('session-1'))?.lastMessageId).toBe(1);
      expect(await store.listMessages('session-1', { afterId: 0, includeInternal: true })).toHaveLength(1);
    });
  });
}
