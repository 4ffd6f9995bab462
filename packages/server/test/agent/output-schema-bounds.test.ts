import { describe, expect, it } from 'vitest';
import { MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH } from '../../src/agent/json-schema-bounds.ts';
import { compileOutputSchema, InvalidOutputSchemaError, schemaProblems } from '../../src/agent/json-schema.ts';

function refusal(schema: Record<string, unknown>): string {
  try {
    compileOutputSchema(schema);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOutputSchemaError);
    return (error as Error).message;
  }
  throw new Error('the schema was accepted');
}

/** Arrays of arrays down to a string: `levels` levels of JSON objects in all. */
function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  // Each level is the schema object; `items` adds no array, so the depth is exactly `levels`.
  for (let level = 1; level < levels; level++) schema = { type: 'array', items: schema };
  return schema;
}

describe('output schema bounds', () => {
  it(`accepts ${MAX_SCHEMA_DEPTH} levels of nesting and refuses one more`, () => {
    expect(() => compileOutputSchema(nested(MAX_SCHEMA_DEPTH))).not.toThrow();
    expect(refusal(nested(MAX_SCHEMA_DEPTH + 1))).toBe(`output_schema is nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
  });

  it('refuses a schema over 64 KB as JSON', () => {
    const filler = (size: number) => ({ type: 'object', description: 'x'.repeat(size) });
    const overhead = JSON.stringify(filler(0)).length;
    expect(() => compileOutputSchema(filler(MAX_SCHEMA_BYTES - overhead))).not.toThrow();
    expect(refusal(filler(MAX_SCHEMA_BYTES - overhead + 1))).toBe(`output_schema is ${MAX_SCHEMA_BYTES + 1} bytes as JSON, more than the ${MAX_SCHEMA_BYTES} (64 KB) allowed`);
  });

  it('refuses recursive $refs (zod would recurse through every branch per level of the value)', () => {
    expect(refusal({ $ref: '#/$defs/node', $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } } })).toBe(
      'output_schema at /$defs/node/properties/next/$ref refers back to a schema that contains it ("#/$defs/node"); recursive schemas are not supported',
    );
    expect(refusal({ $ref: '#/$defs/a', $defs: { a: { $ref: '#/$defs/a' } } })).toMatch(/^output_schema at \/\$defs\/a\/\$ref refers back/);
    expect(refusal({ type: 'object', properties: { self: { $ref: '#' } } })).toMatch(/^output_schema at \/properties\/self\/\$ref refers back/);
  });

  it('refuses definitions that double per level (2^30 checks of one value)', () => {
    const $defs: Record<string, unknown> = { d30: { type: 'string', minLength: 5 } };
    for (let i = 0; i < 30; i++) $defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    expect(refusal({ $ref: '#/$defs/d0', $defs })).toBe('output_schema stands for more than 10000 subschemas once its $refs are followed');
  });

  it('refuses a type list that names a type twice (zod builds the schema once per entry, per level)', () => {
    expect(refusal({ type: 'object', properties: { a: { type: ['object', 'object'] } } })).toBe('output_schema at /properties/a/type names a type twice');
  });

  it('still shares definitions used in several places, and large enums', () => {
    const shared = { type: 'object', properties: { a: { $ref: '#/$defs/n' }, b: { $ref: '#/$defs/n' } }, $defs: { n: { type: 'number' } } };
    expect(schemaProblems(compileOutputSchema(shared), { a: 1, b: 'x' })).toBe('b: Invalid input: expected number, received string');
    const words = Array.from({ length: 5_000 }, (_, i) => `w${i}`);
    expect(schemaProblems(compileOutputSchema({ type: 'object', properties: { w: { enum: words } } }), { w: 'w4999' })).toBeUndefined();
  });
});
