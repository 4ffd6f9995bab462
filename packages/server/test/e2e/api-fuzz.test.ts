import fc from 'fast-check';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/index.ts';
import { ERROR_CATALOG, type ErrorCode } from '../../src/errors/index.ts';
import { describeCase, fuzzCases, operationsFrom, type FuzzWorld, type Operation } from '../support/fuzz-requests.ts';
import { sendRaw, type RawResponse } from '../support/raw-http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Property-based fuzzing of the whole API (issue 8, finding 9): requests generated from
// /v1/openapi.json, each a valid one broken on purpose, sent over real HTTP to the real server.
// It must never answer 5xx or crash, must answer every error in the body of spec §9.1 with a
// catalog code and its status, and must store nothing for what it refused. Deterministic: the
// seed is fixed (STEWARD_FUZZ_SEED replays another) and printed with any counterexample.

const SEED = Number(process.env['STEWARD_FUZZ_SEED'] ?? 20_260_808);
/** Runs and time budgets sized for a 2-core machine: about a minute for the whole file. */
const API_RUNS = 8000;
const API_TIME_MS = 35_000;
const RAW_RUNS = 3000;
const RAW_TIME_MS = 8_000;
const MAX_UPLOAD_MB = 0.05;

let t: TestServer;
let port: number;
let world: FuzzWorld;
let operations: Operation[];
let keyIds: string[];
let initialState: string;
const stats = { requests: 0, rawRequests: 0, unanswered: 0, byStatus: new Map<number, Map<string, number>>(), refusedDefects: 0, startedAt: 0 };

beforeAll(async () => {
  stats.startedAt = Date.now();
  // Every per-minute limit out of the way, so that 429 masks nothing (its shape is still checked).
  const unlimited = Object.fromEntries(CONFIG_KEYS.filter((key) => /PerMinute$/.test(key)).map((key) => [key, 10_000_000]));
  t = await startTestServer({ ...unlimited, warmContexts: 1, maxFileMb: MAX_UPLOAD_MB });
  port = Number(new URL(t.url).port);
  const foreign = await t.server.keys.create('fuzz-foreign');
  const revoked = await t.server.keys.create('fuzz-revoked');
  await t.server.keys.revoke(revoked.record.id);
  const owner = (await t.server.keys.authenticate(t.key)).id;
  keyIds = [owner, foreign.record.id];

  // Few sessions (each is a Chromium context): one with a file and a finished task, one fresh,
  // and one of the other tenant.
  const withFile = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id as string;
  const fresh = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id as string;
  const theirs = (await t.request('POST', '/v1/sessions', { body: {}, key: foreign.key })).body.session_id as string;
  const upload = await t.request('POST', `/v1/sessions/${withFile}/files?name=notes.txt`, { rawBody: 'some notes', headers: { 'content-type': 'text/plain' } });
  expect(upload.status).toBe(201);
  expect((await t.request('POST', `/v1/sessions/${withFile}/message`, { body: { message: 'finish fuzzed' } })).status).toBe(200);
  await t.waitForStatus(withFile, ['finished']);

  const doc = await fetch(`${t.url}/v1/openapi.json`);
  operations = operationsFrom((await doc.json()) as Record<string, any>);
  world = {
    ownerKey: t.key,
    foreignKey: foreign.key,
    revokedKey: revoked.key,
    sessions: [withFile, fresh],
    foreignSessions: [theirs],
    fileName: 'notes.txt',
    maxUploadBytes: Math.floor(MAX_UPLOAD_MB * 1_048_576),
    bodyLimitBytes: 1024 * 1024,
  };
  initialState = await storedState();
  console.log(`api-fuzz: seed ${SEED}, ${operations.length} operations from /v1/openapi.json`);
}, 120_000);

afterAll(async () => {
  const lines = [...stats.byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, codes]) => `  ${status}: ${[...codes.entries()].map(([code, n]) => `${code} ×${n}`).join(', ')}`);
  const fiveXx = [...stats.byStatus.keys()].filter((s) => s >= 500).reduce((n, s) => n + [...stats.byStatus.get(s)!.values()].reduce((a, b) => a + b, 0), 0);
  console.log(
    `api-fuzz: seed ${SEED}: ${stats.requests} requests (${stats.requests - stats.rawRequests} from the OpenAPI document, ${stats.refusedDefects} of them with a refusing defect; ${stats.rawRequests} malformed HTTP, ${stats.unanswered} of them closed unanswered), ${fiveXx} × 5xx, ${((Date.now() - stats.startedAt) / 1000).toFixed(1)} s in all; answers by status and code:\n${lines.join('\n')}`,
  );
  await t?.close();
});

