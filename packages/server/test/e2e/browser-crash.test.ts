import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMainPid, chromiumProcesses } from '../browser/chromium-processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  // Nothing of ours survives the server.
  expect(chromiumProcesses()).toEqual([]);
});

describe('a browser crash mid-task', () => {
  it('ends only the running tasks with an ERROR, and the sessions get a fresh browser', async () => {
    const busy = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    const idle = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    await t.request('POST', `/v1/sessions/${idle}/message`, { body: { message: 'finish before' } });
    await t.waitForStatus(idle, ['finished']);
    await t.request('POST', `/v1/sessions/${busy}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(busy, ['running']);

    const pid = browserMainPid();
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');

    await t.waitForStatus(busy, ['error']);
    const last = (await t.request('GET', `/v1/sessions/${busy}/messages`)).body.messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'browser_crashed' } });
    // The idle session's finished task is untouched.
    expect((await t.request('GET', `/v1/sessions/${idle}/status`)).body.status).toBe('finished');

    for (const id of [busy, idle]) {
      expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('ready');
      expect((await t.request('GET', `/v1/sessions/${id}/screenshot`)).status).toBe(200);
      await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish after the crash' } });
      await t.waitForStatus(id, ['finished']);
    }
    expect((await t.request('POST', '/v1/sessions', { body: {} })).status).toBe(200);
  }, 60_000);
});
