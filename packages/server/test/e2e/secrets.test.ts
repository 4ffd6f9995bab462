import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_SECRETS, startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { TYPED_SECRET } from './policies/test-policy.mjs';
import { followEvents } from '../support/follow-events.ts';
import { startHttpConnectProxy, type RecordingProxy } from '../support/upstream-proxies.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { LoopbackReceiver } from '../webhooks/loopback-receiver.ts';

// Finding 3 of issue 8, end to end: a password the agent types, a proxy password and a cookie
// never come back out (messages, SSE, webhooks, log lines) and leave no readable byte in the data
// dir once the session is deleted. Every value is URL-safe ASCII, so it is stored as itself
// wherever it is stored in plain text. The test acts through the SDK; the leak surfaces that are
// HTTP answers (messages, the session record) are read off the wire with t.request, as sent.
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
    const created = await t.client.sessions.create('agi-0', { proxyUrl: `http://steward:${PROXY_PASSWORD}@127.0.0.1:${upstream.port}`, webhookUrl: receiver.url() });
    const id = created.sessionId;
    const followed = followEvents(t.client, id, { sanitize: false });
    await t.client.sessions.sendMessage(id, `secret ${site.url} ${TASK_MARKER}`);
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    await followed.ended;
    expect(followed.error).toBeUndefined();
    // session.created, task.started, status changes, task.completed: wait for the one with the result.
    const deadline = Date.now() + 10_000;
    while (!receiver.bodies().some((b) => b['event'] === 'task.completed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));

    // The task really typed the password, through the proxy, into the page.
    expect(upstream.credentials.at(-1)).toEqual({ username: 'steward', password: PROXY_PASSWORD });
    expect(site.state.submissions.at(-1)?.accepted).toBe(true);

    // The wire itself: the messages are leak surfaces, read as sent.
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
      'SSE events': JSON.stringify(followed.events),
      'webhook deliveries': JSON.stringify(receiver.requests),
      'log lines': logLines.join(''),
      'session record': JSON.stringify((await t.request('GET', `/v1/sessions/${id}`)).body),
    };
    expect(followed.events.length).toBeGreaterThan(5);
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

    const deleted = await t.client.sessions.delete(id, 'filesystem');
    expect(deleted.deleted).toBe(true);
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
    const again = (await t.client.sessions.create('agi-0', { restoreFromSessionId: id })).sessionId;
    await t.client.sessions.navigate(again, `${site.url}/storage/`);
    await t.client.sessions.sendMessage(again, 'finish read');
    await t.waitForStatus(again, ['finished']);
    const prompt = (await t.client.sessions.getMessages(again, 0, false)).messages.find((m) => m.metadata['kind'] === 'prompt');
    expect(prompt?.content).toContain(`session_token=${STORAGE_SECRETS.cookie}`);
  }, 90_000);
});