/**
 * What the server stores that a request could change: sessions of both tenants (status,
 * execution status, last message id), every file and temporary file in the data dir's files
 * folder, and the API keys.
 */
async function storedState(): Promise<string> {
  const parts: string[] = [];
  for (const keyId of keyIds) {
    for (const s of await t.server.store.listSessions(keyId)) parts.push(`${keyId}/${s.id}:${s.status}:${s.executionStatus}:${s.lastMessageId}:${s.goal ?? ''}`);
  }
  const files = join(t.dataDir, 'files');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else parts.push(`${path.slice(files.length)}:${statSync(path).size}`);
    }
  };
  try {
    walk(files);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  parts.push(`keys:${(await t.server.store.listApiKeys()).length}`);
  return parts.sort().join('\n');
}

/**
 * The stored state once a refused upload has cleaned up: an error Node's parser finds in the
 * middle of a body is answered at once, while the upload it interrupted is still removing its
 * hidden `.part-` file. Only such files may linger, and only briefly.
 */
async function settledState(): Promise<string> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const state = await storedState();
    const extra = state.split('\n').filter((line) => !initialState.split('\n').includes(line));
    if (state === initialState || Date.now() > deadline || !extra.every((line) => /\/\.part-[^/]*:\d+$/.test(line))) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function record(res: RawResponse): void {
  stats.requests++;
  let code = res.status < 400 ? 'ok' : 'no body';
  try {
    if (res.body.length > 0 && res.status >= 400) code = String((JSON.parse(res.body.toString('utf8')) as { error?: unknown }).error);
  } catch {
    code = 'not JSON';
  }
  const codes = stats.byStatus.get(res.status) ?? new Map<string, number>();
  codes.set(code, (codes.get(code) ?? 0) + 1);
  stats.byStatus.set(res.status, codes);
}

/** Throws (with what was sent) unless the answer keeps the promises of docs/errors.md. */
function checkAnswer(what: string, method: string, res: RawResponse, mustRefuse: boolean): void {
  const fail = (problem: string): never => {
    throw new Error(`${problem}\n  sent: ${what}\n  got: ${res.status} ${JSON.stringify(res.headers)} ${JSON.stringify(res.body.subarray(0, 300).toString('utf8'))}`);
  };
  if (res.status >= 500) fail('a 5xx');
  if (mustRefuse && !(res.status >= 400 && res.status < 500)) fail('a request with a refusing defect was not refused (4xx)');
  if (res.status < 400) return;
  if (res.status === 405 && !res.headers['allow'] && !/^CONNECT /.test(what)) fail('405 without Allow');
  if ((res.status === 429 || res.status === 503) && !res.headers['retry-after']) fail(`${res.status} without Retry-After`);
  if (method === 'HEAD') return;
  if (!/^application\/json/.test(res.headers['content-type'] ?? '')) fail('an error that is not JSON');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return fail('an error body that does not parse');
  }
  if (Object.keys(body).sort().join(',') !== 'detail,error,message') fail('an error body not of the shape {detail, error, message}');
  const code = body['error'];
  if (typeof code !== 'string' || !(code in ERROR_CATALOG)) fail(`error code ${JSON.stringify(code)} is not in the catalog`);
  if (ERROR_CATALOG[code as ErrorCode].status !== res.status) fail(`${code} answered with ${res.status}, the catalog says ${ERROR_CATALOG[code as ErrorCode].status}`);
  if (typeof body['message'] !== 'string') fail('message is not a string');
  const detail = body['detail'];
  if (code === 'validation_error') {
    const issues = Array.isArray(detail) ? (detail as Array<Record<string, unknown>>) : [];
    if (issues.length === 0 || !issues.every((i) => Array.isArray(i['loc']) && typeof i['msg'] === 'string' && typeof i['type'] === 'string')) fail('422 without the FastAPI-shaped detail list');
  } else if (typeof detail !== 'string') fail('detail is not a string');
}

const params = (runs: number, ms: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs, plugins: [fc.interruptAfterTimeLimit(ms)], verbose: 1 });

