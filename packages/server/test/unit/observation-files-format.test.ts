import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/browser/port.ts';
import { formatObservation } from '../../src/agent/observation-format.ts';
import { PageDataFence } from '../../src/agent/page-data-fence.ts';
import { stepMessages } from '../../src/agent/prompt.ts';
import { formatBytes } from '../../src/util/format-bytes.ts';

const observation: Observation = {
  url: 'http://127.0.0.1/files/',
  title: 'Files',
  elements: [
    { index: 3, role: 'file', name: 'Document', tag: 'input', value: 'report.csv', accept: '.csv,.txt', isNew: false },
    { index: 4, role: 'file', name: 'Photos', tag: 'input', states: ['multiple'], isNew: true },
  ],
  text: '# Files',
  truncated: false,
  scroll: { y: 0, height: 800, viewportHeight: 800 },
  tabs: [{ index: 0, url: 'http://127.0.0.1/files/', title: 'Files', active: true }],
  files: ['report.csv', 'scan (1).png'],
  downloads: ["Downloaded export.csv (27 bytes) into the session's files"],
};

describe('file inputs and session files in what the model reads', () => {
  it('shows a file input with its chosen files and accepted types, then downloads and the session files', () => {
    const text = formatObservation(observation);
    expect(text).toContain('[3] file "Document" value="report.csv" accept=".csv,.txt"');
    expect(text).toContain('[4]* file "Photos" (multiple)');
    expect(text.endsWith(`Downloads: Downloaded export.csv (27 bytes) into the session's files\nSession files (for upload_file): ["report.csv","scan (1).png"]`)).toBe(true);
    expect(formatObservation({ ...observation, files: undefined, downloads: undefined } as unknown as Observation)).not.toMatch(/Session files|Downloads:/);
  });

  it('keeps file names, which websites choose, inside the page-data fence', () => {
    const fence = new PageDataFence('f1');
    const [message] = stepMessages({ task: 'Upload it', updates: [], history: [], observation, step: 1, maxSteps: 5, fence });
    const content = message!.content;
    expect(content.indexOf('Session files')).toBeGreaterThan(content.indexOf('<<<PAGE_DATA f1>>>'));
    expect(content.indexOf('Session files')).toBeLessThan(content.indexOf('<<<END_PAGE_DATA f1>>>'));
  });

  it('writes sizes for people', () => {
    expect([formatBytes(0), formatBytes(1), formatBytes(53), formatBytes(65_536), formatBytes(1_572_864), formatBytes(52_428_800)]).toEqual([
      '0 bytes',
      '1 byte',
      '53 bytes',
      '64 KB',
      '1.5 MB',
      '50 MB',
    ]);
  });
});
