import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_SECRETS, startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { TYPED_SECRET } from './policies/test-policy.mjs';
import { openSse, type SseStream } from '../support/raw-sse.ts';
import { startHttpConnectProxy, type RecordingProxy } from '../support/upstream-proxies.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { LoopbackReceiver } from '../webhooks/loopback-receiver.ts';

// Finding 3 of issue 8, end to end: a password the agent types, a proxy password and a cookie
// never come back out (messages, SSE, webhooks, log lines) and leave no readable byte in the data
// dir once the session is deleted. Every value is URL-safe ASCII, so it is stored as itself
// wherever it is stored in plain text.
const PROXY_PASSWORD = 'pr0xy-pass-4e1b7d93';
const MASK = '••••••';
/** Only in the task text: proves the grep sees what SQLite keeps (main file and WAL) until the delete. */
const TASK_MARKER = 'task-marker-c0ffee51';

/** Occurrences of `needle` in the raw bytes of every file under `dir`, by relative path (files without one left out). */
function rawHits(dir: string, needle: string): Record<string, number> {
  const wanted = Buffer.from(needle, 'utf8');
  const hits: Record<string, number> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const bytes = readFileSync(path);
        let count = 0;
        for (let at = bytes.indexOf(wanted); at >= 0; at = bytes.indexOf(wanted, at + 1)) count++;
        if (count > 0) hits[relative(dir, path)] = count;
      }
    }
  };
  walk(dir);
  return hits;
}

/** Mode bits (rwx for user, group, other) of every entry under `dir`, the folder itself included. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': (statSync(dir).mode & 0o777).toString(8) };
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      out[relative(dir, path)] = (statSync(path).mode & 0o777).toString(8);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

let site: FixtureServer;
let upstream: RecordingProxy;
let receiver: LoopbackReceiver;
let t: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  site = await startFixtureServer();
  upstream = await startHttpConnectProxy({ credentials: { username: 'steward', password: PROXY_PASSWORD } });
  receiver = await LoopbackReceiver.start();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  // Everything the server logs, at every level, as the operator's log would hold it.
  t = await startTestServer({}, {}, { logger: pino({ level: 'trace' }, sink) });
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
  await upstream?.close();
  await site?.close();
});

describe('secrets do not come back out (issue 8, finding 3)', () => {
  it('masks a typed password everywhere, encrypts credentials and snapshots, and a deleted session leaves no readable byte', async () => {
    const created = await t.request('POST', '/v1/sessions', {
      body: { proxy_url: `http://steward:${PROXY_PASSWORD}@127.0.0.1:${upstream.port}`, webhook_url: receiver.url() },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.session_id as string;
    const sse: SseStream = await openSse(`${t.url}/v1/sessions/${id}/events?sanitize=false`, t.key);
    const sent = await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: `secret ${site.url} ${TASK_MARKER}` } });
    expect(sent.status).toBe(200);
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    await sse.closed;
    // session.created, task.started, status changes, task.completed: wait for the one with the result.
    const deadline = Date.now() + 10_000;
    while (!receiver.bodies().some((b) => b['event'] === 'task.completed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));

    // The task really typed the password, through the proxy, into the page.
    expect(upstream.credentials.at(-1)).toEqual({ username: 'steward', password: PROXY_PASSWORD });
    expect(site.state.submissions.at(-1)?.accepted).toBe(true);

    const visible = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=true`)).body.messages as Array<Record<string, any>>;
    const all = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages as Array<Record<string, any>>;
    const typedStep = all.find((m) => m.metadata?.kind === 'step' && m.metadata.action?.tool === 'type' && m.metadata.action.args?.text === MASK);
    expect(typedStep, 'the password step is recorded, with the text masked').toBeDefined();
    expect(all.find((m) => m.type === 'DONE')?.content).toBe(`Registered; the password is ${MASK}`);
    expect(all.some((m) => m.type === 'THOUGHT' && String(m.content).includes(MASK))).toBe(true);
    expect(all.some((m) => m.metadata?.kind === 'model_output')).toBe(true);
    expect(receiver.bodies().find((b) => b['event'] === 'task.completed')?.['content']).toBe(`Registered; the password is ${MASK}`);

    const surfaces: Record<string, string> = {
      'messages (sanitize=true)': JSON.stringify(visible),
      'messages (sanitize=false)': JSON.stringify(all),
      'SSE events': JSON.stringify(sse.events),
      'webhook deliveries': JSON.stringify(receiver.requests),
      'log lines': logLines.join(''),
      'session record': JSON.stringify((await t.request('GET', `/v1/sessions/${id}`)).body),
    };
    expect(sse.events.length).toBeGreaterThan(5);
    expect(logLines.length).toBeGreaterThan(3);
    for (const [surface, text] of Object.entries(surfaces)) {
      expect(text.includes(TYPED_SECRET), `typed password in ${surface}`).toBe(false);
      expect(text.includes(PROXY_PASSWORD), `proxy password in ${surface}`).toBe(false);
      expect(text.includes(STORAGE_SECRETS.cookie), `cookie in ${surface}`).toBe(false);
    }

    // At rest while the session lives: the typed password was never stored, the proxy URL is
    // sealed; the marker shows the grep reads what SQLite holds, in the main file or the WAL.
    expect(rawHits(t.dataDir, TYPED_SECRET)).toEqual({});
    expect(rawHits(t.dataDir, PROXY_PASSWORD)).toEqual({});
    expect(Object.values(rawHits(t.dataDir, TASK_MARKER)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const deleted = await t.request('DELETE', `/v1/sessions/${id}?save_snapshot_mode=filesystem`);
    expect(deleted.body.deleted).toBe(true);
    for (const secret of [TYPED_SECRET, PROXY_PASSWORD, STORAGE_SECRETS.cookie, STORAGE_SECRETS.localStorage, TASK_MARKER]) {
      expect(rawHits(t.dataDir, secret), secret).toEqual({});
    }

    // Only the server's user may read or enter anything in the data dir.
    const seen = modes(t.dataDir);
    expect(Object.keys(seen)).toEqual(expect.arrayContaining(['.', 'steward.db', 'steward.db-wal', 'steward.db-shm', 'secret.key', 'live-view.key']));
    for (const [path, mode] of Object.entries(seen)) {
      expect(mode, path).toBe(statSync(join(t.dataDir, path)).isDirectory() ? '700' : '600');
    }

    // The sealed snapshot still opens: a session restored from it sends the cookie.
    const restored = await t.request('POST', '/v1/sessions', { body: { restore_from_session_id: id } });
    expect(restored.status).toBe(200);
    const again = restored.body.session_id as string;
    await t.request('POST', `/v1/sessions/${again}/navigate`, { body: { url: `${site.url}/storage/` } });
    await t.request('POST', `/v1/sessions/${again}/message`, { body: { message: 'finish read' } });
    await t.waitForStatus(again, ['finished']);
    const prompt = (await t.request('GET', `/v1/sessions/${again}/messages?sanitize=false`)).body.messages.find(
      (m: { metadata: { kind?: string } }) => m.metadata.kind === 'prompt',
    );
    expect(prompt.content).toContain(`session_token=${STORAGE_SECRETS.cookie}`);
  }, 90_000);
});
