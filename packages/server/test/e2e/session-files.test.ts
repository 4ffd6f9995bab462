import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CSV } from '../../../../fixtures/sites/files/handler.ts';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';

const FILES_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/files-policy.mjs')}`;
/** STEWARD_MAX_FILE_MB for these tests: 256 KiB. */
const MAX_FILE_MB = 0.25;
const MAX_FILE_BYTES = 256 * 1024;

let t: TestServer;
let site: FixtureServer;
let other: string;
beforeAll(async () => {
  site = await startFixtureServer();
  t = await startTestServer({ model: FILES_POLICY, maxFileMb: MAX_FILE_MB, maxSessionFilesMb: 1 });
  other = (await t.server.keys.create('other')).key;
});
afterAll(async () => {
  await t?.close();
  await site?.close();
});

async function newSession(server = t): Promise<string> {
  return (await server.request('POST', '/v1/sessions', { body: {} })).body.session_id;
}

/** POST …/files with raw bytes; a Readable body goes chunked, without a Content-Length. */
async function upload(id: string, name: string, body: Buffer | Readable, options: { key?: string; server?: TestServer } = {}): Promise<{ status: number; body: any }> {
  const server = options.server ?? t;
  const res = await fetch(`${server.url}/v1/sessions/${id}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.key ?? server.key}`, 'content-type': 'application/octet-stream' },
    body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : body,
    ...(body instanceof Readable ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: res.status, body: await res.json() };
}

const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

async function doneOf(id: string): Promise<{ type: string; content: string }> {
  await t.waitForStatus(id, ['finished', 'error'], { timeoutMs: 30_000 });
  return (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1);
}

describe('session files through the API', () => {
  it('takes an upload the agent then puts into a page, and keeps the download the agent makes, fetchable', async () => {
    const id = await newSession();
    const uploaded = await upload(id, 'report.csv', Buffer.from(REPORT_CSV));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ name: 'report.csv', size: Buffer.byteLength(REPORT_CSV), source: 'upload' });
    expect(Date.parse(uploaded.body.created_at)).not.toBeNaN();

    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'upload report.csv', start_url: `${site.url}/files/` } });
    const uploadDone = await doneOf(id);
    expect(uploadDone.type, JSON.stringify(uploadDone)).toBe('DONE');
    expect(uploadDone.content).toContain(`report.csv (${Buffer.byteLength(REPORT_CSV)} bytes, sha256 ${sha256(REPORT_CSV)})`);
    expect(site.state.files.uploads).toEqual([{ field: 'document', name: 'report.csv', size: Buffer.byteLength(REPORT_CSV), sha256: sha256(REPORT_CSV) }]);

    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'download', start_url: `${site.url}/files/` } });
    const downloadDone = await doneOf(id);
    // The uploaded report.csv keeps its name; the download gets the next one.
    expect(downloadDone.content).toBe(`Clicked link 'Download report'; Downloaded report.csv as report (1).csv (${Buffer.byteLength(REPORT_CSV)} bytes) into the session's files`);

    const listed = await t.request('GET', `/v1/sessions/${id}/files`);
    expect(listed.status).toBe(200);
    expect(listed.body.files.map((f: { name: string; source: string }) => [f.name, f.source])).toEqual([
      ['report.csv', 'upload'],
      ['report (1).csv', 'download'],
    ]);
    const fetched = await fetch(`${t.url}/v1/sessions/${id}/files/${encodeURIComponent('report (1).csv')}`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe(REPORT_CSV);
    expect(fetched.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(fetched.headers.get('content-disposition')).toBe(`attachment; filename="report (1).csv"; filename*=UTF-8''report%20%281%29.csv`);
    expect(fetched.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 413 past the per-file cap, with or without a Content-Length, and keeps nothing', async () => {
    const id = await newSession();
    const declared = await upload(id, 'big.bin', Buffer.alloc(MAX_FILE_BYTES + 1));
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ error: 'payload_too_large', message: 'The file is larger than the limit of 256 KB per file.' });
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(64 * 1024 + 1));
    const streamed = await upload(id, 'big.bin', Readable.from(chunks));
    expect(streamed.status).toBe(413);
    expect(streamed.body.error).toBe('payload_too_large');
    expect((await upload(id, 'fits.bin', Buffer.alloc(MAX_FILE_BYTES))).status).toBe(201);
    expect((await t.request('GET', `/v1/sessions/${id}/files`)).body.files.map((f: { name: string }) => f.name)).toEqual(['fits.bin']);
  });

  it('answers 422 for a bad or missing name and 404 for unknown files', async () => {
    const id = await newSession();
    const traversal = await upload(id, '../escape.txt', Buffer.from('x'));
    expect(traversal.status).toBe(422);
    expect(traversal.body.detail[0]).toMatchObject({ loc: ['query', 'name'], type: 'value_error' });
    expect((await upload(id, '.env', Buffer.from('x'))).status).toBe(422);
    const missing = await t.request('POST', `/v1/sessions/${id}/files`, { rawBody: 'x', headers: { 'content-type': 'application/octet-stream' } });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(['query', 'name']);
    const unknown = await t.request('GET', `/v1/sessions/${id}/files/nothing.txt`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
    expect((await t.request('DELETE', `/v1/sessions/${id}/files/nothing.txt`)).status).toBe(404);
  });

  it("answers 404 for another key's session on every file route", async () => {
    const id = await newSession();
    await upload(id, 'mine.txt', Buffer.from('private'));
    const foreign = await upload(id, 'theirs.txt', Buffer.from('x'), { key: other });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('session_not_found');
    for (const [method, path] of [
      ['GET', `/v1/sessions/${id}/files`],
      ['GET', `/v1/sessions/${id}/files/mine.txt`],
      ['DELETE', `/v1/sessions/${id}/files/mine.txt`],
    ] as const) {
      const res = await t.request(method, path, { key: other });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error).toBe('session_not_found');
    }
    expect((await t.request('GET', `/v1/sessions/${id}/files`)).body.files.map((f: { name: string }) => f.name)).toEqual(['mine.txt']);
  });

  it('deletes one file, and every file with the session', async () => {
    const id = await newSession();
    await upload(id, 'a.txt', Buffer.from('a'));
    await upload(id, 'b.txt', Buffer.from('b'));
    expect((await t.request('DELETE', `/v1/sessions/${id}/files/a.txt`)).body).toEqual({ success: true, message: 'File deleted' });
    expect((await t.request('GET', `/v1/sessions/${id}/files`)).body.files.map((f: { name: string }) => f.name)).toEqual(['b.txt']);
    const folder = join(t.dataDir, 'files', id);
    expect(existsSync(folder)).toBe(true);
    await t.request('DELETE', `/v1/sessions/${id}`);
    expect(existsSync(folder)).toBe(false);
    expect((await t.request('GET', `/v1/sessions/${id}/files`)).status).toBe(404);
  });

  it('describes the file routes in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/v1/openapi.json', { key: null })).body;
    expect(Object.keys(doc.paths['/v1/sessions/{session_id}/files'])).toEqual(['post', 'get']);
    expect(Object.keys(doc.paths['/v1/sessions/{session_id}/files/{name}'])).toEqual(['get', 'delete']);
    expect(doc.paths['/v1/sessions/{session_id}/files'].post.responses['413']).toBeDefined();
  });
});

