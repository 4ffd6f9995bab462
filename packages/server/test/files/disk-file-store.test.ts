import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFileStore } from '../../src/files/disk/disk-file-store.ts';
import { checkFileName, InvalidFileNameError, sanitizeFileName } from '../../src/files/index.ts';

const SESSION = '0b5e3c1a-7d2f-4c4e-9a51-3f0c2d7e8b11';
const OTHER = '5f1d2a3b-0c4e-4d6f-8a7b-9c0d1e2f3a4b';
let root: string;
let store: DiskFileStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'steward-files-'));
  store = new DiskFileStore({ root, maxFileBytes: 1000, maxSessionBytes: 2500 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const bytes = (n: number, fill = 0x61): Buffer => Buffer.alloc(n, fill);
const from = (...chunks: Buffer[]): Readable => Readable.from(chunks);
/** Every entry on disk below the root, hidden ones included. */
const onDisk = (): string[] => readdirSync(root, { recursive: true }).map(String).sort();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('DiskFileStore', () => {
  it('saves, lists, opens and locates files with their size and source', async () => {
    const saved = await store.save(SESSION, 'report.csv', from(Buffer.from('a,b\n'), Buffer.from('1,2\n')), { source: 'download' });
    expect(saved).toMatchObject({ ok: true, file: { name: 'report.csv', size: 8, source: 'download' } });
    await store.save(SESSION, 'notes.txt', from(Buffer.from('hello')), { source: 'upload' });

    const listed = await store.list(SESSION);
    expect(listed.map((f) => [f.name, f.size, f.source])).toEqual([
      ['report.csv', 8, 'download'],
      ['notes.txt', 5, 'upload'],
    ]);
    expect(listed[0]!.createdAt).toBeInstanceOf(Date);
    const opened = await store.open(SESSION, 'report.csv');
    expect((await readAll(opened!.stream)).toString()).toBe('a,b\n1,2\n');
    const path = await store.pathOf(SESSION, 'notes.txt');
    expect(path).toBe(join(root, SESSION, 'notes.txt'));
    expect(readFileSync(path!, 'utf8')).toBe('hello');
    expect(await store.list(OTHER)).toEqual([]);
    expect(await store.open(SESSION, 'missing.txt')).toBeUndefined();
    expect(await store.pathOf(SESSION, 'missing.txt')).toBeUndefined();
  });

  it('never overwrites: a taken name gets the next number', async () => {
    const names: string[] = [];
    for (const content of ['one', 'two', 'three']) {
      const result = await store.save(SESSION, 'report.csv', from(Buffer.from(content)), { source: 'upload' });
      if (result.ok) names.push(result.file.name);
    }
    const plain = await store.save(SESSION, 'README', from(Buffer.from('x')), { source: 'upload' });
    const again = await store.save(SESSION, 'README', from(Buffer.from('y')), { source: 'upload' });
    expect(names).toEqual(['report.csv', 'report (1).csv', 'report (2).csv']);
    expect([plain.ok && plain.file.name, again.ok && again.file.name]).toEqual(['README', 'README (1)']);
    expect((await readAll((await store.open(SESSION, 'report.csv'))!.stream)).toString()).toBe('one');
    expect((await readAll((await store.open(SESSION, 'report (2).csv'))!.stream)).toString()).toBe('three');
  });

  it('gives concurrent saves of one name different names', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.save(SESSION, 'same.txt', from(Buffer.from(String(i))), { source: 'upload' })),
    );
    const names = results.map((r) => (r.ok ? r.file.name : '')).sort();
    expect(names).toEqual(['same (1).txt', 'same (2).txt', 'same (3).txt', 'same (4).txt', 'same.txt']);
  });

  it('refuses names that could leave the folder, hide or mislead', async () => {
    for (const bad of ['../escape.txt', 'a/b.txt', 'a\\b.txt', '.env', '..', '', ' lead.txt', 'trail.', 'nul\u0000.txt', 'bidi\u202etxt.exe', 'x'.repeat(201)]) {
      await expect(store.save(SESSION, bad, from(Buffer.from('x')), { source: 'upload' }), bad).rejects.toBeInstanceOf(InvalidFileNameError);
      await expect(store.get(SESSION, bad)).rejects.toBeInstanceOf(InvalidFileNameError);
      await expect(store.delete(SESSION, bad)).rejects.toBeInstanceOf(InvalidFileNameError);
    }
    await expect(store.list('../other')).rejects.toThrow(/Not a session id/);
    expect(onDisk()).toEqual([]);
    expect(checkFileName('Quarterly report (final) é.csv')).toBeUndefined();
    expect(checkFileName('日本語のファイル.pdf')).toBeUndefined();
  });

  it('makes a website-suggested name safe', () => {
    for (const [suggested, safe] of [
      ['../../etc/passwd', '_.._etc_passwd'],
      ['.bashrc', 'bashrc'],
      ['report:2024?.csv', 'report_2024_.csv'],
      ['   ', 'download'],
      ['invoice\u202egpj.exe', 'invoice_gpj.exe'],
    ] as const) {
      expect(sanitizeFileName(suggested), suggested).toBe(safe);
    }
    const long = sanitizeFileName(`${'ü'.repeat(300)}.csv`);
    expect(long.endsWith('.csv')).toBe(true);
    expect(checkFileName(long)).toBeUndefined();
  });

  it('refuses a file over the per-file cap and keeps nothing of it', async () => {
    const result = await store.save(SESSION, 'big.bin', from(bytes(600), bytes(600)), { source: 'download' });
    expect(result).toEqual({ ok: false, reason: 'too_large', limit: 'file', limitBytes: 1000 });
    expect(await store.list(SESSION)).toEqual([]);
    // Not even the hidden temporary file is left.
    expect(onDisk()).toEqual([SESSION]);
    expect(await store.room(SESSION)).toEqual({ bytes: 1000, limit: 'file' });
  });

  it('keeps the session total under its cap, and frees room on delete', async () => {
    await store.save(SESSION, 'a.bin', from(bytes(1000)), { source: 'upload' });
    await store.save(SESSION, 'b.bin', from(bytes(1000)), { source: 'upload' });
    expect(await store.room(SESSION)).toEqual({ bytes: 500, limit: 'session' });
    const refused = await store.save(SESSION, 'c.bin', from(bytes(501)), { source: 'upload' });
    expect(refused).toEqual({ ok: false, reason: 'too_large', limit: 'session', limitBytes: 2500 });
    expect((await store.save(SESSION, 'c.bin', from(bytes(500)), { source: 'upload' })).ok).toBe(true);
    expect(await store.room(SESSION)).toEqual({ bytes: 0, limit: 'session' });
    expect(await store.delete(SESSION, 'a.bin')).toBe(true);
    expect(await store.delete(SESSION, 'a.bin')).toBe(false);
    expect(await store.room(SESSION)).toEqual({ bytes: 1000, limit: 'file' });
    // Other sessions have their own total.
    expect(await store.room(OTHER)).toEqual({ bytes: 1000, limit: 'file' });
  });

  it('counts concurrent saves of a session together, so exactly one of two that do not both fit is kept', async () => {
    await store.save(SESSION, 'base.bin', from(bytes(1000)), { source: 'upload' });
    const first = new PassThrough();
    const second = new PassThrough();
    const saves = [store.save(SESSION, 'one.bin', first, { source: 'upload' }), store.save(SESSION, 'two.bin', second, { source: 'upload' })];
    first.write(bytes(400));
    second.write(bytes(400));
    first.end(bytes(400));
    second.end(bytes(400));
    const results = await Promise.all(saves);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)[0]).toMatchObject({ reason: 'too_large', limit: 'session' });
    const total = (await store.list(SESSION)).reduce((sum, f) => sum + f.size, 0);
    expect(total).toBe(1800);
  });

  it('stops reading past the cap without destroying the source, so the caller can drain it', async () => {
    const source = new PassThrough();
    const saving = store.save(SESSION, 'big.bin', source, { source: 'upload' });
    source.write(bytes(1001));
    expect((await saving).ok).toBe(false);
    expect(source.destroyed).toBe(false);
    source.end(bytes(10));
    source.resume();
    await new Promise((resolve) => source.on('end', resolve));
  });

  it('keeps nothing of a save that is aborted, and rejects with the reason', async () => {
    const source = new PassThrough();
    const abort = new AbortController();
    const saving = store.save(SESSION, 'slow.bin', source, { source: 'download', signal: abort.signal });
    source.write(bytes(10));
    abort.abort(new Error('session ended'));
    await expect(saving).rejects.toThrow('session ended');
    expect(await store.list(SESSION)).toEqual([]);
    expect(onDisk()).toEqual([SESSION]);
  });

  it('deletes every file of a session, and only of that session', async () => {
    await store.save(SESSION, 'a.txt', from(Buffer.from('a')), { source: 'upload' });
    await store.save(OTHER, 'b.txt', from(Buffer.from('b')), { source: 'upload' });
    await store.deleteAll(SESSION);
    await store.deleteAll(SESSION);
    expect(await store.list(SESSION)).toEqual([]);
    expect((await store.list(OTHER)).map((f) => f.name)).toEqual(['b.txt']);
    expect(await store.room(SESSION)).toEqual({ bytes: 1000, limit: 'file' });
  });

  it('finds the files again after a restart (a new store on the same folder), with their source and time', async () => {
    await store.save(SESSION, 'kept.csv', from(Buffer.from('x,y\n')), { source: 'download' });
    const before = await store.list(SESSION);
    const restarted = new DiskFileStore({ root, maxFileBytes: 1000, maxSessionBytes: 2500 });
    expect(await restarted.list(SESSION)).toEqual(before);
    expect(await restarted.room(SESSION)).toEqual({ bytes: 1000, limit: 'file' });
    await restarted.save(SESSION, 'more.bin', from(bytes(1000)), { source: 'upload' });
    await restarted.save(SESSION, 'most.bin', from(bytes(1000)), { source: 'upload' });
    expect(await restarted.room(SESSION)).toEqual({ bytes: 2500 - 2004, limit: 'session' });
  });

  it('removes what a save killed mid-write left behind, on the first use after a restart', async () => {
    await store.save(SESSION, 'kept.csv', from(Buffer.from('x,y\n')), { source: 'download' });
    writeFileSync(join(root, SESSION, '.part-left-by-a-killed-process'), bytes(700));
    const restarted = new DiskFileStore({ root, maxFileBytes: 1000, maxSessionBytes: 2500 });
    expect((await restarted.list(SESSION)).map((f) => f.name)).toEqual(['kept.csv']);
    // The leftover counted against nothing and is gone once the session's files are used.
    expect(await restarted.room(SESSION)).toEqual({ bytes: 1000, limit: 'file' });
    expect(onDisk().some((entry) => entry.includes('.part-'))).toBe(false);
  });
});
