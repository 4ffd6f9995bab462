import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Steward } from '@steward/client';
import type { Logger } from 'pino';
import { composeServer, type StewardServer } from '../../src/compose.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
/** The task-driven script policy most end-to-end tests use (see its header for commands). */
export const TEST_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/test-policy.mjs')}`;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestServer {
  url: string;
  /** An API key created for the test. */
  key: string;
  server: StewardServer;
  dataDir: string;
  /**
   * The SDK (`@steward/client`) with the test's key, no retries (a retried 5xx would hide a
   * server fault): how tests act as a client, so the end-to-end suite is the SDK's contract test.
   */
  client: Steward;
  /** The SDK with another key (a second tenant, a revoked key). */
  clientWith(key: string): Steward;
  /**
   * The raw wire, for tests whose subject is the wire itself: statuses, headers, exact bodies,
   * malformed input the SDK would never send.
   */
  request<T = any>(method: string, path: string, options?: { body?: unknown; key?: string | null; headers?: Record<string, string>; rawBody?: string }): Promise<ApiResponse<T>>;
  /** Polls `/status` until it is one of `statuses`. */
  waitForStatus(sessionId: string, statuses: string[], options?: { key?: string; timeoutMs?: number }): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real server (real SQLite, real Chromium, real HTTP on loopback) built in-process by the
 * same composition root as `main.ts`, with a fresh data dir. The model defaults to the test policy.
 */
export async function startTestServer(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  env: Record<string, string | undefined> = {},
  /** A logger to see what the server logs (the default logs nothing). */
  options: { logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = (overrides['dataDir'] as string | undefined) ?? mkdtempSync(join(tmpdir(), 'steward-test-'));
  // Fixture sites and receivers live on loopback, which the egress firewall refuses by default.
  // A fixed warm pool of 1: contexts warmed for demand (decision 0016) would only compete for the
  // CI machine's two cores with the tests running beside this one.
  const config = ConfigSchema.parse({ port: 0, logLevel: 'silent', warmContexts: 1, warmContextsMax: 0, model: TEST_POLICY, egressAllow: '127.0.0.0/8', ...overrides, dataDir });
  const server = await composeServer({ config, env, repoRoot: REPO_ROOT, ...(options.logger === undefined ? {} : { logger: options.logger }) });
  const url = await server.listen();
  const key = (await server.keys.create('test')).key;
  const clientWith = (apiKey: string): Steward => new Steward({ apiKey, baseUrl: url, maxRetries: 0 });
  const client = clientWith(key);

  const request: TestServer['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.key === undefined ? key : options.key;
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };

  return {
    url,
    key,
    server,
    dataDir,
    client,
    clientWith,
    request,
    async waitForStatus(sessionId, statuses, options = {}) {
      const sessions = (options.key === undefined ? client : clientWith(options.key)).sessions;
      const deadline = Date.now() + (options.timeoutMs ?? 20_000);
      for (;;) {
        const { status } = await sessions.getStatus(sessionId);
        if (statuses.includes(status)) return status;
        if (Date.now() > deadline) throw new Error(`session ${sessionId} did not reach ${statuses.join('/')} (last: ${status})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await server.close();
      if (overrides['dataDir'] === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
