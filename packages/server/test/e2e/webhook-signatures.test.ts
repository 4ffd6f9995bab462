import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Steward } from '@steward/client';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { TEST_POLICY } from '../support/test-server.ts';
import { LoopbackReceiver, type ReceivedRequest } from '../webhooks/loopback-receiver.ts';

let dataDir: string;
let env: Record<string, string>;
let receiver: LoopbackReceiver;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'steward-signatures-'));
  env = { STEWARD_DATA_DIR: dataDir, STEWARD_MODEL: TEST_POLICY, STEWARD_WARM_CONTEXTS: '1', STEWARD_EGRESS_ALLOW: '127.0.0.0/8' };
  receiver = await LoopbackReceiver.start();
});
afterAll(async () => {
  if (server !== undefined && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function delivery(event: string): Promise<ReceivedRequest> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = receiver.requests.find((r) => (JSON.parse(r.body) as { event: string }).event === event);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${event} webhook; got ${receiver.bodies().map((b) => b['event']).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('signed webhooks, end to end', () => {
  it('signs every delivery with the secret `steward keys webhook-secret` prints; task.completed carries the answer; no log line has the secret', async () => {
    const created = runCli(['keys', 'create', '--name', 'hooks'], env);
    expect(created.status, created.stderr).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    const keyId = /\(id ([0-9a-f-]{36})\)/.exec(created.stdout)![1]!;

    // Trace level: every line the server can log is in its output.
    server = await startServerProcess({ ...env, STEWARD_LOG_LEVEL: 'trace' });
    // The key the CLI printed, used as a client would: through the SDK.
    const client = new Steward({ apiKey: key, baseUrl: server.url, maxRetries: 0 });
    const { sessionId } = await client.sessions.create('agi-0', { webhookUrl: receiver.url('/hook?token=t0k') });
    await client.sessions.sendMessage(sessionId, 'finish Found 3 flights');
    const completed = await delivery('task.completed');
    expect(JSON.parse(completed.body)).toMatchObject({
      event: 'task.completed',
      session: { id: sessionId, status: 'ready' },
      result: { status: 'success', message: 'Task completed successfully' },
      content: 'Found 3 flights',
    });

    const printed = runCli(['keys', 'webhook-secret', keyId], env);
    expect(printed.status, printed.stderr).toBe(0);
    const secret = printed.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // The same secret on every later call.
    expect(runCli(['keys', 'webhook-secret', keyId], env).stdout.trim().split('\n').at(-1)).toBe(secret);

    const hook = new Webhook(secret);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of receiver.requests) {
      const headers = request.headers as Record<string, string>;
      expect(headers['x-event-type']).toBe((JSON.parse(request.body) as { event: string }).event);
      expect(() => hook.verify(request.body, headers)).not.toThrow();
    }
    const headers = completed.headers as Record<string, string>;
    expect(() => hook.verify(completed.body.replace('Found 3 flights', 'Found 9 flights'), headers)).toThrow(WebhookVerificationError);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(receiver.requests.length);

    const output = server.stdout();
    expect(output).toContain('webhook_delivered');
    expect(output).not.toContain(secret.slice('whsec_'.length));
    expect(output).not.toContain(headers['webhook-signature']!.slice('v1,'.length));

    expect(runCli(['keys', 'webhook-secret', '00000000-0000-0000-0000-000000000000'], env).status).toBe(1);
    expect(runCli(['keys', 'webhook-secret'], env).status).toBe(2);
  }, 120_000);
});
