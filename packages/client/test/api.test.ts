import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  APIConnectionError,
  APIError,
  APIPromise,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionError,
  Steward,
  ValidationError,
} from '../src/index.ts';

// Every method of the SDK against the real server (SQLite, Chromium, the scripted test policy),
// and every error class from an answer the server really gives.

let t: TestServer;
let client: Steward;
beforeAll(async () => {
  t = await startTestServer({ maxFileMb: 0.01 });
  client = new Steward({ apiKey: t.key, baseUrl: t.url });
});
afterAll(async () => {
  await t?.close();
});

const UNKNOWN_ID = '00000000-0000-0000-0000-000000000000';
const CARD = { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2031, cvc: '123', name: 'Ada Lovelace' };

/** A loopback port nothing listens on (fetch refuses port 1 itself, as a "bad port"). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('configuration', () => {
  it('reads STEWARD_URL and STEWARD_API_KEY, accepts a base URL ending in /v1, and calls the given fetch', async () => {
    const calls: string[] = [];
    const saved = { url: process.env['STEWARD_URL'], key: process.env['STEWARD_API_KEY'] };
    process.env['STEWARD_URL'] = `${t.url}/v1/`;
    process.env['STEWARD_API_KEY'] = t.key;
    try {
      const fromEnv = new Steward({ fetch: (input, init) => (calls.push(`${init.method} ${input}`), fetch(input, init)) });
      expect(fromEnv.baseUrl).toBe(t.url);
      expect(await fromEnv.models.list()).toEqual({ models: ['agi-0', 'agi-0-fast'] });
      expect(calls).toEqual([`GET ${t.url}/v1/models`]);
      delete process.env['STEWARD_API_KEY'];
      expect(() => new Steward({ baseUrl: t.url })).toThrow(/API key is required/);
    } finally {
      for (const [name, value] of [['STEWARD_URL', saved.url], ['STEWARD_API_KEY', saved.key]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('client.sessions', () => {
  it('create, get, list, delete: camelCase fields and the documented delete answers', async () => {
    const created = await client.sessions.create('agi-0-fast', { maxSteps: 7 });
    expect(created).toMatchObject({ agentName: 'agi-0-fast', status: 'ready' });
    expect(created.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.vncUrl).toContain(`/sessions/${created.sessionId}?token=`);
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
    expect(await client.sessions.get(created.sessionId)).toMatchObject({ sessionId: created.sessionId, agentName: 'agi-0-fast' });
    expect((await client.sessions.list()).map((s) => s.sessionId)).toContain(created.sessionId);
    expect(await client.sessions.delete(created.sessionId)).toEqual({ success: true, deleted: true, message: 'Session deleted successfully' });
    expect(await client.sessions.delete(created.sessionId)).toMatchObject({ success: true, deleted: false });
  });

  it('sendMessage, getStatus and getMessages (afterId, sanitize) follow one task', async () => {
    const { sessionId } = await client.sessions.create();
    expect(await client.sessions.getStatus(sessionId)).toEqual({ status: 'ready' });
    expect(await client.sessions.sendMessage(sessionId, 'finish All good')).toEqual({ success: true, message: 'Message sent successfully' });
    await t.waitForStatus(sessionId, ['finished']);
    expect(await client.sessions.getStatus(sessionId)).toEqual({ status: 'finished' });
    const all = await client.sessions.getMessages(sessionId);
    expect(all.status).toBe('finished');
    expect(all.hasAgent).toEqual(expect.any(Boolean));
    expect(all.messages.map((m) => m.type)).toEqual(['USER', 'THOUGHT', 'DONE']);
    expect(all.messages.at(-1)?.content).toBe('All good');
    const afterFirst = await client.sessions.getMessages(sessionId, all.messages[0]!.id);
    expect(afterFirst.messages.map((m) => m.type)).toEqual(['THOUGHT', 'DONE']);
    const raw = await client.sessions.getMessages(sessionId, 0, false);
    expect(raw.messages.length).toBeGreaterThan(all.messages.length);
    await client.sessions.delete(sessionId);
  });

  it('pause, resume and cancel a running task; ConflictError with the catalog code when nothing runs', async () => {
    const { sessionId } = await client.sessions.create();
    const notRunning = await caught(client.sessions.pause(sessionId));
    expect(notRunning).toBeInstanceOf(ConflictError);
    expect(notRunning).toMatchObject({ status: 409, code: 'not_running' });
    expect((notRunning as ConflictError).requestId).toMatch(/^req_[0-9a-f]{32}$/);
    await client.sessions.sendMessage(sessionId, 'loop');
    await t.waitForStatus(sessionId, ['running']);
    expect(await client.sessions.pause(sessionId)).toEqual({ success: true, message: 'Session paused successfully' });
    expect(await caught(client.sessions.pause(sessionId))).toMatchObject({ code: 'already_paused' });
    expect(await client.sessions.resume(sessionId)).toEqual({ success: true, message: 'Session resumed successfully' });
    expect(await caught(client.sessions.resume(sessionId))).toMatchObject({ code: 'not_paused' });
    expect(await client.sessions.cancel(sessionId)).toEqual({ success: true, message: 'Session cancelled successfully' });
    await t.waitForStatus(sessionId, ['error']);
    const last = (await client.sessions.getMessages(sessionId)).messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'cancelled' } });
    await client.sessions.delete(sessionId);
  });

  it('navigate, screenshot; BadRequestError for a relative URL, InternalServerError (502) for an unreachable page', async () => {
    const { sessionId } = await client.sessions.create();
    const page = `${t.url}/healthz`;
    expect(await client.sessions.navigate(sessionId, page)).toEqual({ currentUrl: page });
    const shot = await client.sessions.screenshot(sessionId);
    expect(shot.screenshot).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(shot.url).toBe(page);
    const relative = await caught(client.sessions.navigate(sessionId, '/not-absolute'));
    expect(relative).toBeInstanceOf(BadRequestError);
    expect(relative).toMatchObject({ status: 400, code: 'invalid_url' });
    const unreachable = await caught(client.sessions.navigate(sessionId, 'http://127.0.0.1:1/', { maxRetries: 0 }));
    expect(unreachable).toBeInstanceOf(InternalServerError);
    expect(unreachable).toMatchObject({ status: 502, code: 'navigation_failed' });
    await client.sessions.delete(sessionId);
  });

  it('deleteAll removes every session of the key and counts them', async () => {
    const other = await t.server.keys.create('delete-all');
    const own = new Steward({ apiKey: other.key, baseUrl: t.url });
    await own.sessions.create();
    await own.sessions.create();
    expect(await own.sessions.deleteAll()).toEqual({ success: true, deleted: true, count: 2, message: 'Sessions deleted successfully' });
    expect(await own.sessions.list()).toEqual([]);
    expect(await own.sessions.deleteAll()).toMatchObject({ deleted: false, count: 0 });
  });

  it('delete saves a snapshot only with a saveSnapshotMode, and create restores it by session or environment', async () => {
    const own = new Steward({ apiKey: (await t.server.keys.create('snapshots')).key, baseUrl: t.url });
    const unsaved = await own.sessions.create();
    await own.sessions.delete(unsaved.sessionId);
    expect(await caught(own.sessions.create('agi-0', { restoreFromSessionId: unsaved.sessionId }))).toMatchObject({ status: 404, code: 'not_found' });
    const saved = await own.sessions.create();
    expect(saved.environmentId).toEqual(expect.any(String));
    expect(await own.sessions.delete(saved.sessionId, 'filesystem', { saveAsDefault: true })).toMatchObject({ deleted: true });
    const bySession = await own.sessions.create('agi-0', { restoreFromSessionId: saved.sessionId });
    const byEnvironment = await own.sessions.create('agi-0', { restoreFromEnvironmentId: saved.environmentId! });
    expect(bySession.environmentId).not.toBe(saved.environmentId);
    expect(byEnvironment.sessionId).not.toBe(bySession.sessionId);
    await own.sessions.deleteAll();
  });

  it('sends session secrets on create (Steward extension): a bad name is a ValidationError at body.secrets', async () => {
    const { sessionId } = await client.sessions.create('agi-0', { secrets: { PASSWORD: 'hunter2', PIN: { value: '1234', domains: ['example.com'] } } });
    await client.sessions.delete(sessionId);
    const bad = await caught(client.sessions.create('agi-0', { secrets: { '1bad': 'x' } }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.map((issue) => issue.loc.slice(0, 2))).toContainEqual(['body', 'secrets']);
  });
});

describe('withResponse', () => {
  it('gives the answer with its response (status, headers) from one request, awaited either way', async () => {
    const creating = client.sessions.create('agi-0', { maxSteps: 3 });
    expect(creating).toBeInstanceOf(APIPromise);
    const { data, response } = await creating.withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(data).toMatchObject({ agentName: 'agi-0', status: 'ready' });
    // Awaiting the same promise gives the same answer, without a second request (one session made).
    expect(await creating).toBe(data);
    expect((await client.sessions.list()).filter((s) => s.sessionId === data.sessionId)).toHaveLength(1);

    const token = await client.paymentTokens.create({ card: CARD, maxAmount: 10, currency: 'USD' }).withResponse();
    expect(token.response.status).toBe(201);
    expect(token.data).toMatchObject({ last4: '4242', status: 'active' });
    const list = await client.paymentTokens.list().withResponse();
    expect(list.data.map((t) => t.id)).toContain(token.data.id);

    // An error answer rejects withResponse() with the typed error, and nothing else is left unhandled.
    const missing = await caught(client.sessions.get(UNKNOWN_ID).withResponse());
    expect(missing).toBeInstanceOf(NotFoundError);
    await client.sessions.delete(data.sessionId);
  });
});

describe('client.models', () => {
  it('lists the agent names, the same for the desktop filter (also as sessions.listModels)', async () => {
    expect(await client.models.list()).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect(await client.models.list('desktop')).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect(await client.sessions.listModels('cdp')).toEqual({ models: ['agi-0', 'agi-0-fast'] });
  });
});

describe('Steward extensions', () => {
  it('files: upload (a taken name gets a number), list, download, delete; 413 is an APIError with its code', async () => {
    const { sessionId } = await client.sessions.create();
    const first = await client.files.upload(sessionId, 'notes.txt', 'first file', { contentType: 'text/plain' });
    expect(first).toMatchObject({ name: 'notes.txt', size: 10, source: 'upload' });
    expect(Number.isNaN(Date.parse(first.createdAt))).toBe(false);
    const second = await client.files.upload(sessionId, 'notes.txt', new TextEncoder().encode('second'));
    expect(second.name).toBe('notes (1).txt');
    expect((await client.files.list(sessionId)).map((f) => f.name)).toEqual(['notes.txt', 'notes (1).txt']);
    const download = await client.files.download(sessionId, 'notes (1).txt');
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(await download.text()).toBe('second');
    expect(await client.files.delete(sessionId, 'notes.txt')).toEqual({ success: true, message: 'File deleted' });
    expect((await client.files.list(sessionId)).map((f) => f.name)).toEqual(['notes (1).txt']);
    expect(await caught(client.files.download(sessionId, 'notes.txt'))).toMatchObject({ status: 404, code: 'not_found' });
    const tooLarge = await caught(client.files.upload(sessionId, 'big.bin', new Uint8Array(20_000)));
    expect(tooLarge).toBeInstanceOf(APIError);
    expect(tooLarge).toMatchObject({ status: 413, code: 'payload_too_large' });
    await client.sessions.delete(sessionId);
  });

  it('payment tokens: create (camelCase card), get, list, revoke; a bad card is a ValidationError that never quotes it', async () => {
    const token = await client.paymentTokens.create({ card: CARD, maxAmount: 25, currency: 'eur', merchantDomains: ['shop.example'] });
    expect(token).toMatchObject({ last4: '4242', brand: 'visa', maxAmount: 25, currency: 'EUR', merchantDomains: ['shop.example'], status: 'active', spentAt: null });
    expect(token.id).toMatch(/^ptok_/);
    expect(await client.paymentTokens.get(token.id)).toEqual(token);
    expect((await client.paymentTokens.list()).map((p) => p.id)).toContain(token.id);
    expect(await client.paymentTokens.revoke(token.id)).toMatchObject({ id: token.id, status: 'revoked' });
    expect(await client.paymentTokens.get(token.id)).toMatchObject({ status: 'revoked' });
    // DELETE is idempotent here: a retried revoke answers the token as it now is.
    expect(await client.paymentTokens.revoke(token.id)).toMatchObject({ id: token.id, status: 'revoked' });
    const bad = await caught(client.paymentTokens.create({ card: { ...CARD, number: '4242 4242 4242 4241' } }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(JSON.stringify((bad as ValidationError).body)).not.toContain('4241');
    expect(await caught(client.paymentTokens.get('ptok_unknown'))).toBeInstanceOf(NotFoundError);
  });

  it('replay: list (steps camelCased, and the caps), screenshot (the JPEG bytes); 404 for a step not kept', async () => {
    const { sessionId } = await client.sessions.create();
    await client.sessions.sendMessage(sessionId, 'finish replayed');
    await t.waitForStatus(sessionId, ['finished']);
    const replay = await client.replay.list(sessionId);
    expect(replay).toMatchObject({ maxSteps: 200, maxBytes: 8 * 1_048_576, steps: [{ step: 1, taskStep: 1, url: 'about:blank', bytes: expect.any(Number) }] });
    expect(Object.keys(replay.steps[0]!).sort()).toEqual(['bytes', 'step', 'takenAt', 'taskId', 'taskStep', 'title', 'url']);
    const jpeg = await client.replay.screenshot(sessionId, 1);
    expect(jpeg).toBeInstanceOf(Uint8Array);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(jpeg.length).toBe(replay.steps[0]!.bytes);
    expect(await caught(client.replay.screenshot(sessionId, 2))).toMatchObject({ status: 404, code: 'not_found' });
    expect(await caught(client.replay.list(UNKNOWN_ID))).toMatchObject({ status: 404, code: 'session_not_found' });
    await client.sessions.delete(sessionId);
  });

  it('approvals: the list of a session, empty before the agent asked', async () => {
    const { sessionId } = await client.sessions.create('agi-0', { approvalPolicy: 'always' });
    expect(await client.approvals.list(sessionId)).toEqual([]);
    expect(await caught(client.approvals.list(UNKNOWN_ID))).toMatchObject({ status: 404, code: 'session_not_found' });
    await client.sessions.delete(sessionId);
  });
});

describe('errors by status and code', () => {
  it('AuthenticationError (401), PermissionError (403), NotFoundError (404), ValidationError (422)', async () => {
    const wrongKey = await caught(new Steward({ apiKey: 'stw_wrong', baseUrl: t.url }).models.list());
    expect(wrongKey).toBeInstanceOf(AuthenticationError);
    expect(wrongKey).toMatchObject({ status: 401, code: 'unauthorized' });

    const revoked = await t.server.keys.create('revoked');
    await t.server.keys.revoke(revoked.record.id);
    const forbidden = await caught(new Steward({ apiKey: revoked.key, baseUrl: t.url }).sessions.list());
    expect(forbidden).toBeInstanceOf(PermissionError);
    expect(forbidden).toMatchObject({ status: 403, code: 'key_revoked' });

    const missing = await caught(client.sessions.get(UNKNOWN_ID));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'session_not_found', message: '404 Session not found.' });

    const invalid = await caught(client.sessions.create('agi-0', { maxSteps: 0 }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ status: 422, code: 'validation_error' });
    expect((invalid as ValidationError).issues[0]?.loc).toEqual(['body', 'max_steps']);
    expect((invalid as Error).message).toContain('body.max_steps');
  });

  it('APIConnectionError when nothing listens, after the retries the policy allows', async () => {
    let attempts = 0;
    const nowhere = new Steward({ apiKey: t.key, baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 2, fetch: (input, init) => (attempts++, fetch(input, init)) });
    const error = await caught(nowhere.sessions.create());
    expect(error).toBeInstanceOf(APIConnectionError);
    // A refused connection never reached a server: even a create may be tried again.
    expect(attempts).toBe(3);
  });
});
