import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../fixtures/server.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { runCli, startCli } from './support/cli.ts';

// The session commands against the real server: what they print, their exit codes, and that
// they act through the API (checked with raw requests beside them).

let t: TestServer;
let site: FixtureServer;
let env: Record<string, string>;
let scratch: string;

beforeAll(async () => {
  [t, site] = await Promise.all([startTestServer(), startFixtureServer()]);
  env = { STEWARD_URL: t.url, STEWARD_API_KEY: t.key };
  scratch = mkdtempSync(join(tmpdir(), 'steward-cli-'));
});
afterAll(async () => {
  await Promise.all([t?.close(), site?.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** A loopback port nothing listens on (one just closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function createSession(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/v1/sessions', { body });
  expect(res.status).toBe(200);
  return res.body.session_id as string;
}

describe('steward sessions, messages, screenshot', () => {
  it('lists, shows and removes sessions; rm --all removes the rest', async () => {
    // A goal is the session's first task (the test policy's `finish`).
    const a = await createSession({ goal: 'finish compared lamps' });
    const b = await createSession();
    const c = await createSession();

    const list = await runCli(['sessions', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +AGENT +STATUS +CREATED +GOAL$/);
    for (const id of [a, b, c]) expect(list.stdout).toMatch(new RegExp(`^${id} +agi-0 +ready `, 'm'));
    expect(list.stdout).toContain('finish compared lamps');
    const json = await runCli(['sessions', 'list', '--json'], env);
    expect((JSON.parse(json.stdout) as Array<{ sessionId: string }>).map((s) => s.sessionId).sort()).toEqual([a, b, c].sort());

    await t.waitForStatus(a, ['finished']);
    const show = await runCli(['sessions', 'show', a], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^id +${a}$`, 'm'));
    expect(show.stdout).toMatch(/^status +ready \(execution: finished\)$/m);
    expect(show.stdout).toMatch(/^goal +finish compared lamps$/m);
    expect(show.stdout).toMatch(/^last +DONE compared lamps$/m);

    const rm = await runCli(['sessions', 'rm', a], env);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toBe(`Deleted ${a}.\n`);
    expect((await t.request('GET', `/v1/sessions/${a}`)).status).toBe(404);
    const again = await runCli(['sessions', 'rm', a], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`No session ${a}`);

    const all = await runCli(['sessions', 'rm', '--all'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('Deleted 2 sessions.\n');
    expect((await t.request('GET', '/v1/sessions')).body).toEqual([]);

    expect((await runCli(['sessions', 'rm'], env)).code).toBe(2);
  }, 60_000);

  it("prints a session's messages (and LOG messages with --all), and saves its screenshot", async () => {
    const id = await createSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: `visit ${site.url}/pages/start.html` } });
    await t.waitForStatus(id, ['finished']);

    const messages = await runCli(['messages', id], env);
    expect(messages.code, messages.stderr).toBe(0);
    expect(messages.stdout).toMatch(/^#\d+ \S+ \S+ user +visit http/m);
    expect(messages.stdout).toMatch(/^#\d+ \S+ \S+ done +\S/m);
    expect(messages.stderr).toMatch(/\d+ messages; status finished/);
    const all = await runCli(['messages', id, '--all', '--json'], env);
    const page = JSON.parse(all.stdout) as { messages: Array<{ type: string; id: number }>; status: string };
    expect(page.status).toBe('finished');
    // --all adds the internal LOG messages (prompts, model output) that the plain list leaves out.
    expect(page.messages.length).toBeGreaterThan(messages.stdout.trim().split('\n').length);
    const last = page.messages.at(-1)!.id;
    expect((await runCli(['messages', id, '--after', String(last)], env)).stdout).toBe('');
    expect((await runCli(['messages', id, '--after', 'soon'], env)).code).toBe(2);

    const file = join(scratch, 'page.jpg');
    const shot = await runCli(['screenshot', id, file], env);
    expect(shot.code, shot.stderr).toBe(0);
    expect(shot.stdout).toContain(`${site.url}/pages/start.html`);
    const bytes = readFileSync(file);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
  }, 60_000);

  it('tails a session: its history, then its steps as they come, until the session is deleted', async () => {
    const id = await createSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish first task' } });
    await t.waitForStatus(id, ['finished']);
    const tail = startCli(['tail', id], env);
    await tail.waitFor(/^done +first task$/m);
    // The next task on the same session comes on the same tail.
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await tail.waitFor(/^step +/m);
    expect(tail.stdout()).toMatch(/^user +loop$/m);
    await t.request('DELETE', `/v1/sessions/${id}`);
    expect(await tail.exited).toBe(0);
    expect(tail.stderr()).toMatch(new RegExp(`Session ${id} (is gone|ended)`));
  }, 60_000);

  it('says what went wrong: an unknown session, a refused key, no server', async () => {
    const unknown = await runCli(['sessions', 'show', '00000000-0000-0000-0000-000000000000'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/The server answered 404 .*\(session_not_found\)/);
    const refused = await runCli(['sessions', 'list'], { ...env, STEWARD_API_KEY: 'stw_0000_nope' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`The server at ${t.url} refused the API key`);
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const down = await runCli(['sessions', 'list'], { STEWARD_URL: closed, STEWARD_API_KEY: t.key });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`Cannot reach the Steward server at ${closed}: connect ECONNREFUSED`);
    const noKey = await runCli(['sessions', 'list'], { STEWARD_URL: t.url });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('STEWARD_API_KEY is not');
  }, 60_000);
});