describe('fuzzing every operation of /v1/openapi.json', () => {
  it(
    'never answers 5xx, answers every error in the documented shape, and stores nothing it refused',
    async () => {
      expect(operations.length).toBeGreaterThan(15);
      await fc.assert(
        fc.asyncProperty(fuzzCases(operations, world), async (c) => {
          const what = describeCase(c);
          const res = await sendRaw(port, c.request, { timeoutMs: 20_000 }).catch((error: Error) => {
            throw new Error(`no answer: ${error.message}\n  sent: ${what}`);
          });
          record(res);
          if (c.mustRefuse) stats.refusedDefects++;
          checkAnswer(what, c.request.method, res, c.mustRefuse);
          // Nothing the fuzz sends may change what is stored: every request that could carries a defect.
          const state = await settledState();
          if (state !== initialState) throw new Error(`the stored state changed after a ${res.status}\n  sent: ${what}\n  before:\n${initialState}\n  after:\n${state}`);
        }),
        params(API_RUNS, API_TIME_MS),
      );
    },
    API_TIME_MS + 60_000,
  );

  it(
    'answers malformed HTTP (request lines, header bytes, framing) in the documented shape, or not at all',
    async () => {
      const [session] = world.sessions;
      const valid = [`GET /v1/sessions/${session}/messages?after_id=1`, `GET /v1/sessions/${session}/status`, `GET /v1/models`, `POST /v1/sessions/${session}/pause`, `GET /healthz`];
      const notCrLf = fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0d && b !== 0x0a);
      const bytes = (max: number): fc.Arbitrary<Buffer> => fc.array(notCrLf, { minLength: 1, maxLength: max }).map((a) => Buffer.from(a));
      type Parts = { method: Buffer; target: Buffer; version: Buffer; headers: Buffer[]; eol: string; prefix: Buffer };
      const mutations: Array<fc.Arbitrary<(p: Parts) => void>> = [
        bytes(12).map((b) => (p: Parts) => {
          p.method = b;
        }),
        fc.tuple(bytes(30), fc.nat()).map(([b, at]) => (p: Parts) => {
          const i = at % (p.target.length + 1);
          p.target = Buffer.concat([p.target.subarray(0, i), b, p.target.subarray(i)]);
        }),
        fc.oneof(fc.constantFrom('HTTP/2.0', 'HTTP/1.10', 'HTTP/0.9', 'HTTP/1', 'http/1.1', 'HTTP/1.1 x', 'HTTP/11', ''), bytes(10).map((b) => b.toString('latin1'))).map((v) => (p: Parts) => {
          p.version = Buffer.from(v, 'latin1');
        }),
        fc.tuple(bytes(60), fc.nat()).map(([b, at]) => (p: Parts) => {
          p.headers.splice(at % (p.headers.length + 1), 0, b);
        }),
        fc.tuple(bytes(20), fc.nat()).map(([b, at]) => (p: Parts) => {
          // obs-fold: a header continued on the next line
          p.headers.splice(at % (p.headers.length + 1), 0, Buffer.concat([Buffer.from(' '), b]));
        }),
        fc.constantFrom('\n', '\r', '\n\r').map((eol) => (p: Parts) => {
          p.eol = eol;
        }),
        fc.oneof(fc.constant(Buffer.from('\r\n')), bytes(8)).map((b) => (p: Parts) => {
          p.prefix = b;
        }),
      ];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...valid), fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }), async (line, applied) => {
          const [method = '', target = ''] = line.split(' ');
          const parts: Parts = {
            method: Buffer.from(method),
            target: Buffer.from(target),
            version: Buffer.from('HTTP/1.1'),
            headers: [Buffer.from('Host: 127.0.0.1'), Buffer.from(`Authorization: Bearer ${world.ownerKey}`), Buffer.from('Connection: close')],
            eol: '\r\n',
            prefix: Buffer.alloc(0),
          };
          for (const mutate of applied) mutate(parts);
          const eol = Buffer.from(parts.eol, 'latin1');
          const requestLine = Buffer.concat([parts.method, Buffer.from(' '), parts.target, Buffer.from(' '), parts.version]);
          const raw = Buffer.concat([parts.prefix, ...[requestLine, ...parts.headers].flatMap((l) => [l, eol]), eol]);
          const what = JSON.stringify(raw.toString('latin1'));
          // A request Node cannot frame may wait for more bytes: it must then close, or answer, in time.
          const res = await sendRaw(port, raw, { timeoutMs: 3_000 }).catch((error: Error) => (/closed without an answer|no complete answer/.test(error.message) ? undefined : Promise.reject(error)));
          stats.rawRequests++;
          if (res !== undefined) {
            record(res);
            checkAnswer(what, parts.method.toString('latin1'), res, false);
          } else {
            stats.requests++;
            stats.unanswered++;
          }
          const state = await settledState();
          if (state !== initialState) throw new Error(`the stored state changed\n  sent: ${what}`);
        }),
        params(RAW_RUNS, RAW_TIME_MS),
      );
    },
    RAW_TIME_MS + 60_000,
  );

  it('still answers /healthz, and stores what it stored before the fuzz', async () => {
    const started = Date.now();
    const health = await t.request('GET', '/healthz', { key: null });
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await storedState()).toBe(initialState);
    for (const id of world.sessions) expect((await t.request('GET', `/v1/sessions/${id}`)).status).toBe(200);
  });
});
