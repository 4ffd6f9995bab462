import { NotFoundError, type CreateSessionOptions } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let site: FixtureServer;
beforeAll(async () => {
  site = await startFixtureServer();
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  await site.close();
});

/** Visits the storage page; returns what it saw before it set its cookie and localStorage. */
async function visitStorage(id: string): Promise<string> {
  await t.client.sessions.navigate(id, `${site.url}/storage/`);
  await t.client.sessions.sendMessage(id, 'finish read');
  await t.waitForStatus(id, ['finished']);
  // Unsanitized: the prompt the agent was given (what it saw of the page) is an internal LOG.
  const { messages } = await t.client.sessions.getMessages(id, 0, false);
  const prompt = messages.find((m) => m.metadata['kind'] === 'prompt');
  return prompt!.content as string;
}

describe('session snapshots (spec §6.5)', () => {
  it('saves cookies and localStorage on delete and restores them by environment, session, or default', async () => {
    const first = await t.client.sessions.create();
    const seenFirst = await visitStorage(first.sessionId);
    expect(seenFirst).toContain('Cookie header: (none)');
    expect(seenFirst).toContain('localStorage before: (none)');
    const del = await t.client.sessions.delete(first.sessionId, 'filesystem', { saveAsDefault: true });
    expect(del.deleted).toBe(true);

    const restores: CreateSessionOptions[] = [
      { restoreFromEnvironmentId: first.environmentId! },
      { restoreFromSessionId: first.sessionId },
      { restoreDefaultEnvironmentFromUserId: 'me' },
    ];
    for (const options of restores) {
      const restored = await t.client.sessions.create('agi-0', options);
      expect(restored.status, JSON.stringify(options)).toBe('ready');
      expect(restored.environmentId).not.toBe(first.environmentId);
      const seen = await visitStorage(restored.sessionId);
      expect(seen, JSON.stringify(options)).toContain('Cookie header: visitor=yes');
      expect(seen).toContain('localStorage before: yes');
      await t.client.sessions.delete(restored.sessionId);
    }
  });

  it('does not save without a snapshot mode, and hides environments from other keys', async () => {
    const session = await t.client.sessions.create();
    await visitStorage(session.sessionId);
    await t.client.sessions.delete(session.sessionId);
    const missing = t.client.sessions.create('agi-0', { restoreFromEnvironmentId: session.environmentId! });
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);

    const saved = await t.client.sessions.create();
    await visitStorage(saved.sessionId);
    await t.client.sessions.delete(saved.sessionId, 'memory');
    const other = t.clientWith((await t.server.keys.create('other')).key);
    const foreign = other.sessions.create('agi-0', { restoreFromEnvironmentId: saved.environmentId! });
    await expect(foreign).rejects.toBeInstanceOf(NotFoundError);
    const own = await t.client.sessions.create('agi-0', { restoreFromEnvironmentId: saved.environmentId! });
    expect(own.status).toBe('ready');
  });
});
