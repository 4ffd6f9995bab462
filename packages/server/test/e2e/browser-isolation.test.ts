import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumProcesses } from '../browser/chromium-processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** Browser main processes this (in-process) server has running. */
const browsers = (): number => chromiumProcesses().filter((p) => p.ppid === process.pid).length;

describe('STEWARD_BROWSER_ISOLATION=key', () => {
  let t: TestServer;
  let otherKey: string;

  beforeAll(async () => {
    t = await startTestServer({ browserIsolation: 'key', warmContexts: 0 });
    otherKey = (await t.server.keys.create('other tenant')).key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it("gives each API key's sessions a Chromium of their own and closes it with them", async () => {
    const create = async (key: string): Promise<string> => {
      const created = await t.request('POST', '/v1/sessions', { body: {}, key });
      expect(created.status).toBe(200);
      const id = created.body.session_id as string;
      // A screenshot proves the session has its browser.
      expect((await t.request('GET', `/v1/sessions/${id}/screenshot`, { key })).status).toBe(200);
      return id;
    };
    const first = await create(t.key);
    const second = await create(t.key);
    expect(browsers()).toBe(1);
    const foreign = await create(otherKey);
    expect(browsers()).toBe(2);

    for (const [id, key] of [[first, t.key], [second, t.key], [foreign, otherKey]] as const) {
      expect((await t.request('DELETE', `/v1/sessions/${id}`, { key })).status).toBe(200);
    }
    await expect.poll(browsers, { timeout: 10_000 }).toBe(0);
  }, 90_000);
});
