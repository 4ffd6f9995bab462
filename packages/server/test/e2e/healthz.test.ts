import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/test-server.ts';

// GET /healthz on the real server: what a load balancer reads.

describe('GET /healthz', () => {
  it('answers 200 with what it checked while the store answers, and 503 once it does not', async () => {
    const t = await startTestServer();
    let storeClosed = false;
    try {
      const healthy = await fetch(`${t.url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(healthy.headers.get('cache-control')).toBe('no-store');
      expect(await healthy.json()).toEqual({ ok: true, store: 'ok', browser: 'up' });

      // The database goes away under the running server (a PostgreSQL restart, a lost volume).
      await t.server.store.close();
      storeClosed = true;
      const sick = await fetch(`${t.url}/healthz`);
      expect(sick.status).toBe(503);
      expect(await sick.json()).toEqual({ ok: false, store: 'unavailable', browser: 'up' });
    } finally {
      if (!storeClosed) await t.close();
      else {
        // Its shutdown would write to the closed store: stop what holds sockets and processes.
        await t.server.app.close();
        await t.server.browsers.close();
      }
    }
  });
});
