/**
 * Where zod's `z.fromJSONSchema` finds subschemas, and how it resolves `$ref`, so that what
 * checks and rewrites a schema before zod sees exactly the schemas zod will build.
 */

export type SchemaObject = Record<string, unknown>;

/** A position in a schema, as JSON Pointer segments. */
export type SchemaPath = readonly (string | number)[];

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords whose value is a schema or a list of schemas. `not` is left out: zod refuses it unless it is `{}`. */
const SCHEMA_KEYWORDS = [
  'items',
  'prefixItems',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'allOf',
  'anyOf',
  'oneOf',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
] as const;

/** Keywords whose value maps names to schemas (definitions are reached through `$ref`). */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies'] as const;

export interface Subschema {
  schema: SchemaObject | boolean;
  path: SchemaPath;
}

/** The direct subschemas of `node`, with their positions relative to it. */
export function subschemasOf(node: SchemaObject): Subschema[] {
  const found: Subschema[] = [];
  for (const keyword of SCHEMA_KEYWORDS) {
    const value = node[keyword];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      if (isSubschema(value)) found.push({ schema: value, path: [keyword] });
      continue;
    }
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (isSubschema(item)) found.push({ schema: item, path: [keyword, index] });
    }
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    const map = node[keyword];
    if (!isSchemaObject(map)) continue;
    for (const name of Object.keys(map)) {
      const schema = map[name];
      if (isSubschema(schema)) found.push({ schema, path: [keyword, name] });
    }
  }
  return found;
}

function isSubschema(value: unknown): value is SchemaObject | boolean {
  return typeof value === 'boolean' || isSchemaObject(value);
}

/** The root's definitions and how `$ref` names them, as zod reads them. */
export interface SchemaDefinitions {
  /** `$defs` under draft 2020-12 (the default), `definitions` under the older drafts. */
  refPrefix: string;
  /** Where the root keeps them (zod takes `$defs`, else `definitions`, whatever the draft). */
  container: '$defs' | 'definitions';
  defs: Record<string, unknown>;
}

export function definitionsOf(root: SchemaObject): SchemaDefinitions {
  const draft2020 = !['http://json-schema.org/draft-07/schema#', 'http://json-schema.org/draft-04/schema#'].includes(String(root['$schema']));
  const container = isSchemaObject(root['$defs']) ? '$defs' : isSchemaObject(root['definitions']) ? 'definitions' : draft2020 ? '$defs' : 'definitions';
  const defs = isSchemaObject(root[container]) ? (root[container] as Record<string, unknown>) : {};
  return { refPrefix: draft2020 ? '$defs' : 'definitions', container, defs };
}

/**
 * What `ref` points at, as zod resolves it: `#` is the root, `#/$defs/<name>` (or
 * `#/definitions/<name>` before draft 2020-12) a definition; anything else is undefined
 * (zod refuses it when it compiles).
 */
export function resolveRef(ref: string, root: SchemaObject, definitions: SchemaDefinitions): SchemaObject | boolean | undefined {
  if (!ref.startsWith('#')) return undefined;
  const segments = ref.slice(1).split('/').filter(Boolean);
  if (segments.length === 0) return root;
  if (segments[0] !== definitions.refPrefix || segments[1] === undefined) return undefined;
  const name = segments[1].replace(/~1/g, '/').replace(/~0/g, '~');
  const target = Object.hasOwn(definitions.defs, name) ? definitions.defs[name] : undefined;
  return isSchemaObject(target) || typeof target === 'boolean' ? target : undefined;
}

/** `path` as a JSON Pointer, the way a schema's author finds the place. */
export function pointer(path: SchemaPath): string {
  return path.length === 0 ? '/' : path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
