import { z } from 'zod';
import { compileLinearPattern, MAX_PATTERN_SUBJECT_LENGTH, PatternRefusedError, type LinearPattern } from '../safety/index.ts';
import { InvalidOutputSchemaError } from './invalid-output-schema-error.ts';
import {
  definitionsOf,
  isSchemaObject,
  pointer,
  resolveRef,
  subschemasOf,
  type SchemaDefinitions,
  type SchemaObject,
  type SchemaPath,
} from './json-schema-walk.ts';

/**
 * Most weight (`patternWeight`) the distinct patterns of one schema may have together: compiling
 * costs up to 5 µs per unit (Unicode properties), and one string may meet several of them
 * (`anyOf` branches, `patternProperties`).
 */
export const MAX_SCHEMA_PATTERN_WEIGHT = 5_000;

interface Problem {
  path: PropertyKey[];
  message: string;
}
type Check = (value: unknown) => Problem[];

/**
 * A validator for a bounded schema (`boundedSchema`) in which no regular expression of the
 * schema's author runs on V8's backtracking engine: zod's `fromJSONSchema` builds `pattern`,
 * `patternProperties` (and a `propertyNames` pattern, a `pattern` of its own) with `new RegExp`,
 * where `^(a+)+$` takes seconds on 30 characters. So zod gets the schema without them, and
 * an overlay runs them on RE2 where zod would have (the same keywords, the same types, the
 * same messages). Keywords whose outcome depends on a pattern beneath them (`anyOf`, `oneOf`,
 * `contains`, a `propertyNames` with a pattern) move to the overlay whole, each branch checked
 * by zod without its patterns plus the overlay. Throws InvalidOutputSchemaError for a pattern
 * that cannot be used; zod's own errors pass through.
 */
export function compileWithLinearPatterns(root: SchemaObject, label: string): z.ZodType {
  const definitions = definitionsOf(root);
  const graph = schemaGraph(root, definitions);
  const patterns = compilePatterns(graph, label);
  if (graph.withPatterns.length === 0) return guarded(zodCheck(z.fromJSONSchema(root as Parameters<typeof z.fromJSONSchema>[0])));
  return guarded(new PatternOverlay(root, definitions, graph, patterns).check);
}

interface SchemaGraph {
  /** Every subschema zod may build (the root's, every definition's), with where it is. */
  nodes: Map<SchemaObject, SchemaPath>;
  /** Those with a pattern keyword of their own. */
  withPatterns: SchemaObject[];
  /** For each subschema, those that contain it or refer to it. */
  parents: Map<SchemaObject, SchemaObject[]>;
}

function schemaGraph(root: SchemaObject, definitions: SchemaDefinitions): SchemaGraph {
  const nodes = new Map<SchemaObject, SchemaPath>();
  const parents = new Map<SchemaObject, SchemaObject[]>();
  const withPatterns: SchemaObject[] = [];
  const link = (child: SchemaObject, parent: SchemaObject): void => {
    const list = parents.get(child);
    if (list === undefined) parents.set(child, [parent]);
    else list.push(parent);
  };
  const add = (node: SchemaObject, at: SchemaPath): void => {
    if (nodes.has(node)) return;
    nodes.set(node, at);
    if (node['pattern'] !== undefined || node['patternProperties'] !== undefined) withPatterns.push(node);
    for (const sub of subschemasOf(node)) {
      if (!isSchemaObject(sub.schema)) continue;
      link(sub.schema, node);
      add(sub.schema, [...at, ...sub.path]);
    }
  };
  add(root, []);
  for (const [name, def] of Object.entries(definitions.defs)) if (isSchemaObject(def)) add(def, [definitions.container, name]);
  for (const node of nodes.keys()) {
    const ref = node['$ref'];
    const target = typeof ref === 'string' ? resolveRef(ref, root, definitions) : undefined;
    if (isSchemaObject(target)) link(target, node);
  }
  return { nodes, withPatterns, parents };
}

