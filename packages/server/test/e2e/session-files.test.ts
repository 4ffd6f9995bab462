import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { APIError, ConflictError, NotFoundError, ValidationError, type Message } from '@steward/client';
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
  return (await server.client.sessions.create()).sessionId;
}

/**
 * POST …/files on the wire, for what the SDK cannot show or send: the 201 status, and a Readable
 * body, which goes chunked, without a Content-Length (the SDK's upload takes bytes, not a stream).
 */
async function rawUpload(id: string, name: string, body: Buffer | Readable): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}/v1/sessions/${id}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/octet-stream' },
    body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : body,
    ...(body instanceof Readable ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: res.status, body: await res.json() };
}

async function fileNames(id: string): Promise<string[]> {
  return (await t.client.files.list(id)).map((f) => f.name);
}

const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

async function doneOf(id: string): Promise<Message> {
  await t.waitForStatus(id, ['finished', 'error'], { timeoutMs: 30_000 });
  return (await t.client.sessions.getMessages(id)).messages.at(-1)!;
}

describe('session files through the API', () => {
  it('takes an upload the agent then puts into a page, and keeps the download the agent makes, fetchable', async () => {
    const id = await newSession();
    const { data: uploaded, response } = await t.client.files.upload(id, 'report.csv', Buffer.from(REPORT_CSV)).withResponse();
    expect(response.status).toBe(201);
    expect(uploaded).toMatchObject({ name: 'report.csv', size: Buffer.byteLength(REPORT_CSV), source: 'upload' });
    expect(Date.parse(uploaded.createdAt)).not.toBeNaN();

    await t.client.sessions.sendMessage(id, 'upload report.csv', { startUrl: `${site.url}/files/` });
    const uploadDone = await doneOf(id);
    expect(uploadDone.type, JSON.stringify(uploadDone)).toBe('DONE');
    expect(uploadDone.content).toContain(`report.csv (${Buffer.byteLength(REPORT_CSV)} bytes, sha256 ${sha256(REPORT_CSV)})`);
    expect(site.state.files.uploads).toEqual([{ field: 'document', name: 'report.csv', size: Buffer.byteLength(REPORT_CSV), sha256: sha256(REPORT_CSV) }]);

    await t.client.sessions.sendMessage(id, 'download', { startUrl: `${site.url}/files/` });
    const downloadDone = await doneOf(id);
    // The uploaded report.csv keeps its name; the download gets the next one.
    expect(downloadDone.content).toBe(`Clicked link 'Download report'; Downloaded report.csv as report (1).csv (${Buffer.byteLength(REPORT_CSV)} bytes) into the session's files`);

    expect((await t.client.files.list(id)).map((f) => [f.name, f.source])).toEqual([
      ['report.csv', 'upload'],
      ['report (1).csv', 'download'],
    ]);
    // The SDK hands back the answer itself: its status and headers are the wire's.
    const fetched = await t.client.files.download(id, 'report (1).csv');
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe(REPORT_CSV);
    expect(fetched.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(fetched.headers.get('content-disposition')).toBe(`attachment; filename="report (1).csv"; filename*=UTF-8''report%20%281%29.csv`);
    expect(fetched.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 413 past the per-file cap, with or without a Content-Length, and keeps nothing', async () => {
    const id = await newSession();
    const declared = t.client.files.upload(id, 'big.bin', Buffer.alloc(MAX_FILE_BYTES + 1));
    await expect(declared).rejects.toBeInstanceOf(APIError);
    await expect(declared).rejects.toMatchObject({ status: 413, code: 'payload_too_large', body: { message: 'The file is larger than the limit of 256 KB per file.' } });
    // raw: the SDK has no streamed upload (a chunked body without a Content-Length).
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(64 * 1024 + 1));
    const streamed = await rawUpload(id, 'big.bin', Readable.from(chunks));
    expect(streamed.status).toBe(413);
    expect(streamed.body.error).toBe('payload_too_large');
    // the wire itself: exactly the cap is accepted, 201 Created.
    expect((await rawUpload(id, 'fits.bin', Buffer.alloc(MAX_FILE_BYTES))).status).toBe(201);
    expect(await fileNames(id)).toEqual(['fits.bin']);
  });

  it('answers 422 for a bad or missing name and 404 for unknown files', async () => {
    const id = await newSession();
    const traversal = t.client.files.upload(id, '../escape.txt', 'x');
    await expect(traversal).rejects.toBeInstanceOf(ValidationError);
    await expect(traversal).rejects.toMatchObject({ status: 422, issues: [expect.objectContaining({ loc: ['query', 'name'], type: 'value_error' })] });
    await expect(t.client.files.upload(id, '.env', 'x')).rejects.toMatchObject({ status: 422 });
    // the wire itself: no name at all, which the SDK's upload cannot leave out.
    const missing = await t.request('POST', `/v1/sessions/${id}/files`, { rawBody: 'x', headers: { 'content-type': 'application/octet-stream' } });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(['query', 'name']);
    const unknown = t.client.files.download(id, 'nothing.txt');
    await expect(unknown).rejects.toBeInstanceOf(NotFoundError);
    await expect(unknown).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(t.client.files.delete(id, 'nothing.txt')).rejects.toMatchObject({ status: 404 });
  });

  it("answers 404 for another key's session on every file route", async () => {
    const id = await newSession();
    await t.client.files.upload(id, 'mine.txt', 'private');
    const theirs = t.clientWith(other).files;
    for (const [route, call] of [
      ['POST files', () => theirs.upload(id, 'theirs.txt', 'x')],
      ['GET files', () => theirs.list(id)],
      ['GET files/mine.txt', () => theirs.download(id, 'mine.txt')],
      ['DELETE files/mine.txt', () => theirs.delete(id, 'mine.txt')],
    ] as const) {
      const refused = call();
      await expect(refused, route).rejects.toBeInstanceOf(NotFoundError);
      await expect(refused, route).rejects.toMatchObject({ status: 404, code: 'session_not_found' });
    }
    expect(await fileNames(id)).toEqual(['mine.txt']);
  });

  it('deletes one file, and every file with the session', async () => {
    const id = await newSession();
    await t.client.files.upload(id, 'a.txt', 'a');
    await t.client.files.upload(id, 'b.txt', 'b');
    expect(await t.client.files.delete(id, 'a.txt')).toEqual({ success: true, message: 'File deleted' });
    expect(await fileNames(id)).toEqual(['b.txt']);
    const folder = join(t.dataDir, 'files', id);
    expect(existsSync(folder)).toBe(true);
    await t.client.sessions.delete(id);
    expect(existsSync(folder)).toBe(false);
    await expect(t.client.files.list(id)).rejects.toMatchObject({ status: 404 });
  });

  it('describes the file routes in the OpenAPI document', async () => {
    // raw: the SDK has no call for the OpenAPI document (and it is served without a key).
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
      expect(await first.client.files.upload(id, 'kept.csv', REPORT_CSV)).toMatchObject({ name: 'kept.csv', source: 'upload' });
      await first.server.close();
      second = await startTestServer({ model: FILES_POLICY, dataDir: first.dataDir });
      // The session belongs to the first server's key, which the data dir keeps.
      const files = second.clientWith(first.key).files;
      expect((await files.list(id)).map((f) => [f.name, f.size, f.source])).toEqual([['kept.csv', Buffer.byteLength(REPORT_CSV), 'upload']]);
      expect(await (await files.download(id, 'kept.csv')).text()).toBe(REPORT_CSV);
      expect(await files.upload(id, 'after.txt', 'x')).toMatchObject({ name: 'after.txt', source: 'upload' });
    } finally {
      await second?.close();
      await first.close();
    }
  }, 90_000);

  it('removes the files of a session the server terminates', async () => {
    const server = await startTestServer({ model: FILES_POLICY, sessionIdleTimeoutS: 3 });
    try {
      const id = await newSession(server);
      expect(await server.client.files.upload(id, 'short-lived.txt', 'x')).toMatchObject({ name: 'short-lived.txt' });
      const folder = join(server.dataDir, 'files', id);
      expect(existsSync(folder)).toBe(true);
      // Idle: the sweeper terminates the session, and its files go with it. (The list is
      // polled: reading the session itself would count as activity.)
      const listedStatus = async (): Promise<string | undefined> => (await server.client.sessions.list()).find((s) => s.sessionId === id)?.status;
      const deadline = Date.now() + 20_000;
      while ((await listedStatus()) !== 'terminated') {
        if (Date.now() > deadline) throw new Error('the session was never terminated');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(existsSync(folder)).toBe(false);
      expect(await server.client.files.list(id)).toEqual([]);
      const late = server.client.files.upload(id, 'late.txt', 'x');
      await expect(late).rejects.toBeInstanceOf(ConflictError);
      await expect(late).rejects.toMatchObject({ status: 409, code: 'session_terminated' });
      expect(existsSync(folder)).toBe(false);
    } finally {
      await server.close();
    }
  }, 90_000);
});
