import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_CSV, REPORT_CSV } from '../../../../fixtures/sites/files/handler.ts';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import type { Observation, ObservedElement, SessionBrowser, SessionFileAccess } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { DiskFileStore } from '../../src/files/disk/disk-file-store.ts';
import { checkFileName, sanitizeFileName } from '../../src/files/index.ts';
import { chromiumProcesses } from './chromium-processes.ts';

const MAX_FILE_BYTES = 64 * 1024;
let fixtures: FixtureServer;
let pool: PlaywrightBrowserPool;
let root: string;
let store: DiskFileStore;
let session: SessionBrowser | undefined;
let sessionId: string;

beforeAll(async () => {
  fixtures = await startFixtureServer();
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
  root = mkdtempSync(join(tmpdir(), 'steward-browser-files-'));
  store = new DiskFileStore({ root, maxFileBytes: MAX_FILE_BYTES, maxSessionBytes: 4 * MAX_FILE_BYTES });
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  fixtures.reset();
});

afterAll(async () => {
  await pool?.close();
  await fixtures?.close();
  rmSync(root, { recursive: true, force: true });
  expect(chromiumProcesses()).toEqual([]);
});

/** What the sessions layer hands the browser, over the same store. */
function accessTo(id: string): SessionFileAccess {
  return {
    names: async () => (await store.list(id)).map((f) => f.name),
    pathOf: async (name) => (checkFileName(name) === undefined ? store.pathOf(id, name) : undefined),
    room: () => store.room(id),
    saveDownload: async (suggested, data, signal) => {
      const result = await store.save(id, sanitizeFileName(suggested), data, { source: 'download', signal });
      return result.ok ? { ok: true, name: result.file.name, size: result.file.size } : result;
    },
  };
}

async function open(options: { files?: boolean } = {}): Promise<SessionBrowser> {
  sessionId = randomUUID();
  session = await pool.acquire({ sessionId, ...(options.files === false ? {} : { files: accessTo(sessionId) }) });
  await session.navigate(`${fixtures.url}/files/`);
  return session;
}

async function putFile(name: string, content: string | Buffer): Promise<void> {
  const result = await store.save(sessionId, name, Readable.from([Buffer.from(content)]), { source: 'upload' });
  if (!result.ok) throw new Error(`could not store ${name}`);
}

function byName(observation: Observation, name: string): ObservedElement {
  const found = observation.elements.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no element named ${name} in ${JSON.stringify(observation.elements)}`);
  return found;
}

const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

/** The fixture's record of uploads once it has `count` (a page may post its form a moment after the files are chosen). */
async function uploadsRecorded(count: number): Promise<FixtureServer['state']['files']['uploads']> {
  const deadline = Date.now() + 15_000;
  while (fixtures.state.files.uploads.length < count) {
    if (Date.now() > deadline) throw new Error(`the fixture recorded ${fixtures.state.files.uploads.length} uploads, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return fixtures.state.files.uploads;
}

/** Observes until an observation reports a download (or the deadline passes): blob downloads are announced a moment after the click. */
async function observeDownloads(browser: SessionBrowser): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const observation = await browser.observe();
    if (observation.downloads?.some((d) => !d.startsWith('Downloading'))) return observation.downloads;
    if (Date.now() > deadline) throw new Error('no download was reported');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('upload', () => {
  it('puts a session file into a file input by index; the page sends it byte for byte', async () => {
    const browser = await open();
    await putFile('report.csv', REPORT_CSV);
    const before = await browser.observe();
    const input = byName(before, 'Document');
    expect(input).toMatchObject({ role: 'file', tag: 'input', accept: '.csv,.txt' });
    expect(input.value).toBeUndefined();
    expect(before.files).toEqual(['report.csv']);

    const result = await browser.act({ kind: 'upload', index: input.index, files: ['report.csv'] });
    expect(result).toEqual({ ok: true, message: "Chose report.csv for file 'Document'", pageChanged: false });
    expect(byName(await browser.observe(), 'Document').value).toBe('report.csv');

    const submit = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Upload document').index });
    expect(submit.ok).toBe(true);
    expect(await uploadsRecorded(1)).toEqual([{ field: 'document', name: 'report.csv', size: Buffer.byteLength(REPORT_CSV), sha256: sha256(REPORT_CSV) }]);
  });

  it('answers the file chooser that a button opens, with several files where the input takes several', async () => {
    const browser = await open();
    const photo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await putFile('notes.txt', 'first notes\n');
    await putFile('scan.png', photo);
    const button = byName(await browser.observe(), 'Choose attachments');
    expect(button.role).toBe('button');

    const result = await browser.act({ kind: 'upload', index: button.index, files: ['notes.txt', 'scan.png'] });
    expect(result.ok, result.message).toBe(true);
    expect(result.message).toBe("Chose notes.txt, scan.png in the file chooser opened by button 'Choose attachments'");
    // The page submits its form as soon as files are chosen.
    expect(await uploadsRecorded(2)).toEqual([
      { field: 'attachment', name: 'notes.txt', size: 12, sha256: sha256('first notes\n') },
      { field: 'attachment', name: 'scan.png', size: photo.length, sha256: sha256(photo) },
    ]);
  });

  it('lists a file input hidden behind its label, and uploads into it', async () => {
    const browser = await open();
    await putFile('me.png', Buffer.from('not really a png'));
    const input = byName(await browser.observe(), 'Attach photo');
    expect(input).toMatchObject({ role: 'file', accept: 'image/*' });
    const result = await browser.act({ kind: 'upload', index: input.index, files: ['me.png'] });
    expect(result.ok, result.message).toBe(true);
    expect((await uploadsRecorded(1)).map((u) => [u.field, u.name])).toEqual([['photo', 'me.png']]);
  });

  it('refuses unknown files, several files for a single input, and elements that open no chooser', async () => {
    const browser = await open();
    await putFile('a.txt', 'a');
    await putFile('b.txt', 'b');
    const observation = await browser.observe();
    const input = byName(observation, 'Document');

    const unknown = await browser.act({ kind: 'upload', index: input.index, files: ['../../etc/passwd'] });
    expect(unknown).toEqual({ ok: false, message: "The session has no file named '../../etc/passwd'; its files are: a.txt, b.txt", pageChanged: false });
    const several = await browser.act({ kind: 'upload', index: input.index, files: ['a.txt', 'b.txt'] });
    expect(several).toEqual({ ok: false, message: "File 'Document' takes one file, not 2", pageChanged: false });
    const help = await browser.act({ kind: 'upload', index: byName(observation, 'Help').index, files: ['a.txt'] });
    expect(help.ok).toBe(false);
    expect(help.message).toMatch(/^Clicking button 'Help' opened no file chooser/);
    expect(fixtures.state.files.uploads).toEqual([]);
  });

  it('has nothing to upload in a session that keeps no files', async () => {
    const browser = await open({ files: false });
    const result = await browser.act({ kind: 'upload', index: byName(await browser.observe(), 'Document').index, files: ['a.txt'] });
    expect(result).toEqual({ ok: false, message: 'This session has no files to upload', pageChanged: false });
  });
});

