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
      const sessions = t.clientWith(key).sessions;
      const created = await sessions.create();
      expect(created.status).toBe('ready');
      // A screenshot proves the session has its browser.
      expect((await sessions.screenshot(created.sessionId)).screenshot).toMatch(/^data:image\/jpeg;base64,/);
      return created.sessionId;
    };
    const first = await create(t.key);
    const second = await create(t.key);
    expect(browsers()).toBe(1);
    const foreign = await create(otherKey);
    expect(browsers()).toBe(2);

    for (const [id, key] of [[first, t.key], [second, t.key], [foreign, otherKey]] as const) {
      expect(await t.clientWith(key).sessions.delete(id)).toMatchObject({ success: true, deleted: true });
    }
    await expect.poll(browsers, { timeout: 10_000 }).toBe(0);
  }, 90_000);
});
