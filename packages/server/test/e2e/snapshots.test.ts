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
  await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `${site.url}/storage/` } });
  await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish read' } });
  await t.waitForStatus(id, ['finished']);
  const prompt = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages.find(
    (m: { metadata: { kind?: string } }) => m.metadata.kind === 'prompt',
  );
  return prompt.content as string;
}

describe('session snapshots (spec §6.5)', () => {
  it('saves cookies and localStorage on delete and restores them by environment, session, or default', async () => {
    const first = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    const seenFirst = await visitStorage(first.session_id);
    expect(seenFirst).toContain('Cookie header: (none)');
    expect(seenFirst).toContain('localStorage before: (none)');
    const del = await t.request('DELETE', `/v1/sessions/${first.session_id}?save_snapshot_mode=filesystem&save_as_default=true`);
    expect(del.body.deleted).toBe(true);

    for (const body of [
      { restore_from_environment_id: first.environment_id },
      { restore_from_session_id: first.session_id },
      { restore_default_environment_from_user_id: 'me' },
    ]) {
      const restored = await t.request('POST', '/v1/sessions', { body });
      expect(restored.status, JSON.stringify(body)).toBe(200);
      expect(restored.body.environment_id).not.toBe(first.environment_id);
      const seen = await visitStorage(restored.body.session_id);
      expect(seen, JSON.stringify(body)).toContain('Cookie header: visitor=yes');
      expect(seen).toContain('localStorage before: yes');
      await t.request('DELETE', `/v1/sessions/${restored.body.session_id}`);
    }
  });

  it('does not save without a snapshot mode, and hides environments from other keys', async () => {
    const session = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    await visitStorage(session.session_id);
    await t.request('DELETE', `/v1/sessions/${session.session_id}`);
    const missing = await t.request('POST', '/v1/sessions', { body: { restore_from_environment_id: session.environment_id } });
    expect(missing.status).toBe(404);

    const saved = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    await visitStorage(saved.session_id);
    await t.request('DELETE', `/v1/sessions/${saved.session_id}?save_snapshot_mode=memory`);
    const other = (await t.server.keys.create('other')).key;
    const foreign = await t.request('POST', '/v1/sessions', { body: { restore_from_environment_id: saved.environment_id }, key: other });
    expect(foreign.status).toBe(404);
    const own = await t.request('POST', '/v1/sessions', { body: { restore_from_environment_id: saved.environment_id } });
    expect(own.status).toBe(200);
  });
});