function compilePatterns(graph: SchemaGraph, label: string): Map<string, LinearPattern> {
  const patterns = new Map<string, LinearPattern>();
  let weight = 0;
  const compile = (source: string, at: SchemaPath): void => {
    if (patterns.has(source)) return;
    let pattern: LinearPattern;
    try {
      pattern = compileLinearPattern(source);
    } catch (error) {
      if (!(error instanceof PatternRefusedError)) throw error;
      throw new InvalidOutputSchemaError(`${label} at ${pointer(at)}: the pattern ${JSON.stringify(source)} ${error.message}`, { cause: error });
    }
    weight += pattern.weight;
    if (weight > MAX_SCHEMA_PATTERN_WEIGHT) {
      throw new InvalidOutputSchemaError(`${label}: its distinct patterns weigh more than ${MAX_SCHEMA_PATTERN_WEIGHT} together (at ${pointer(at)}); use fewer or simpler ones`);
    }
    patterns.set(source, pattern);
  };
  for (const node of graph.withPatterns) {
    const at = graph.nodes.get(node)!;
    const pattern = node['pattern'];
    if (pattern !== undefined) {
      // zod would hand anything else to `new RegExp`, which turns ["^(a+)+$"] into that pattern.
      if (typeof pattern !== 'string') throw new InvalidOutputSchemaError(`${label} at ${pointer([...at, 'pattern'])}: a pattern must be a string`);
      if (pattern !== '') compile(pattern, [...at, 'pattern']);
    }
    const patternProperties = node['patternProperties'];
    if (patternProperties !== undefined) {
      if (!isSchemaObject(patternProperties)) throw new InvalidOutputSchemaError(`${label} at ${pointer([...at, 'patternProperties'])}: patternProperties must be an object`);
      for (const source of Object.keys(patternProperties)) compile(source, [...at, 'patternProperties', source]);
    }
  }
  return patterns;
}

class PatternOverlay {
  readonly #root: SchemaObject;
  readonly #definitions: SchemaDefinitions;
  readonly #patterns: Map<string, LinearPattern>;
  /** Subschemas from which a pattern keyword can be reached (through subschemas or $refs). */
  readonly #reaches = new Set<SchemaObject>();
  readonly #checks = new Map<SchemaObject | boolean, Check>();
  readonly #keyChecks = new Map<SchemaObject | boolean, Check>();
  readonly #stripped = new Map<SchemaObject, SchemaObject>();
  /** Each definition's name, by the definition. */
  readonly #definitionNames = new Map<unknown, string>();
  readonly check: Check;

  constructor(root: SchemaObject, definitions: SchemaDefinitions, graph: SchemaGraph, patterns: Map<string, LinearPattern>) {
    this.#root = root;
    this.#definitions = definitions;
    this.#patterns = patterns;
    for (const [name, def] of Object.entries(definitions.defs)) this.#definitionNames.set(def, name);
    const pending = [...graph.withPatterns];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (this.#reaches.has(node)) continue;
      this.#reaches.add(node);
      pending.push(...(graph.parents.get(node) ?? []));
    }
    this.check = this.#full(root);
    // Everything is compiled now, so a schema zod refuses is refused before any value arrives.
    for (const node of graph.nodes.keys()) this.#prepare(node);
  }

