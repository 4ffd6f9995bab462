import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Steward } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../support/openai-compatible-server.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

let dataDir: string;
let llm: OpenAiCompatibleServer;
const running: ServerProcess[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'steward-local-model-'));
  llm = await startOpenAiCompatibleServer([{ kind: 'tool-calls', calls: [{ name: 'done', arguments: { result: 'answered by the local model' } }] }], {
    models: ['llama3.2:latest', 'qwen2.5:7b'],
  });
});
afterAll(async () => {
  for (const server of running) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
  await llm.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The variables a POSIX shell sets from the command's assignments (everything before `npm start`). */
function assignmentsOf(command: string): Record<string, string> {
  expect(command).toMatch(/ npm start$/);
  const printed = spawnSync('/bin/sh', ['-c', `${command.replace(/ npm start$/, '')} env`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  expect(printed.status, printed.stderr).toBe(0);
  return Object.fromEntries(
    printed.stdout
      .split('\n')
      .filter((line) => line.startsWith('STEWARD_'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('npm start without a model, beside a local OpenAI-compatible server', () => {
  it('prints the command that uses it, and that command runs a task on it', async () => {
    // The override points the probe at the fake alone, so a real Ollama on this machine changes nothing.
    // The default 500 ms is for an idle machine: a loaded CI machine may answer the fake's list later.
    const probe = { STEWARD_DATA_DIR: dataDir, STEWARD_WARM_CONTEXTS: '1', STEWARD_LOCAL_MODEL_PROBE_URLS: llm.baseUrl, STEWARD_LOCAL_MODEL_PROBE_TIMEOUT_MS: '10000' };
    const first = await startServerProcess({ ...probe, STEWARD_MODEL: '', STEWARD_FAST_MODEL: '', STEWARD_LOG_LEVEL: 'info' });
    running.push(first);
    await expect.poll(() => first.stdout(), { timeout: 15_000 }).toContain('To use it, start Steward with:');
    const command = `STEWARD_MODEL=openai-compatible:llama3.2:latest@${llm.baseUrl} npm start`;
    expect(first.stdout()).toContain('No model configured: tasks will end with an ERROR until STEWARD_MODEL is set (see README).\n');
    expect(first.stdout()).toContain(
      `Found an OpenAI-compatible server at ${llm.baseUrl} with models: llama3.2:latest, qwen2.5:7b. To use it, start Steward with:\n  ${command}\n`,
    );
    expect(first.stdout()).toContain('"msg":"found a local OpenAI-compatible model server"');
    expect(llm.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
    const key = /stw_[A-Za-z0-9_-]+/.exec(first.stdout())![0];
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // The printed line, as a shell reads it, is all the second start is given beyond the first's.
    const hinted = assignmentsOf(/^ {2}(STEWARD_MODEL=.*)$/m.exec(first.stdout())![1]!);
    expect(hinted).toEqual({ STEWARD_MODEL: `openai-compatible:llama3.2:latest@${llm.baseUrl}` });
    const second = await startServerProcess({ ...probe, STEWARD_FAST_MODEL: '', ...hinted });
    running.push(second);
    const client = new Steward({ apiKey: key, baseUrl: second.url, maxRetries: 0 });
    const { sessionId } = await client.sessions.create('agi-0');
    await client.sessions.sendMessage(sessionId, 'Say hello');
    await expect.poll(async () => (await client.sessions.getStatus(sessionId)).status, { timeout: 20_000, interval: 50 }).toBe('finished');
    expect((await client.sessions.getMessages(sessionId)).messages.at(-1)).toMatchObject({ type: 'DONE', content: 'answered by the local model' });

    const chats = llm.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats).toHaveLength(1);
    expect(chats[0]!.body.model).toBe('llama3.2:latest');
    // With a model configured nothing is probed: the first start's list call is the only one.
    expect(llm.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
    expect(second.stdout()).not.toContain('Found an OpenAI-compatible server');
  }, 60_000);
});