describe('session files over a session lifetime', () => {
  it('keeps files across a restart', async () => {
    const first = await startTestServer({ model: FILES_POLICY });
    let second: TestServer | undefined;
    try {
      const id = await newSession(first);
      expect((await upload(id, 'kept.csv', Buffer.from(REPORT_CSV), { server: first })).status).toBe(201);
      await first.server.close();
      second = await startTestServer({ model: FILES_POLICY, dataDir: first.dataDir });
      // The session belongs to the first server's key, which the data dir keeps.
      const listed = await second.request('GET', `/v1/sessions/${id}/files`, { key: first.key });
      expect(listed.body.files.map((f: { name: string; size: number; source: string }) => [f.name, f.size, f.source])).toEqual([['kept.csv', Buffer.byteLength(REPORT_CSV), 'upload']]);
      const fetched = await fetch(`${second.url}/v1/sessions/${id}/files/kept.csv`, { headers: { authorization: `Bearer ${first.key}` } });
      expect(await fetched.text()).toBe(REPORT_CSV);
      expect((await upload(id, 'after.txt', Buffer.from('x'), { key: first.key, server: second })).status).toBe(201);
    } finally {
      await second?.close();
      await first.close();
    }
  }, 90_000);

  it('removes the files of a session the server terminates', async () => {
    const server = await startTestServer({ model: FILES_POLICY, sessionIdleTimeoutS: 3 });
    try {
      const id = await newSession(server);
      expect((await upload(id, 'short-lived.txt', Buffer.from('x'), { server })).status).toBe(201);
      const folder = join(server.dataDir, 'files', id);
      expect(existsSync(folder)).toBe(true);
      // Idle: the sweeper terminates the session, and its files go with it. (The list is
      // polled: reading the session itself would count as activity.)
      const listedStatus = async (): Promise<string | undefined> =>
        ((await server.request('GET', '/v1/sessions')).body as Array<{ session_id: string; status: string }>).find((s) => s.session_id === id)?.status;
      const deadline = Date.now() + 20_000;
      while ((await listedStatus()) !== 'terminated') {
        if (Date.now() > deadline) throw new Error('the session was never terminated');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(existsSync(folder)).toBe(false);
      expect((await server.request('GET', `/v1/sessions/${id}/files`)).body.files).toEqual([]);
      const late = await upload(id, 'late.txt', Buffer.from('x'), { server });
      expect(late.status).toBe(409);
      expect(late.body.error).toBe('session_terminated');
      expect(existsSync(folder)).toBe(false);
    } finally {
      await server.close();
    }
  }, 90_000);
});
