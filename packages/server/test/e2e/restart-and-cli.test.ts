import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumProcesses, isAlive } from '../browser/chromium-processes.ts';
import { runCli, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { TEST_POLICY } from '../support/test-server.ts';

let dataDir: string;
let env: Record<string, string>;
const running: ServerProcess[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'steward-restart-'));
  env = { STEWARD_DATA_DIR: dataDir, STEWARD_MODEL: TEST_POLICY, STEWARD_WARM_CONTEXTS: '1', STEWARD_EGRESS_ALLOW: '127.0.0.0/8' };
});
afterAll(async () => {
  for (const server of running) {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(base: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function waitStatus(base: string, key: string, id: string, wanted: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await call(base, key, 'GET', `/v1/sessions/${id}/status`)).body.status !== wanted) {
    if (Date.now() > deadline) throw new Error(`never ${wanted}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the steward CLI', () => {
  it('creates, lists and revokes keys; the key is alone on the last line', () => {
    const created = runCli(['keys', 'create', '--name', 'ci robot'], env);
    expect(created.status, created.stderr).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^stw_[0-9a-f]{32}_[A-Za-z0-9_-]+$/);
    const list = runCli(['keys', 'list'], env);
    expect(list.stdout).toContain('ci robot');
    expect(list.stdout).not.toContain(lines.at(-1)!);
    const id = list.stdout.split('\n').find((l) => l.includes('ci robot'))!.split(/\s+/)[0]!;
    const revoked = runCli(['keys', 'revoke', id], env);
    expect(revoked.status).toBe(0);
    expect(runCli(['keys', 'list'], env).stdout).toMatch(/ci robot .*revoked/);
    expect(runCli(['keys', 'revoke', '00000000-0000-0000-0000-000000000000'], env).status).toBe(1);
    expect(runCli(['keys', 'create'], env).status).toBe(2);
    expect(runCli(['frobnicate'], env).status).toBe(2);
  }, 120_000);

  it('refuses a bad configuration with a message naming the variable', () => {
    const result = runCli(['keys', 'list'], { ...env, STEWARD_PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('STEWARD_PORT');
  }, 60_000);
});

describe('a restart', () => {
  it('keeps keys, sessions and messages; a task killed mid-run ends with an ERROR; sessions come back ready', async () => {
    const key = runCli(['keys', 'create', '--name', 'restart'], env).stdout.trim().split('\n').at(-1)!;
    const first = await startServerProcess(env);
    running.push(first);
    const idle = (await call(first.url, key, 'POST', '/v1/sessions', {})).body.session_id as string;
    const busy = (await call(first.url, key, 'POST', '/v1/sessions', {})).body.session_id as string;
    await call(first.url, key, 'POST', `/v1/sessions/${idle}/message`, { message: 'finish before the crash' });
    await waitStatus(first.url, key, idle, 'finished');
    await call(first.url, key, 'POST', `/v1/sessions/${busy}/message`, { message: 'loop' });
    await waitStatus(first.url, key, busy, 'running');
    const before = (await call(first.url, key, 'GET', `/v1/sessions/${busy}/messages`)).body.messages.length as number;

    // Chromium does not outlive a server that dies without cleaning up.
    const orphans = chromiumProcesses(first.child.pid);
    expect(orphans.length).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await expect.poll(() => orphans.filter((p) => isAlive(p.pid)).length, { timeout: 15_000 }).toBe(0);

    const second = await startServerProcess(env);
    running.push(second);
    expect(second.stdout()).not.toContain('Created the first API key');
    const list = (await call(second.url, key, 'GET', '/v1/sessions')).body as Array<{ session_id: string; status: string }>;
    expect(list.map((s) => s.session_id).sort()).toEqual([idle, busy].sort());
    expect(list.every((s) => s.status === 'ready')).toBe(true);

    const idleMessages = (await call(second.url, key, 'GET', `/v1/sessions/${idle}/messages`)).body;
    expect(idleMessages.status).toBe('finished');
    expect(idleMessages.messages.at(-1)).toMatchObject({ type: 'DONE', content: 'before the crash' });

    const busyMessages = (await call(second.url, key, 'GET', `/v1/sessions/${busy}/messages`)).body;
    expect(busyMessages.status).toBe('error');
    expect(busyMessages.messages.length).toBeGreaterThanOrEqual(before + 1);
    expect(busyMessages.messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'interrupted' } });
    expect(busyMessages.messages.at(-1).content).toContain('restarted');

    // A fresh browser context: the session takes screenshots and runs new tasks.
    expect((await call(second.url, key, 'GET', `/v1/sessions/${busy}/screenshot`)).status).toBe(200);
    await call(second.url, key, 'POST', `/v1/sessions/${busy}/message`, { message: 'finish after the restart' });
    await waitStatus(second.url, key, busy, 'finished');

    // A graceful stop records the interruption itself and exits 0.
    await call(second.url, key, 'POST', `/v1/sessions/${idle}/message`, { message: 'loop' });
    await waitStatus(second.url, key, idle, 'running');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // The server closed its browsers itself: none died under it (which logs an error).
    expect(second.stdout()).not.toContain('browser disconnected');
    const third = await startServerProcess(env);
    running.push(third);
    const afterStop = (await call(third.url, key, 'GET', `/v1/sessions/${idle}/messages`)).body;
    expect(afterStop.messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'interrupted' } });
    expect(afterStop.messages.at(-1).content).toContain('shut down');
  }, 120_000);
});
