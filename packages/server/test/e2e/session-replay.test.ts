import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, ValidationError, type ReplayStep } from '@steward/client';
import { ReplayResponse } from '@steward/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { JPEG_MAGIC, jpegSize } from '../support/jpeg-size.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';

// The session replay end to end: real server, SQLite, Chromium and fixture sites, a scripted
// task, the SDK as the client. One server (its data dir kept for the restart at the end).

const REPLAY_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/replay-policy.mjs')}`;
/** STEWARD_REPLAY_MAX_STEPS for these tests: small enough for one task to pass it. */
const MAX_STEPS = 4;
const MAX_BYTES = 4 * 1_048_576;
/** docs/configuration.md, Session replay: every fixture page's picture is under 32 KB (measured 3–17 KB). */
const MAX_FRAME_BYTES = 32 * 1024;
/** A 1 × 1 PNG: a desktop client's screenshot. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let site: FixtureServer;
let dataDir: string;
let t: TestServer;
let other: string;
/** The session of the first test, looked at again after the restart. */
let toured: { id: string; steps: ReplayStep[]; jpegs: Uint8Array[] } | undefined;

beforeAll(async () => {
  site = await startFixtureServer();
  dataDir = mkdtempSync(join(tmpdir(), 'steward-replay-e2e-'));
  t = await startTestServer({ model: REPLAY_POLICY, replayMaxSteps: MAX_STEPS, replayMaxBytes: MAX_BYTES, dataDir });
  other = (await t.server.keys.create('other')).key;
});
afterAll(async () => {
  await t?.close();
  await site?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `tour` from `/shop/` through `paths` and waits for its end. */
async function tour(paths: string[], id?: string): Promise<string> {
  const session = id ?? (await t.client.sessions.create()).sessionId;
  await t.client.sessions.sendMessage(session, `tour ${paths.map((p) => site.url + p).join(' ')}`, { startUrl: `${site.url}/shop/` });
  expect(await t.waitForStatus(session, ['finished', 'error'], { timeoutMs: 30_000 })).toBe('finished');
  return session;
}

describe('session replay', () => {
  it('keeps one small JPEG per agent step, oldest first, with the page each step decided on', async () => {
    const id = await tour(['/search/', '/form/']);
    const replay = await t.client.replay.list(id);
    expect(replay).toMatchObject({ maxSteps: MAX_STEPS, maxBytes: MAX_BYTES });
    // Step 1 decided on the start page, step 2 on the first stop, step 3 (done) on the last.
    expect(replay.steps.map((s) => [s.step, s.taskStep, s.url])).toEqual([
      [1, 1, `${site.url}/shop/`],
      [2, 2, `${site.url}/search/`],
      [3, 3, `${site.url}/form/`],
    ]);
    expect(replay.steps[0]!.title).toBe('Tiny Shop');
    expect(replay.steps[2]!.title).toBe('Register');

    // Each step's messages: the same task (its USER message) and step number.
    const { messages } = await t.client.sessions.getMessages(id);
    const taskId = messages.find((m) => m.type === 'USER')!.id;
    const thoughts = messages.filter((m) => m.type === 'THOUGHT');
    expect(replay.steps.map((s) => s.taskId)).toEqual([taskId, taskId, taskId]);
    expect(thoughts.map((m) => m.metadata['step'])).toEqual(replay.steps.map((s) => s.taskStep));
    for (const s of replay.steps) {
      expect(Date.parse(s.takenAt)).toBeGreaterThanOrEqual(Date.parse(messages.find((m) => m.type === 'USER')!.timestamp));
    }

    const jpegs: Uint8Array[] = [];
    for (const s of replay.steps) {
      const jpeg = await t.client.replay.screenshot(id, s.step);
      expect([...jpeg.subarray(0, 3)]).toEqual(JPEG_MAGIC);
      expect(jpeg.length).toBe(s.bytes);
      expect(s.bytes).toBeLessThan(MAX_FRAME_BYTES);
      expect(jpegSize(jpeg)).toEqual({ width: 640, height: 400 });
      jpegs.push(jpeg);
    }
    toured = { id, steps: replay.steps, jpegs };
  });

  it('answers the wire shapes: the list by its schema, a picture as image/jpeg a client may keep', async () => {
    const id = toured!.id;
    const list = await t.request('GET', `/v1/sessions/${id}/replay`);
    expect(list.status).toBe(200);
    expect(ReplayResponse.parse(list.body).steps).toHaveLength(3);
    expect(Object.keys(list.body.steps[0]).sort()).toEqual(['bytes', 'step', 'taken_at', 'task_id', 'task_step', 'title', 'url']);
    const res = await fetch(`${t.url}/v1/sessions/${id}/replay/1`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toBe('private, max-age=86400, immutable');
    expect(res.headers.get('content-length')).toBe(String(toured!.steps[0]!.bytes));
  });

  it('answers 404 for a step it does not keep, 422 for a step that is not a whole number', async () => {
    const id = toured!.id;
    await expect(t.client.replay.screenshot(id, 4)).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.client.replay.screenshot(id, 1.5)).rejects.toBeInstanceOf(ValidationError);
    const missing = await t.request('GET', `/v1/sessions/${id}/replay/99`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found', detail: expect.stringContaining('no step 99') });
    for (const step of ['abc', '0', '-1', '1e3']) {
      const bad = await t.request('GET', `/v1/sessions/${id}/replay/${step}`);
      expect(bad.status, step).toBe(422);
      expect(bad.body.error).toBe('validation_error');
    }
  });

  it('is another key’s secret: 404 for its session, as for an unknown one', async () => {
    const id = toured!.id;
    const stranger = t.clientWith(other);
    await expect(stranger.replay.list(id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(stranger.replay.screenshot(id, 1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.client.replay.list('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('past the step cap keeps the newest steps, numbered on across tasks', async () => {
    const id = await tour(['/search/', '/form/']);
    await tour(['/mail/'], id);
    const replay = await t.client.replay.list(id);
    // 3 + 2 pictures, at most 4 kept: the first step of the first task went.
    expect(replay.steps.map((s) => [s.step, s.taskStep])).toEqual([
      [2, 2],
      [3, 3],
      [4, 1],
      [5, 2],
    ]);
    expect(new Set(replay.steps.map((s) => s.taskId)).size).toBe(2);
    expect(replay.steps.at(-1)!.url).toBe(`${site.url}/mail/`);
    await expect(t.client.replay.screenshot(id, 1)).rejects.toBeInstanceOf(NotFoundError);
    // On disk, 0700 and 0600 like the rest of the data dir, and only what is listed.
    const folder = join(dataDir, 'replay', id);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder).sort();
    expect(files).toEqual(['2.jpg', '2.json', '3.jpg', '3.json', '4.jpg', '4.json', '5.jpg', '5.json']);
    for (const name of files) expect(statSync(join(folder, name)).mode & 0o777).toBe(0o600);
  });

  it('keeps none for a desktop session: its screen is the client’s, which has every picture', async () => {
    const session = await t.client.sessions.create('agi-0', { agentSessionType: 'desktop' });
    const done = await t.client.sessions.step(session.agentUrl!, session.sessionId, Buffer.from(ONE_PIXEL_PNG, 'base64'), 'tour');
    expect(done).toMatchObject({ finished: true, actions: [{ type: 'finish', summary: 'toured 0 pages' }] });
    expect((await t.client.replay.list(session.sessionId)).steps).toEqual([]);
    expect(existsSync(join(dataDir, 'replay', session.sessionId))).toBe(false);
    await t.client.sessions.delete(session.sessionId);
  });

  it('goes with the session when it is deleted', async () => {
    const id = await tour(['/search/']);
    expect((await t.client.replay.list(id)).steps).toHaveLength(2);
    await t.client.sessions.delete(id);
    await expect(t.client.replay.list(id)).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(join(dataDir, 'replay', id))).toBe(false);
  });

  it('is still there, byte for byte, after the server restarts', async () => {
    const { id, steps, jpegs } = toured!;
    const key = t.key;
    await t.close();
    t = await startTestServer({ model: REPLAY_POLICY, replayMaxSteps: MAX_STEPS, replayMaxBytes: MAX_BYTES, dataDir });
    const client = t.clientWith(key);
    expect((await client.replay.list(id)).steps).toEqual(steps);
    for (const [index, s] of steps.entries()) expect(Buffer.from(await client.replay.screenshot(id, s.step)).equals(Buffer.from(jpegs[index]!))).toBe(true);
  });
});
