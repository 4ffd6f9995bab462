import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { startCliInPty, stripAnsi } from './support/cli.ts';

// `steward run` on a pseudo-terminal, as a person sees it: the live status line, a question
// answered by typing, and Ctrl-C typed at the prompt (the terminal, not kill(), sends it).

let t: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestServer();
  env = { STEWARD_URL: t.url, STEWARD_API_KEY: t.key };
});
afterAll(async () => {
  await t?.close();
});

async function sessionIds(): Promise<string[]> {
  return ((await t.request('GET', '/v1/sessions')).body as Array<{ session_id: string }>).map((s) => s.session_id);
}

describe('steward run on a terminal', () => {
  it('draws a status line (spinner, steps, elapsed time), asks the question and sends what is typed', async () => {
    const run = startCliInPty(['run', 'ask What colour should the lamp be?'], env);
    await run.waitFor(/answer> /);
    const before = stripAnsi(run.stdout());
    expect(before).toMatch(/agi-0 \S+ · \d+ steps? · \d+(\.\d)?s/);
    expect(before).toContain('thought  I need to ask.');
    expect(before).toContain('question What colour should the lamp be?');
    run.child.stdin!.write('teal\r');
    expect(await run.exited).toBe(0);
    // The spinner's line is erased (by escape codes stripped here) before the result is printed.
    expect(stripAnsi(run.stdout())).toMatch(/answer: teal\r?\nDone in \d+ steps?/);
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('deletes the session when Ctrl-C is typed at the question, and exits 130', async () => {
    const run = startCliInPty(['run', 'ask Shall I go on?'], env);
    await run.waitFor(/answer> /);
    const ids = await sessionIds();
    expect(ids).toHaveLength(1);
    run.child.stdin!.write('\x03');
    expect(await run.exited).toBe(130);
    expect(stripAnsi(run.stdout())).toContain(`Interrupted: deleting session ${ids[0]}`);
    expect(await sessionIds()).toEqual([]);
  }, 60_000);

  it('prints plain lines on a terminal that reports no width (ora cannot draw there)', async () => {
    const run = startCliInPty(['run', 'finish narrow'], env, { sized: false });
    expect(await run.exited).toBe(0);
    const out = stripAnsi(run.stdout());
    expect(out).toMatch(/^session +\S+ \(agi-0\)\r?$/m);
    expect(out).toMatch(/^narrow\r?$/m);
    expect(out).not.toMatch(/\d+ steps? · /);
  }, 60_000);
});
