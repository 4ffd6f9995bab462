import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findLocalModelOffers } from '../../src/llm/local-model-offer.ts';
import { DEFAULT_LOCAL_MODEL_URLS, localModelProbeTargets, probeLocalModelServers } from '../../src/llm/local-model-probe.ts';
import { startOpenAiCompatibleServer } from '../support/openai-compatible-server.ts';

/** Where the deadline is not the subject: a loaded CI machine may answer on loopback after the production 500 ms. */
const PATIENT = { timeoutMs: 10_000 };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback HTTP server of the test's own; its base URL ends in /v1 like the real ones. */
async function httpServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ baseUrl: string; server: Server; sockets: Set<Socket> }> {
  const server = createServer(handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, sockets };
}

async function fakeModelServer(models?: string[]) {
  const fake = await startOpenAiCompatibleServer([], models === undefined ? {} : { models });
  cleanups.push(() => fake.close());
  return fake;
}

/** A port nothing listens on: bound, then released. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Records the address of every TCP connection the process opens (http, https and fetch all open
 * theirs through Socket#connect) while `run` runs, so a test can show what was never contacted.
 * One off loopback is recorded and failed before any lookup or packet, so even a broken probe
 * sends nothing off the machine.
 */
async function connectionsDuring<T>(run: () => Promise<T>): Promise<{ result: T; targets: string[] }> {
  const targets: string[] = [];
  const connect = Socket.prototype.connect as (...args: unknown[]) => Socket;
  const spy = vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number } | undefined;
    targets.push(`${first?.host}:${first?.port}`);
    if (first?.host === undefined || !/^(127\.\d+\.\d+\.\d+|::1)$/.test(first.host)) {
      process.nextTick(() => this.destroy(new Error(`test: blocked a connection to ${first?.host} off loopback`)));
      return this;
    }
    return connect.apply(this, args);
  });
  try {
    return { result: await run(), targets };
  } finally {
    spy.mockRestore();
  }
}

const hostPort = (baseUrl: string): string => new URL(baseUrl).host;

describe('probeLocalModelServers', () => {
  it('lists the models of an OpenAI-compatible server (GET <base>/models)', async () => {
    const fake = await fakeModelServer(['llama3.2:latest', 'qwen2.5:7b']);
    expect(await probeLocalModelServers([fake.baseUrl], PATIENT)).toEqual([{ baseUrl: fake.baseUrl, models: ['llama3.2:latest', 'qwen2.5:7b'] }]);
    expect(fake.requests).toMatchObject([{ method: 'GET', path: '/v1/models' }]);
    // No key goes to whatever listens on a probed port, even when one is configured for a model.
    expect(fake.requests[0]!.headers['authorization']).toBeUndefined();
  });

  it("reads Ollama's own list shape and drops ids a model spec cannot name", async () => {
    const ollama = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }, { model: 'mistral:7b' }, { name: 'has space' }, { name: '' }, 7] }));
    });
    expect(await probeLocalModelServers([ollama.baseUrl], PATIENT)).toEqual([{ baseUrl: ollama.baseUrl, models: ['llama3.2:latest', 'mistral:7b'] }]);
  });

  it('abandons a server that never answers once the timeout passes, and closes its connection', async () => {
    const hanging = await httpServer(() => undefined);
    expect(await probeLocalModelServers([hanging.baseUrl], { timeoutMs: 150 })).toEqual([]);
    await expect.poll(() => hanging.sockets.size).toBe(0);
  });

  it('finds none on a refused port, a 404, an error status, a redirect or a body that is not a model list', async () => {
    const refused = `http://127.0.0.1:${await refusedPort()}/v1`;
    const notFound = await fakeModelServer();
    const failing = await httpServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 'x' }] }));
    });
    const notJson = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>a web app, not a model server</html>');
    });
    const otherJson = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
    });
    // A redirect is not followed, even to a real model server on loopback: it could point anywhere.
    const target = await fakeModelServer(['behind-a-redirect']);
    const redirecting = await httpServer((_req, res) => {
      res.writeHead(302, { location: `${target.baseUrl}/models` });
      res.end();
    });
    const found = await probeLocalModelServers([refused, notFound.baseUrl, failing.baseUrl, notJson.baseUrl, otherJson.baseUrl, redirecting.baseUrl], PATIENT);
    expect(found).toEqual([]);
    expect(notFound.requests).toMatchObject([{ method: 'GET', path: '/v1/models' }]);
    expect(target.requests).toEqual([]);
  });

  it('probes all addresses at once and keeps the ones that answered, in the given order', async () => {
    const hanging = await httpServer(() => undefined);
    const first = await fakeModelServer(['a']);
    const second = await fakeModelServer(['b']);
    const refused = `http://127.0.0.1:${await refusedPort()}/v1`;
    const found = await probeLocalModelServers([hanging.baseUrl, first.baseUrl, refused, second.baseUrl], { timeoutMs: 2_000 });
    expect(found).toEqual([
      { baseUrl: first.baseUrl, models: ['a'] },
      { baseUrl: second.baseUrl, models: ['b'] },
    ]);
  });

  it('never contacts an address that is not loopback, whoever built the list', async () => {
    const fake = await fakeModelServer(['local']);
    const { result, targets } = await connectionsDuring(() => probeLocalModelServers(['http://192.0.2.1:11434/v1', 'http://localhost:11434/v1', fake.baseUrl], PATIENT));
    expect(result).toEqual([{ baseUrl: fake.baseUrl, models: ['local'] }]);
    expect(targets).toEqual([hostPort(fake.baseUrl)]);
  });
});