  #reachesPattern(schema: unknown): schema is SchemaObject {
    return isSchemaObject(schema) && this.#reaches.has(schema);
  }

  /** Whether `keyword`'s value moves to the overlay whole: its outcome depends on a pattern. */
  #moved(node: SchemaObject, keyword: 'anyOf' | 'oneOf' | 'contains' | 'propertyNames'): boolean {
    const value = node[keyword];
    if (keyword === 'anyOf' || keyword === 'oneOf') return Array.isArray(value) && value.some((branch) => this.#reachesPattern(branch));
    return this.#reachesPattern(value);
  }

  #prepare(node: SchemaObject): void {
    for (const keyword of ['anyOf', 'oneOf'] as const) if (this.#moved(node, keyword)) for (const branch of node[keyword] as unknown[]) this.#full(branch);
    if (this.#moved(node, 'contains')) this.#full(node['contains']);
    if (this.#moved(node, 'propertyNames')) this.#full(node['propertyNames'], true);
    const patternProperties = node['patternProperties'];
    if (isSchemaObject(patternProperties)) {
      for (const schema of Object.values(patternProperties)) this.#full(schema);
      if (isSchemaObject(node['additionalProperties'])) this.#full(node['additionalProperties']);
    }
  }

  /**
   * Complete validity of a value against `schema`: zod on it without patterns, and the overlay.
   * `asKey`: the value is an object key, which zod checks as a string when the schema names no type.
   */
  #full(schema: unknown, asKey = false): Check {
    const cache = asKey ? this.#keyChecks : this.#checks;
    const key = isSchemaObject(schema) || typeof schema === 'boolean' ? schema : undefined;
    const known = key === undefined ? undefined : cache.get(key);
    if (known !== undefined) return known;
    let forZod = this.#forZod(schema);
    if (asKey && isSchemaObject(forZod) && forZod['type'] === undefined) forZod = { type: 'string', ...forZod };
    const structure = zodCheck(z.fromJSONSchema(forZod as Parameters<typeof z.fromJSONSchema>[0]));
    const check: Check = (value) => {
      const problems = structure(value);
      this.#overlay(schema, value, [], problems, asKey);
      return problems;
    };
    if (key !== undefined) cache.set(key, check);
    return check;
  }

  /** `schema` as zod gets it: patterns taken out, and, away from the root, the definitions it refers to. */
  #forZod(schema: unknown): unknown {
    const stripped = this.#strip(schema);
    if (schema === this.#root || !isSchemaObject(stripped)) return stripped;
    const used = this.#definitionsUsedBy(schema);
    if (used.size === 0 && this.#root['$schema'] === undefined) return stripped;
    const wrapped: SchemaObject = {};
    for (const [key, value] of Object.entries(stripped)) if (key !== '$defs' && key !== 'definitions' && key !== '$schema') put(wrapped, key, value);
    if (this.#root['$schema'] !== undefined) wrapped['$schema'] = this.#root['$schema'];
    const defs: SchemaObject = {};
    for (const name of used) put(defs, name, this.#strip(this.#definitions.defs[name]));
    wrapped[this.#definitions.container] = defs;
    return wrapped;
  }

  #definitionsUsedBy(schema: unknown): Set<string> {
    const used = new Set<string>();
    const seen = new Set<SchemaObject>();
    const visit = (node: unknown): void => {
      if (!isSchemaObject(node) || seen.has(node)) return;
      seen.add(node);
      const ref = node['$ref'];
      if (typeof ref === 'string') {
        const target = resolveRef(ref, this.#root, this.#definitions);
        const name = this.#definitionNames.get(target);
        if (name !== undefined) used.add(name);
        visit(target);
      }
      for (const sub of subschemasOf(node)) visit(sub.schema);
    };
    visit(schema);
    return used;
  }

  /** A copy of `schema` without pattern keywords and without the keywords that moved to the overlay. */
  #strip(schema: unknown): unknown {
    if (!this.#reachesPattern(schema)) return schema;
    const known = this.#stripped.get(schema);
    if (known !== undefined) return known;
    const out: SchemaObject = {};
    const withPatternProperties = schema['patternProperties'] !== undefined;
    const containsMoved = this.#moved(schema, 'contains');
    for (const [key, value] of Object.entries(schema)) {
      switch (key) {
        case 'pattern':
        case 'patternProperties':
          break;
        case 'additionalProperties':
          // With patternProperties, which keys are additional depends on the patterns.
          if (!withPatternProperties) put(out, key, this.#strip(value));
          break;
        case 'anyOf':
        case 'oneOf':
        case 'propertyNames':
          if (!this.#moved(schema, key)) put(out, key, value);
          break;
        case 'contains':
        case 'minContains':
        case 'maxContains':
          if (!containsMoved) put(out, key, value);
          break;
        case 'properties':
        case 'dependentSchemas':
        case 'dependencies':
        case '$defs':
        case 'definitions':
          put(out, key, isSchemaObject(value) ? mapValues(value, (sub) => this.#strip(sub)) : value);
          break;
        case 'items':
        case 'prefixItems':
        case 'additionalItems':
        case 'allOf':
        case 'if':
        case 'then':
        case 'else':
        case 'unevaluatedItems':
        case 'unevaluatedProperties':
        case 'contentSchema':
          put(out, key, Array.isArray(value) ? value.map((sub) => this.#strip(sub)) : this.#strip(value));
          break;
        default:
          put(out, key, value);
      }
    }
    this.#stripped.set(schema, out);
    return out;
  }

  /** The pattern keywords (and what moved with them) of `schema`, where zod would apply them. */
  #overlay(schema: unknown, value: unknown, path: PropertyKey[], problems: Problem[], asKey = false): void {
    if (!this.#reachesPattern(schema)) return;
    const ref = schema['$ref'];
    if (typeof ref === 'string' && ref !== '') {
      // zod builds a $ref's target in place of the keywords beside it.
      this.#overlay(resolveRef(ref, this.#root, this.#definitions), value, path, problems);
    } else if (schema['not'] === undefined && schema['enum'] === undefined && schema['const'] === undefined) {
      const types = Array.isArray(schema['type']) ? (schema['type'] as unknown[]) : [asKey && schema['type'] === undefined ? 'string' : schema['type']];
      const pattern = schema['pattern'];
      if (typeof value === 'string') {
        if (types.includes('string') && typeof pattern === 'string' && pattern !== '' && !this.#test(pattern, value, path, problems)) {
          problems.push({ path, message: `Invalid string: must match pattern /${pattern}/` });
        }
      } else if (Array.isArray(value)) {
        if (types.includes('array')) this.#array(schema, value, path, problems);
      } else if (isSchemaObject(value)) {
        if (types.includes('object')) this.#object(schema, value, path, problems);
      }
    }
    if (this.#moved(schema, 'anyOf')) {
      const matches = (schema['anyOf'] as unknown[]).some((branch) => this.#full(branch)(value).length === 0);
      if (!matches) problems.push({ path, message: 'Invalid input: matches none of the anyOf schemas' });
    }
    if (this.#moved(schema, 'oneOf')) {
      let matches = 0;
      for (const branch of schema['oneOf'] as unknown[]) if (this.#full(branch)(value).length === 0 && ++matches > 1) break;
      if (matches === 0) problems.push({ path, message: 'Invalid input: matches none of the oneOf schemas' });
      if (matches > 1) problems.push({ path, message: 'Invalid input: more than one option matched' });
    }
    const allOf = schema['allOf'];
    if (Array.isArray(allOf)) for (const member of allOf) this.#overlay(member, value, path, problems);
  }

  #object(schema: SchemaObject, value: SchemaObject, path: PropertyKey[], problems: Problem[]): void {
    const properties = isSchemaObject(schema['properties']) ? schema['properties'] : {};
    for (const [key, sub] of Object.entries(properties)) if (Object.hasOwn(value, key)) this.#overlay(sub, value[key], [...path, key], problems);
    const additional = schema['additionalProperties'];
    const patternProperties = schema['patternProperties'];
    if (isSchemaObject(patternProperties)) {
      const unmatched: string[] = [];
      for (const key of Object.keys(value)) {
        let matched = false;
        for (const [source, sub] of Object.entries(patternProperties)) {
          if (!this.#test(source, key, [...path, key], problems)) continue;
          matched = true;
          for (const problem of this.#full(sub)(value[key])) problems.push({ path: [...path, key, ...problem.path], message: problem.message });
        }
        if (!matched && !Object.hasOwn(properties, key)) unmatched.push(key);
      }
      if (additional === false && unmatched.length > 0) {
        problems.push({ path, message: `Unrecognized key${unmatched.length === 1 ? '' : 's'}: ${unmatched.map((key) => JSON.stringify(key)).join(', ')}` });
      } else if (isSchemaObject(additional)) {
        for (const key of unmatched) for (const problem of this.#full(additional)(value[key])) problems.push({ path: [...path, key, ...problem.path], message: problem.message });
      }
    } else if (isSchemaObject(additional)) {
      for (const key of Object.keys(value)) if (!Object.hasOwn(properties, key)) this.#overlay(additional, value[key], [...path, key], problems);
    }
    if (this.#moved(schema, 'propertyNames')) {
      const check = this.#full(schema['propertyNames'], true);
      for (const key of Object.getOwnPropertyNames(value)) {
        const wrong = check(key);
        if (wrong.length > 0) problems.push({ path: [...path, key], message: `Invalid key: ${wrong.map((problem) => problem.message).join('; ')}` });
      }
    }
  }

  #array(schema: SchemaObject, value: unknown[], path: PropertyKey[], problems: Problem[]): void {
    const items = schema['items'];
    const positional = Array.isArray(schema['prefixItems']) ? (schema['prefixItems'] as unknown[]) : Array.isArray(items) ? items : undefined;
    const rest = positional === undefined ? items : Array.isArray(schema['prefixItems']) ? (Array.isArray(items) ? undefined : items) : schema['additionalItems'];
    value.forEach((item, index) => {
      const sub = positional !== undefined && index < positional.length ? positional[index] : rest;
      this.#overlay(sub, item, [...path, index], problems);
    });
    if (this.#moved(schema, 'contains')) {
      // As zod's guard: at least minContains (default 1), at most maxContains, counting stops one past it.
      const check = this.#full(schema['contains']);
      const least = typeof schema['minContains'] === 'number' ? schema['minContains'] : 1;
      const most = typeof schema['maxContains'] === 'number' ? schema['maxContains'] : undefined;
      let matches = 0;
      for (const item of value) if (check(item).length === 0 && ++matches > (most ?? Number.POSITIVE_INFINITY)) break;
      if (matches < least) problems.push({ path, message: `Array must contain at least ${least} matching ${elements(least)}; found ${matches}` });
      if (most !== undefined && matches > most) problems.push({ path, message: `Array must contain at most ${most} matching ${elements(most)}` });
    }
  }

  #test(source: string, subject: string, path: PropertyKey[], problems: Problem[]): boolean {
    if (subject.length > MAX_PATTERN_SUBJECT_LENGTH) {
      problems.push({ path, message: `Too long to check against pattern /${source}/: at most ${MAX_PATTERN_SUBJECT_LENGTH} characters` });
      return false;
    }
    return this.#patterns.get(source)!.test(subject);
  }
}

function zodCheck(schema: z.ZodType): Check {
  return (value) => {
    // jitless: zod otherwise generates and compiles a function per object schema on its first
    // parse, which for a 64 KB schema of 1,300 properties took the loop 100 ms (jitless: 15 ms).
    const checked = schema.safeParse(value, { jitless: true });
    return checked.success ? [] : checked.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  };
}

/** The check as a zod schema; a value nested deeper than the stack is a problem, not a crash. */
function guarded(check: Check): z.ZodType {
  return z.unknown().superRefine((value, context) => {
    let problems: Problem[];
    try {
      problems = check(value);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      problems = [{ path: [], message: 'Invalid input: nested too deeply to check' }];
    }
    for (const problem of problems) context.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });
}

function elements(count: number): string {
  return count === 1 ? 'element' : 'elements';
}

/** Sets an own property even for `__proto__`, which plain assignment would take as the prototype. */
function put(target: SchemaObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mapValues(source: SchemaObject, map: (value: unknown) => unknown): SchemaObject {
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(source)) put(out, key, map(value));
  return out;
}
