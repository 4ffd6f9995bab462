import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractFromPage } from '../../src/agent/extraction.ts';
import { compileOutputSchema, InvalidOutputSchemaError, schemaProblems } from '../../src/agent/json-schema.ts';
import { PageDataFence } from '../../src/agent/page-data-fence.ts';
import type { SessionBrowser } from '../../src/browser/port.ts';
import type { Decision, LanguageModel } from '../../src/llm/port.ts';

const EVIL = '^(a+)+$';
/** 31 a and a !: V8's backtracking tries 2^31 ways to split the a before it gives up (~9 s). */
const FREEZER = `${'a'.repeat(31)}!`;
const LONG_FREEZER = `${'a'.repeat(5_000)}!`;

/** How long `fn` held the thread; the bound is a hang detector (a frozen loop is seconds), not a benchmark. */
function blocked<T>(fn: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

function problems(schema: Record<string, unknown>, value: unknown): string | undefined {
  const { ms, result } = blocked(() => schemaProblems(compileOutputSchema(schema), value));
  expect(ms, `checking took ${ms.toFixed(0)} ms`).toBeLessThan(1_000);
  return result;
}

function refusal(schema: Record<string, unknown>, label?: string): string {
  try {
    compileOutputSchema(schema, label);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOutputSchemaError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(schema)} was accepted`);
}

describe('patterns from a client or a model run in linear time', () => {
  const evilField = { type: 'object', properties: { value: { type: 'string', pattern: EVIL } } };

  it('checks ^(a+)+$ against 31 a and a ! (and 5,000) at once, with the usual one-line problem', () => {
    expect(problems(evilField, { value: FREEZER })).toBe('value: Invalid string: must match pattern /^(a+)+$/');
    expect(problems(evilField, { value: LONG_FREEZER })).toBe('value: Invalid string: must match pattern /^(a+)+$/');
    expect(problems(evilField, { value: 'aaaa' })).toBeUndefined();
    expect(problems({ type: 'string', pattern: EVIL }, FREEZER)).toBe('result: Invalid string: must match pattern /^(a+)+$/');
  });

  it('checks patternProperties keys the same way, and the values of the keys they match', () => {
    const schema = { type: 'object', patternProperties: { [EVIL]: { type: 'number' } }, additionalProperties: false };
    expect(problems(schema, { [FREEZER]: 1 })).toBe(`result: Unrecognized key: "${FREEZER}"`);
    expect(problems(schema, { [LONG_FREEZER]: 1 })).toBe(`result: Unrecognized key: "${LONG_FREEZER}"`);
    expect(problems(schema, { aaa: 'x' })).toBe('aaa: Invalid input: expected number, received string');
    expect(problems(schema, { aaa: 1 })).toBeUndefined();
  });

  it('checks a propertyNames pattern the same way', () => {
    const schema = { type: 'object', propertyNames: { pattern: EVIL } };
    expect(problems(schema, { [FREEZER]: 1 })).toBe(`${FREEZER}: Invalid key: Invalid string: must match pattern /^(a+)+$/`);
    expect(problems(schema, { aa: 1 })).toBeUndefined();
  });

  it('checks patterns wherever zod would: $ref, items, anyOf, oneOf, contains, allOf, type lists', () => {
    const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
    const cases: Array<[Record<string, unknown>, unknown, string | undefined]> = [
      [{ type: 'object', properties: { d: { $ref: '#/$defs/date' } }, $defs: { date } }, { d: '2024-1-01' }, 'd: Invalid string: must match pattern /^\\d{4}-\\d{2}-\\d{2}$/'],
      [{ type: 'object', properties: { d: { $ref: '#/definitions/date' } }, definitions: { date }, $schema: 'http://json-schema.org/draft-07/schema#' }, { d: '2024-01-01' }, undefined],
      [{ type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } }, ['ok', 'NO'], '1: Invalid string: must match pattern /^[a-z]+$/'],
      [{ anyOf: [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' }] }, 'b', undefined],
      [{ anyOf: [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' }] }, 'c', 'result: Invalid input: matches none of the anyOf schemas'],
      [{ oneOf: [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: 'b$' }] }, 'ab', 'result: Invalid input: more than one option matched'],
      [{ oneOf: [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: 'b$' }] }, 'ax', undefined],
      [{ type: 'array', contains: { type: 'string', pattern: '^x' }, minContains: 2 }, ['x1', 'y'], 'result: Array must contain at least 2 matching elements; found 1'],
      [{ allOf: [{ type: 'object', properties: { a: { type: 'string', pattern: '^A' } } }] }, { a: 'b' }, 'a: Invalid string: must match pattern /^A/'],
      [{ type: ['string', 'null'], pattern: '^a' }, null, undefined],
      [{ type: ['string', 'null'], pattern: '^a' }, 'b', 'result: Invalid string: must match pattern /^a/'],
      [{ type: 'object', properties: { ['__proto__']: { type: 'string', pattern: '^a' } } }, JSON.parse('{"__proto__": "b"}'), '__proto__: Invalid string: must match pattern /^a/'],
    ];
    for (const [schema, value, expected] of cases) expect(problems(schema, value), JSON.stringify([schema, value])).toBe(expected);
  });

  it('agrees with zod on which values match, where zod may run the pattern itself (safe patterns)', () => {
    const schemas: Record<string, unknown>[] = [
      { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Z]{2}\\d{3}$' }, n: { type: 'integer' } }, required: ['id'] },
      { type: 'object', properties: { id: { type: 'string' } }, patternProperties: { '^x-': { type: 'number' } }, additionalProperties: false },
      { anyOf: [{ type: 'string', pattern: '^a' }, { type: 'number' }] },
      { type: 'array', items: { type: 'string', pattern: '\\d' }, minItems: 1 },
      { type: 'object', propertyNames: { pattern: '^[a-z]+$' }, maxProperties: 2 },
      { $defs: { code: { type: 'string', pattern: '^c' } }, type: 'object', properties: { a: { $ref: '#/$defs/code' }, b: { anyOf: [{ $ref: '#/$defs/code' }, { type: 'null' }] } } },
    ];
    const values: unknown[] = [{ id: 'AB123' }, { id: 'ab123' }, { id: 'AB123', n: 1.5 }, { id: 'a', 'x-1': 2 }, { id: 'a', 'x-1': 'no' }, { id: 'a', y: 1 }, 'abc', 'xbc', 3, [], ['1'], ['x'], { ab: 1 }, { AB: 1 }, { a: 'c', b: null }, { a: 'd' }, { b: 'x' }];
    for (const schema of schemas) {
      const ours = compileOutputSchema(schema);
      const theirs = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
      for (const value of values) expect(ours.safeParse(value).success, JSON.stringify([schema, value])).toBe(theirs.safeParse(value).success);
    }
  });

  it('refuses a pattern RE2 cannot run, naming where it is and why', () => {
    expect(refusal({ type: 'object', properties: { v: { type: 'string', pattern: '^(a)\\1$' } } })).toBe(
      'output_schema at /properties/v/pattern: the pattern "^(a)\\\\1$" uses a backreference, which the linear-time engine (RE2) does not have (invalid escape sequence: \\1)',
    );
    expect(refusal({ type: 'object', patternProperties: { '^(?!x)': {} } })).toMatch(/^output_schema at \/patternProperties\/\^\(\?!x\): .*lookahead or lookbehind/);
    expect(refusal({ type: 'string', pattern: '\\p{L}{30}' })).toMatch(/^output_schema at \/pattern: the pattern .* is too heavy to run in linear time/);
    expect(refusal({ type: 'string', pattern: [EVIL] })).toBe('output_schema at /pattern: a pattern must be a string');
  });

  it('refuses a schema whose patterns together weigh too much', () => {
    const properties = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, { type: 'string', pattern: `^.{1,100}${i}$` }]));
    expect(refusal({ type: 'object', properties })).toMatch(/its distinct patterns weigh more than 5000 together/);
  });
});

describe('extract with a schema the model chose', () => {
  const browser = {
    act: async () => ({ ok: true, message: 'read', text: 'Price list', textPages: 1 }),
    pageInfo: async () => ({ url: 'http://shop.test/', title: 'Shop' }),
  } as unknown as SessionBrowser;

  function answering(args: Record<string, unknown>): LanguageModel & { calls: number } {
    const model = {
      spec: 'test',
      supportsVision: false,
      calls: 0,
      decide: async (): Promise<Decision> => {
        model.calls++;
        return { actions: [{ tool: 'extract_result', args }] };
      },
    };
    return model;
  }

  const extract = (schema: Record<string, unknown>, model: LanguageModel) =>
    extractFromPage({ browser, model: { model, fence: new PageDataFence(), task: 't' }, signal: new AbortController().signal, instruction: 'the code', schema });

  it('turns a pattern RE2 cannot run into a tool error, without asking the model', async () => {
    const model = answering({ code: 'aa' });
    const outcome = await extract({ type: 'object', properties: { code: { type: 'string', pattern: '(a)\\1' } } }, model);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^schema at \/properties\/code\/pattern: the pattern "\(a\)\\\\1" uses a backreference/);
    expect(model.calls).toBe(0);
  });

  it('checks the answer against a catastrophic pattern at once', async () => {
    const model = answering({ code: FREEZER });
    const start = performance.now();
    const outcome = await extract({ type: 'object', properties: { code: { type: 'string', pattern: EVIL } } }, model);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('code: Invalid string: must match pattern /^(a+)+$/') });
    expect(model.calls).toBe(2);
  });
});