describe('localModelProbeTargets', () => {
  it('probes Ollama, LM Studio, vLLM and llama.cpp on 127.0.0.1 by default', () => {
    expect(localModelProbeTargets({}).urls).toEqual(['http://127.0.0.1:11434/v1', 'http://127.0.0.1:1234/v1', 'http://127.0.0.1:8000/v1', 'http://127.0.0.1:8080/v1']);
    expect(localModelProbeTargets({ STEWARD_LOCAL_MODEL_PROBE_URLS: '  ' }).urls).toEqual(DEFAULT_LOCAL_MODEL_URLS);
  });

  it('does not probe the port Steward itself listens on', () => {
    expect(localModelProbeTargets({}, 'http://127.0.0.1:8080').urls).not.toContain('http://127.0.0.1:8080/v1');
    expect(localModelProbeTargets({}, 'http://0.0.0.0:8000').urls).toEqual(['http://127.0.0.1:11434/v1', 'http://127.0.0.1:1234/v1', 'http://127.0.0.1:8080/v1']);
  });

  it('takes STEWARD_LOCAL_MODEL_PROBE_URLS instead, loopback addresses only; off disables the probe', () => {
    const targets = localModelProbeTargets({
      STEWARD_LOCAL_MODEL_PROBE_URLS:
        'http://127.0.0.1:9000/v1/, http://[::1]:9001/v1,http://127.0.0.2:9002, http://127.0.0.1:9000/v1, http://192.0.2.1:11434/v1,https://example.com/v1,http://localhost:11434/v1,ftp://127.0.0.1/v1,http://u:p@127.0.0.1:9003/v1,http://127.0.0.1:9004/v1?x=1,http://[::ffff:7f00:1]:9005/v1,not a url',
    });
    expect(targets.urls).toEqual(['http://127.0.0.1:9000/v1', 'http://[::1]:9001/v1', 'http://127.0.0.2:9002']);
    expect(targets.ignored).toEqual([
      'http://192.0.2.1:11434/v1',
      'https://example.com/v1',
      'http://localhost:11434/v1',
      'ftp://127.0.0.1/v1',
      'http://u:p@127.0.0.1:9003/v1',
      'http://127.0.0.1:9004/v1?x=1',
      'http://[::ffff:7f00:1]:9005/v1',
      'not a url',
    ]);
    expect(localModelProbeTargets({ STEWARD_LOCAL_MODEL_PROBE_URLS: 'off' })).toEqual({ urls: [], ignored: [] });
    expect(localModelProbeTargets({ STEWARD_LOCAL_MODEL_PROBE_URLS: 'OFF' })).toEqual({ urls: [], ignored: [] });
  });
});

describe('findLocalModelOffers', () => {
  it('rejects a non-loopback override entry before any request, and probes the loopback ones', async () => {
    const fake = await fakeModelServer(['llama3.2:latest']);
    const env = { STEWARD_LOCAL_MODEL_PROBE_URLS: `http://192.0.2.1:11434/v1,http://metadata.google.internal/v1,${fake.baseUrl}` };
    const { result, targets } = await connectionsDuring(() => findLocalModelOffers(env, 'http://127.0.0.1:1'));
    expect(result.ignored).toEqual(['http://192.0.2.1:11434/v1', 'http://metadata.google.internal/v1']);
    expect(targets).toEqual([hostPort(fake.baseUrl)]);
    expect(result.offers.map((offer) => offer.spec)).toEqual([`openai-compatible:llama3.2:latest@${fake.baseUrl}`]);
  });

  it('asks nothing when the probe is off', async () => {
    const { result, targets } = await connectionsDuring(() => findLocalModelOffers({ STEWARD_LOCAL_MODEL_PROBE_URLS: 'off' }, 'http://127.0.0.1:8080'));
    expect(result).toEqual({ offers: [], ignored: [] });
    expect(targets).toEqual([]);
  });
});
