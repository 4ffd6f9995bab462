import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/index.ts';

// `npm run build` makes dist/ a package of its own (dist/package.json): plain Node loads it with
// require() (dist/cjs) and import() (dist/esm), and TypeScript compiles against its declarations.
// It is installed here the way a dependency would be: node_modules/@steward/protocol → dist.

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(PACKAGE, '../..');
let consumer: string;

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: PACKAGE });
  consumer = mkdtempSync(join(tmpdir(), 'steward-protocol-consumer-'));
  mkdirSync(join(consumer, 'node_modules/@steward'), { recursive: true });
  symlinkSync(join(PACKAGE, 'dist'), join(consumer, 'node_modules/@steward/protocol'), 'dir');
}, 240_000);
afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

const SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const loaded = { cjs: require('@steward/protocol'), esm: await import('@steward/protocol') };
const out = { resolved: { cjs: require.resolve('@steward/protocol'), esm: import.meta.resolve('@steward/protocol') }, distinct: loaded.cjs.SessionResponse !== loaded.esm.SessionResponse };
for (const [format, p] of Object.entries(loaded)) {
  out[format] = {
    agent: p.CreateSessionRequest.parse({}).agent_name,
    notFound: p.ERROR_CATALOG.session_not_found.status,
    cancelled: p.TASK_FAILURES.cancelled.status,
    refusesBadSession: p.SessionResponse.safeParse({ session_id: 1 }).success,
    paths: Object.keys(p.buildOpenApiDocument().paths),
  };
}
console.log(JSON.stringify(out));
`;

const TYPED_CONSUMER = `
import { SessionResponse, type SseEvent, type ErrorCode } from '@steward/protocol';
const session: SessionResponse = SessionResponse.parse({ session_id: 's', agent_name: 'agi-0', status: 'ready', created_at: new Date().toISOString() });
const code: ErrorCode = 'session_not_found';
const event: SseEvent = { event: 'heartbeat', data: { timestamp: session.created_at } };
// @ts-expect-error an unknown code is not an ErrorCode
const wrong: ErrorCode = 'no_such_code';
export { code, event, wrong };
`;

describe('the built package', () => {
  it('emits ESM, CommonJS and declarations, dist/cjs marked as CommonJS, and its own manifest', () => {
    for (const file of ['esm/index.js', 'esm/index.d.ts', 'cjs/index.js', 'cjs/index.d.ts']) expect(existsSync(join(PACKAGE, 'dist', file)), file).toBe(true);
    expect(JSON.parse(readFileSync(join(PACKAGE, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'dist/package.json'), 'utf8'));
    expect(manifest.name).toBe('@steward/protocol');
    expect(manifest.dependencies).toHaveProperty('zod');
    expect(readFileSync(join(PACKAGE, 'dist/cjs/index.js'), 'utf8')).toContain('require("./enums.js")');
  });

  it('loads with require() and import() in plain Node, both working', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: consumer });
    const out = JSON.parse(stdout);
    expect(out.resolved.cjs).toBe(join(PACKAGE, 'dist/cjs/index.js'));
    expect(out.resolved.esm).toBe(pathToFileURL(join(PACKAGE, 'dist/esm/index.js')).href);
    expect(out.distinct).toBe(true);
    const paths = Object.keys((buildOpenApiDocument() as { paths: object }).paths);
    for (const format of ['cjs', 'esm']) expect(out[format]).toEqual({ agent: 'agi-0', notFound: 404, cancelled: 499, refusesBadSession: false, paths });
  });

  it('type-checks a consumer against the declarations, ESM and CommonJS', async () => {
    writeFileSync(join(consumer, 'consumer.mts'), TYPED_CONSUMER);
    writeFileSync(join(consumer, 'consumer.cts'), TYPED_CONSUMER);
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--exactOptionalPropertyTypes', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023'];
    const result = await run(process.execPath, [tsc, ...options, 'consumer.mts', 'consumer.cts'], { cwd: consumer }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    expect(result.stdout).toBe('');
  }, 60_000);
});
