import { formatBytes } from '../util/format-bytes.ts';
import { InvalidOutputSchemaError } from './invalid-output-schema-error.ts';
import { definitionsOf, isSchemaObject, pointer, resolveRef, subschemasOf, type SchemaObject, type SchemaPath } from './json-schema-walk.ts';

/** Largest schema accepted, serialized as JSON (UTF-8). */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Deepest nesting of JSON objects and arrays in a schema (the root object is level 1). */
export const MAX_SCHEMA_DEPTH = 32;
/**
 * Most subschemas a schema may stand for once every `$ref` is replaced by its target. A value is
 * checked against each of them at most once per place in the value, so this bounds the work per
 * value node; definitions that refer to each other twice per level would otherwise double it per
 * level (30 definitions: a billion checks of one string).
 */
export const MAX_SCHEMA_NODES = 10_000;

/**
 * A plain JSON copy of `schema` when it is within the bounds above, its `$ref`s lead nowhere they
 * came from (a recursive schema makes zod recurse per value level, through every branch that
 * reaches the recursion), and no `type` list names a type twice (zod builds the schema once per
 * listed type, so a repeated `object` multiplies the work per level). Else InvalidOutputSchemaError.
 */
export function boundedSchema(schema: Record<string, unknown>, label: string): SchemaObject {
  if (nestedDeeperThan(schema, MAX_SCHEMA_DEPTH)) {
    throw new InvalidOutputSchemaError(`${label} is nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
  }
  const text = JSON.stringify(schema);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_SCHEMA_BYTES) {
    throw new InvalidOutputSchemaError(`${label} is ${bytes} bytes as JSON, more than the ${MAX_SCHEMA_BYTES} (${formatBytes(MAX_SCHEMA_BYTES)}) allowed`);
  }
  const copy = JSON.parse(text) as SchemaObject;
  checkExpansion(copy, label);
  return copy;
}

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some((item) => nestedDeeperThan(item, levels - 1));
}

/** Walks the schema as zod builds it, `$ref`s followed, counting subschemas up to the bound. */
function checkExpansion(root: SchemaObject, label: string): void {
  const definitions = definitionsOf(root);
  const targets = new Map<string, ReturnType<typeof resolveRef>>();
  let nodes = 0;
  // The targets being expanded on the way down: a $ref to one of them is recursion.
  const expanding = new Set<object>();
  const visit = (node: SchemaObject, at: Trail): void => {
    if (++nodes > MAX_SCHEMA_NODES) {
      throw new InvalidOutputSchemaError(`${label} stands for more than ${MAX_SCHEMA_NODES} subschemas once its $refs are followed`);
    }
    const types = node['type'];
    if (Array.isArray(types) && new Set(types).size !== types.length) {
      throw new InvalidOutputSchemaError(`${label} at ${pointer([...trailPath(at), 'type'])} names a type twice`);
    }
    const ref = node['$ref'];
    if (typeof ref === 'string' && ref !== '') {
      if (!targets.has(ref)) targets.set(ref, resolveRef(ref, root, definitions));
      const target = targets.get(ref);
      if (isSchemaObject(target)) {
        if (expanding.has(target)) {
          throw new InvalidOutputSchemaError(
            `${label} at ${pointer([...trailPath(at), '$ref'])} refers back to a schema that contains it ("${ref}"); recursive schemas are not supported`,
          );
        }
        expanding.add(target);
        visit(target, { ref });
        expanding.delete(target);
      }
    }
    for (const sub of subschemasOf(node)) if (isSchemaObject(sub.schema)) visit(sub.schema, { up: at, path: sub.path });
  };
  expanding.add(root);
  visit(root, { path: [] });
}

/** Where the walk is: steps from a parent, or the definition a $ref led to. Made a path only for a message. */
type Trail = { up: Trail; path: SchemaPath } | { path: SchemaPath } | { ref: string };

function trailPath(trail: Trail): SchemaPath {
  const parts: SchemaPath[] = [];
  for (let at: Trail | undefined = trail; at !== undefined; at = 'up' in at ? at.up : undefined) {
    parts.unshift('ref' in at ? refPath(at.ref) : at.path);
  }
  return parts.flat();
}

/** Where a definition sits, for messages about what is inside it. */
function refPath(ref: string): SchemaPath {
  return ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .slice(0, 2)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