describe('downloads', () => {
  it("keeps a download the action caused in the session's files and says so in its result", async () => {
    const browser = await open();
    const link = byName(await browser.observe(), 'Download report');
    const first = await browser.act({ kind: 'click', index: link.index });
    expect(first).toEqual({ ok: true, message: `Clicked link 'Download report'; Downloaded report.csv (${Buffer.byteLength(REPORT_CSV)} bytes) into the session's files`, pageChanged: false });
    const second = await browser.act({ kind: 'click', index: link.index });
    expect(second.message).toContain('Downloaded report.csv as report (1).csv');

    const files = await store.list(sessionId);
    expect(files.map((f) => [f.name, f.source, f.size])).toEqual([
      ['report.csv', 'download', Buffer.byteLength(REPORT_CSV)],
      ['report (1).csv', 'download', Buffer.byteLength(REPORT_CSV)],
    ]);
    expect(readFileSync((await store.pathOf(sessionId, 'report.csv'))!, 'utf8')).toBe(REPORT_CSV);
    // Told once: the next observation does not repeat it, and lists the files for upload.
    const observation = await browser.observe();
    expect(observation.downloads).toBeUndefined();
    expect(observation.files).toEqual(['report.csv', 'report (1).csv']);
  });

  it('keeps a file a script builds and downloads from a blob', async () => {
    const browser = await open();
    const click = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Export as CSV').index });
    expect(click.ok).toBe(true);
    const told = click.message.includes('Downloaded') ? [click.message] : await observeDownloads(browser);
    expect(told.join('\n')).toContain(`Downloaded export.csv (${Buffer.byteLength(EXPORT_CSV)} bytes) into the session's files`);
    expect(readFileSync((await store.pathOf(sessionId, 'export.csv'))!, 'utf8')).toBe(EXPORT_CSV);
  });

  it('cuts a download that passes the cap while it arrives, and keeps nothing of it', async () => {
    const browser = await open();
    const result = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Download archive').index });
    expect(result).toEqual({
      ok: true,
      message: "Clicked link 'Download archive'; Download of archive.bin refused: it is larger than the limit of 64 KB per file; nothing was kept",
      pageChanged: false,
    });
    expect(await store.list(sessionId)).toEqual([]);
    // Not even a partial or hidden file is left in the session's folder.
    const folder = join(root, sessionId);
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    // The browser stopped the transfer long before the server had sent it all.
    const [transfer] = fixtures.state.files.largeTransfers;
    expect(transfer?.completed).toBe(false);
  });

  it("refuses a download when the session's files have no room left for it", async () => {
    const browser = await open();
    for (const name of ['1.bin', '2.bin', '3.bin', '4.bin']) await putFile(name, Buffer.alloc(MAX_FILE_BYTES));
    const result = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Download report').index });
    expect(result.message).toBe("Clicked link 'Download report'; Download of report.csv refused: the session's files have only 0 bytes of room left; nothing was kept");
    expect((await store.list(sessionId)).map((f) => f.name)).toEqual(['1.bin', '2.bin', '3.bin', '4.bin']);
  });

  it('does not keep downloads of a session that keeps no files', async () => {
    const browser = await open({ files: false });
    const result = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Download report').index });
    expect(result.message).toBe("Clicked link 'Download report'; Download of report.csv was not kept: this session keeps no files");
  });
});
