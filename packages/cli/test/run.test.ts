import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../fixtures/server.ts';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { runCli, startCli } from './support/cli.ts';

// `steward run` against the real server with the scripted test policy (packages/server/test/e2e/
// policies/test-policy.mjs: the task text is its command), spawned as `npx steward` would run it.

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

async function sessionIds(): Promise<string[]> {
  return ((await t.request('GET', '/v1/sessions')).body as Array<{ session_id: string }>).map((s) => s.session_id);
}

describe('steward run', () => {
  it('fills a fixture form from --start-url, shows thoughts and steps, prints the result, exits 0 and deletes its session', async () => {
    const run = await runCli(['run', 'form Ada Lovelace|ada@example.com|France', '--start-url', `${site.url}/form/`], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^Thank you/);
    expect(run.stderr).toMatch(/^session +\S+ \(agi-0\)$/m);
    expect(run.stderr).toContain('thought  Filling in the registration form.');
    expect(run.stderr).toMatch(/^step +.+/m);
    expect(run.stderr).toMatch(/Done in \d+ steps?/);
    expect(site.state.submissions.at(-1)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', country: 'fr', accepted: true });
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('prints the result as JSON with --json, and nothing else on stdout', async () => {
    const run = await runCli(['run', 'json', '--json', '--model', 'agi-0-fast'], env);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({ status: 'done', result: { summary: 'Found 2 items', items: [1, 2] }, steps: 1 });
    expect(printed.session_id).toMatch(/\S/);
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('sends --schema as the output schema: the agent corrects a result that misses it', async () => {
    const schema = join(scratch, 'person.json');
    writeFileSync(schema, JSON.stringify({ type: 'object', required: ['name', 'age'], properties: { name: { type: 'string' }, age: { type: 'number' } } }));
    const run = await runCli(['run', 'structured', '--schema', schema, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).result).toEqual({ name: 'Ada', age: 36 });
  }, 60_000);

  it('exits 1 on an ERROR, with its message (and as JSON with --json), and still deletes the session', async () => {
    const plain = await runCli(['run', 'fail the shop was closed'], env);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/Failed \(\w+\): the shop was closed/);
    const json = await runCli(['run', 'fail the shop was closed', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'error', error: { message: 'the shop was closed' } });
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('refuses a --schema file that is not JSON with exit 2, before creating a session', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, '{ not json');
    const run = await runCli(['run', 'finish x', '--schema', bad], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--schema');
    expect(await sessionIds()).toEqual([]);
  }, 30_000);

  it("asks the agent's question and sends the answer read from stdin", async () => {
    const run = startCli(['run', 'ask Which colour should the lamp be?'], env);
    await run.waitFor(/answer>/);
    expect(run.stderr()).toContain('question Which colour should the lamp be?');
    run.child.stdin!.write('blue\n');
    expect(await run.exited).toBe(0);
    expect(run.stdout().trim()).toBe('answer: blue');
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('exits 1 when a question comes and stdin has nothing to answer with', async () => {
    const run = await runCli(['run', 'ask Anyone there?'], env, { stdin: 'ignore' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no input to answer it from');
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('deletes the session on Ctrl-C (SIGINT) while the task runs, and exits 130', async () => {
    const run = startCli(['run', 'loop'], env);
    await run.waitFor(/^session +(\S+)/m);
    const id = /^session +(\S+)/m.exec(run.stderr())![1]!;
    await run.waitFor(/^step +/m);
    expect(await sessionIds()).toContain(id);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain(`Interrupted: deleting session ${id}`);
    expect(await sessionIds()).toEqual([]);
    expect((await t.request('GET', `/v1/sessions/${id}`)).status).toBe(404);
  }, 60_000);
});
