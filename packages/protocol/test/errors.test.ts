import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, ErrorCode, TASK_FAILURE_CODES, TASK_FAILURES, TaskFailureCode } from '../src/index.ts';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const rows = (text: string): Array<[string, number]> =>
  text
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .map(([code, status]): [string, number] => [code!.replace(/`/g, ''), Number(status)])
    .filter(([, status]) => Number.isInteger(status));

describe('the error codes', () => {
  it('are request errors of 4xx and 5xx statuses, each with a message', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CATALOG)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(message.length, code).toBeGreaterThan(0);
    }
    expect(ErrorCode.options).toEqual(ERROR_CODES);
    expect(ErrorCode.safeParse('no_such_code').success).toBe(false);
  });

  it('docs/errors.md lists the task failure codes with the same status codes', () => {
    const section = doc.split('## Task errors')[1]!;
    expect(Object.fromEntries(rows(section))).toEqual(Object.fromEntries(Object.entries(TASK_FAILURES).map(([code, f]) => [code, f.status])));
    expect(TaskFailureCode.options).toEqual(TASK_FAILURE_CODES);
  });
});
