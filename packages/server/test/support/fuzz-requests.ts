import fc from 'fast-check';
import type { RawRequest } from './raw-http.ts';

/**
 * Hostile requests for every operation of Steward's OpenAPI document, for the fuzz test
 * (test/e2e/api-fuzz.test.ts). A case is a valid request for an operation, then at most one
 * harmless change (noise, a foreign key, …) and one defect that by itself must make the server
 * refuse the request (4xx): a wrong-typed field, a bad id, a bad key, a malformed body or path,
 * header abuse. Requests that change state (POST, DELETE) always carry such a defect, so no case
 * may change what the server stores.
 */

type Json = Record<string, any>;

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. `/v1/sessions/{session_id}/files/{name}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Json; required: boolean }>;
  headers: Array<{ name: string; schema: Json }>;
  body: { kind: 'json'; schema: Json } | { kind: 'bytes' } | undefined;
}

/** What the generator knows about the server under test. */
export interface FuzzWorld {
  ownerKey: string;
  /** A valid key of another tenant. */
  foreignKey: string;
  revokedKey: string;
  /** The owner's sessions; the first holds `fileName`. */
  sessions: string[];
  /** Sessions of the other tenant. */
  foreignSessions: string[];
  fileName: string;
  /** Largest upload the server keeps (STEWARD_MAX_FILE_MB). */
  maxUploadBytes: number;
  /** Largest JSON body (the app's bodyLimit). */
  bodyLimitBytes: number;
}

export interface FuzzCase {
  operation: Operation;
  /** The changes made to the valid request, in order; the last refusing one is why it must fail. */
  changes: string[];
  /** A refusing defect was applied: the answer must be 4xx. */
  mustRefuse: boolean;
  request: RawRequest;
}

interface Draft {
  method: string;
  /** Path segments as sent (already percent-encoded, or raw bytes). */
  segments: Array<string | Buffer>;
  /** Query pairs as sent (already percent-encoded). */
  query: Array<[string, string]>;
  headers: Array<[string, string | Buffer]>;
  auth: string | Buffer | null;
  /** Sent twice: a second Authorization header after the first. */
  secondAuth?: string;
  contentType?: string;
  body?: Buffer;
  omitHost?: boolean;
  chunked?: boolean;
}

type Mutation = (draft: Draft) => void;

interface Change {
  name: string;
  /** By itself makes the server refuse the request (4xx). */
  refuses: boolean;
  /** Relative frequency; heavy changes (a 1 MiB body) are rarer. */
  weight: number;
  mutation: fc.Arbitrary<Mutation>;
}

const READ_ONLY = new Set(['GET', 'HEAD']);
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'SEARCH', 'PURGE', 'CONNECT'];
/** Headers noise never sets: they decide framing, identity or the body's parser. */
const SIGNIFICANT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'authorization', 'content-type', 'expect', 'upgrade', 'last-event-id', 'te', 'trailer']);

/** Every path + method of the OpenAPI document. */
export function operationsFrom(doc: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<Json>(doc['paths'])) {
    for (const [method, spec] of Object.entries<Json>(methods)) {
      const parameters = (spec['parameters'] ?? []) as Json[];
      const content = (spec['requestBody']?.['content'] ?? {}) as Json;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p['in'] === 'path').map((p) => p['name'] as string),
        query: parameters.filter((p) => p['in'] === 'query').map((p) => ({ name: p['name'], schema: p['schema'] ?? {}, required: p['required'] === true })),
        headers: parameters.filter((p) => p['in'] === 'header').map((p) => ({ name: p['name'], schema: p['schema'] ?? {} })),
        body: content['application/json'] ? { kind: 'json', schema: content['application/json']['schema'] } : content['application/octet-stream'] ? { kind: 'bytes' } : undefined,
      });
    }
  }
  return operations;
}

/** Allowed methods per path template (HEAD wherever GET is, as Fastify exposes it). */
function allowedMethods(operations: Operation[]): Map<string, Set<string>> {
  const byPath = new Map<string, Set<string>>();
  for (const op of operations) {
    const set = byPath.get(op.path) ?? new Set<string>();
    set.add(op.method);
    if (op.method === 'GET') set.add('HEAD');
    byPath.set(op.path, set);
  }
  return byPath;
}

/** Cases over all operations, each operation equally likely. */
export function fuzzCases(operations: Operation[], world: FuzzWorld): fc.Arbitrary<FuzzCase> {
  const allowed = allowedMethods(operations);
  return fc.constantFrom(...operations).chain((op) => caseFor(op, world, allowed.get(op.path) ?? new Set()));
}

function caseFor(op: Operation, world: FuzzWorld, allowed: Set<string>): fc.Arbitrary<FuzzCase> {
  const changes = changesFor(op, world, allowed);
  const refusing = changes.filter((c) => c.refuses);
  const harmless = changes.filter((c) => !c.refuses);
  const pick = (list: Change[]): fc.Arbitrary<Change> => fc.oneof(...list.map((c) => ({ arbitrary: fc.constant(c), weight: c.weight })));
  // A request that could change state always carries a refusing defect; a read may go as is.
  const defect = READ_ONLY.has(op.method) ? fc.option(pick(refusing), { freq: 5 }) : pick(refusing);
  const extra = harmless.length === 0 ? fc.constant(null) : fc.option(pick(harmless), { freq: 2 });
  return fc
    .record({ base: baseDraft(op, world), extra, defect, noise: fc.array(noise(op), { maxLength: 3 }) })
    .chain(({ base, extra, defect, noise: noiseMutations }) => {
      // Harmless first, the refusing defect last, so that nothing undoes it.
      const chosen = [extra, defect].filter((c): c is Change => c !== null);
      const mutations = chosen.length === 0 ? fc.constant([] as Mutation[]) : fc.tuple(...chosen.map((c) => c.mutation));
      return mutations.map((applied) => {
        const draft = cloneDraft(base);
        for (const mutate of noiseMutations) mutate(draft);
        for (const mutate of applied) mutate(draft);
        return { operation: op, changes: chosen.map((c) => c.name), mustRefuse: defect !== null, request: encodeDraft(draft) };
      });
    });
}

// ---------------------------------------------------------------------------------------------
// The valid request

function baseDraft(op: Operation, world: FuzzWorld): fc.Arbitrary<Draft> {
  // An operation on a file uses the session that has one.
  const session = op.pathParams.includes('name') ? fc.constant(world.sessions[0]!) : fc.constantFrom(...world.sessions);
  const query = fc.tuple(
    ...op.query.map((param) => {
      const value = validQueryValue(param.name, param.schema);
      return param.required ? value.map((v) => [[param.name, encodeURIComponent(v)]] as Array<[string, string]>) : fc.option(value.map((v) => [[param.name, encodeURIComponent(v)]] as Array<[string, string]>), { nil: [] as Array<[string, string]> });
    }),
  );
  const body: fc.Arbitrary<Buffer | undefined> =
    op.body?.kind === 'json' ? validJson(op.body.schema).map((v) => Buffer.from(JSON.stringify(v))) : op.body?.kind === 'bytes' ? fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)) : fc.constant(undefined);
  return fc.record({ session, query, body }).map(({ session: id, query: pairs, body: bytes }) => ({
    method: op.method,
    segments: fillPath(op.path, { session_id: id, name: encodeURIComponent(world.fileName) }),
    query: pairs.flat(),
    headers: [],
    auth: `Bearer ${world.ownerKey}`,
    ...(op.body?.kind === 'json' ? { contentType: 'application/json' } : op.body?.kind === 'bytes' ? { contentType: 'application/octet-stream' } : {}),
    ...(bytes === undefined ? {} : { body: bytes }),
  }));
}

function fillPath(template: string, values: Record<string, string>): string[] {
  return template
    .split('/')
    .slice(1)
    .map((segment) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      return name === undefined ? segment : (values[name] ?? 'x');
    });
}

function validQueryValue(name: string, schema: Json): fc.Arbitrary<string> {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as string[]));
  if (typeOf(schema).includes('boolean')) return fc.constantFrom('true', 'false', 'True', '1', '0', 'no');
  if (schema['pattern'] === '^[0-9]+$') return fc.nat({ max: 50 }).map(String);
  if (name === 'event_types') return fc.subarray(['step', 'thought', 'question', 'done', 'error', 'log', 'paused', 'resumed', 'heartbeat'], { minLength: 1 }).map((l) => l.join(','));
  if ((schema['minLength'] ?? 0) > 0) return fc.constantFrom('fuzz.txt', 'report (1).csv', 'données.json');
  return fc.constant('');
}

/** A value the schema accepts (required properties only: fewer chances to trigger real work). */
function validJson(schema: Json): fc.Arbitrary<unknown> {
  const variants = (schema['oneOf'] ?? schema['anyOf']) as Json[] | undefined;
  if (variants) return fc.constantFrom(...variants).chain(validJson);
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const type = typeOf(schema)[0];
  switch (type) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, Json>;
      const required = (schema['required'] ?? []) as string[];
      return fc.record(Object.fromEntries(required.map((name) => [name, validJson(properties[name] ?? {})])));
    }
    case 'string':
      return fc.constant('x'.repeat(Math.max(1, schema['minLength'] ?? 1)));
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.ceil(schema['minimum'] ?? 0), max: Math.floor(Math.min(schema['maximum'] ?? 100, 100)) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.constant([]);
    default:
      return fc.constant('x');
  }
}

function typeOf(schema: Json): string[] {
  const type = schema['type'];
  if (Array.isArray(type)) return type as string[];
  if (typeof type === 'string') return [type];
  if ('const' in schema || Array.isArray(schema['enum'])) return [typeof (schema['const'] ?? (schema['enum'] as unknown[])[0])];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Defects

/** Values of a JSON type the schema does not allow, or out of its bounds. */
function wrongJson(schema: Json): fc.Arbitrary<unknown> {
  const variants = (schema['oneOf'] ?? schema['anyOf']) as Json[] | undefined;
  if (variants) return fc.constantFrom(null, 17, 'not-a-variant', []);
  const types = typeOf(schema);
  const matches = (value: unknown): boolean =>
    types.some((t) =>
      t === 'integer' ? Number.isInteger(value) : t === 'number' ? typeof value === 'number' : t === 'array' ? Array.isArray(value) : t === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value) : t === 'null' ? value === null : typeof value === t,
    );
  const anyType = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.string({ maxLength: 8 }),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
  );
  const options: Array<fc.Arbitrary<unknown>> = [anyType.filter((v) => !matches(v))];
  // Not just any other string: it could be a sibling variant's tag (`click` → `move`).
  if ('const' in schema) options.push(fc.constantFrom('NOPE', '', ' ', 'x'.repeat(60), `${String(schema['const'])} `));
  if (Array.isArray(schema['enum'])) options.push(fc.string({ maxLength: 12 }).filter((s) => !(schema['enum'] as unknown[]).includes(s)));
  if (typeof schema['maxLength'] === 'number') options.push(fc.integer({ min: 1, max: 50 }).map((n) => 'y'.repeat(schema['maxLength'] + n)));
  if ((schema['minLength'] ?? 0) > 0) options.push(fc.constant(''));
  if (types.includes('integer')) options.push(fc.constantFrom(0.5, 1.25, -3.5));
  if (typeof schema['minimum'] === 'number') options.push(fc.integer({ min: 1, max: 1e6 }).map((n) => schema['minimum'] - n));
  if (typeof schema['maximum'] === 'number') options.push(fc.integer({ min: 1, max: 1e6 }).map((n) => schema['maximum'] + n));
  if (typeof schema['maxItems'] === 'number') options.push(fc.constant(Array.from({ length: schema['maxItems'] + 1 }, () => 'a.example')));
  if (types.includes('array') && schema['items']) options.push(wrongJson(schema['items']).map((item) => [item]));
  return fc.oneof(...options);
}

const BAD_INTEGERS = ['0x10', '', '1e3', '-1', '1.5', '+3', ' 5', '5 ', '١٢', '99999999999999999999', 'Infinity', 'NaN', 'abc', '0b1', '1_000'];
const BAD_BOOLEANS = ['maybe', '2', '', 'truee', 'on', 'off', 'null', '[]'];

function wrongQueryValue(name: string, schema: Json): fc.Arbitrary<string> | undefined {
  if (Array.isArray(schema['enum'])) return fc.string({ maxLength: 12 }).filter((s) => !(schema['enum'] as string[]).includes(s));
  if (typeOf(schema).includes('boolean')) return fc.constantFrom(...BAD_BOOLEANS);
  if (schema['pattern'] === '^[0-9]+$') return fc.constantFrom(...BAD_INTEGERS);
  if (name === 'event_types') return fc.constantFrom('bogus', 'step,bogus', 'STEP', 'done;error', 'step, ,bogus');
  if (typeof schema['maxLength'] === 'number') return fc.integer({ min: 1, max: 300 }).map((n) => 'q'.repeat(schema['maxLength'] + n));
  if ((schema['minLength'] ?? 0) > 0) return fc.constant('');
  return undefined;
}

/** Ids that name no session of the owner: unknown, another tenant's, too long, odd characters. */
function unknownIds(world: FuzzWorld): fc.Arbitrary<string> {
  return fc.oneof(
    fc.uuid(),
    fc.constantFrom(...world.foreignSessions),
    fc.integer({ min: 101, max: 6000 }).map((n) => 'a'.repeat(n)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
    fc.constantFrom('..', '.', 'a%2Fb', '%00', '%2e%2e', 'null', 'undefined', '0', '-1', "'%20OR%201=1--", '%C3%A9', encodeURIComponent('😀'), `${world.sessions[0]!.toUpperCase()}`, `${world.sessions[0]!}x`),
  );
}

/** Percent-encodings that are not UTF-8: the router refuses the path (400). */
const BAD_ENCODINGS = ['%ff', '%fe%ff', '%c3%28', '%zz', '%', 'a%', '%e2%82', '%ed%a0%80', '%c0%af', '%f8%88%80%80%80'];

function changesFor(op: Operation, world: FuzzWorld, allowed: Set<string>): Change[] {
  const list: Change[] = [];
  const add = (name: string, refuses: boolean, weight: number, mutation: fc.Arbitrary<Mutation>): void => {
    list.push({ name, refuses, weight, mutation });
  };
  const sessionIndex = op.path.split('/').slice(1).indexOf('{session_id}');
  const nameIndex = op.path.split('/').slice(1).indexOf('{name}');
  // DELETE of an unknown session is 200 `deleted: false` (spec §1.4): a no-op, not a refusal.
  const unknownSessionRefused = !(op.method === 'DELETE' && op.path === '/v1/sessions/{session_id}');
  const parsesBody = !READ_ONLY.has(op.method) && op.body?.kind !== 'bytes';

  add(
    'bad key',
    true,
    4,
    fc
      .oneof(
        fc.constant(null),
        fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${world.revokedKey}`, `Bearer ${world.ownerKey.slice(0, -3)}AAA`, `Bearer ${world.ownerKey} extra`, `Token ${world.ownerKey}`, `Bearer stw_${'0'.repeat(32)}_x`, 'Bearer \t'),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
        fc.integer({ min: 1_000, max: 8_000 }).map((n) => `Bearer ${'k'.repeat(n)}`),
        fc.uint8Array({ minLength: 1, maxLength: 20 }).map((b) => Buffer.concat([Buffer.from('Bearer '), Buffer.from(b.map((x) => (x < 0x80 ? x | 0x80 : x)))])),
      )
      .map((auth) => (d: Draft) => {
        d.auth = auth;
      }),
  );
  add(
    'bad key first, the good one second',
    true,
    1,
    fc.constant((d: Draft) => {
      d.auth = 'Bearer nope';
      d.secondAuth = `Bearer ${world.ownerKey}`;
    }),
  );
  add(
    'wrong method',
    true,
    3,
    fc.constantFrom(...METHODS.filter((m) => !allowed.has(m))).map((method) => (d: Draft) => {
      d.method = method;
    }),
  );
  add(
    'unknown path',
    true,
    2,
    fc.constantFrom('v0', 'V1', 'v1.0', 'api', 'v2', 'v1;x').map((prefix) => (d: Draft) => {
      d.segments[0] = prefix;
    }),
  );
  add(
    'path not UTF-8',
    true,
    2,
    fc.tuple(fc.constantFrom(...BAD_ENCODINGS), fc.boolean()).map(([junk, raw]) => (d: Draft) => {
      d.segments[1] = raw ? Buffer.concat([Buffer.from(String(d.segments[1] ?? '')), Buffer.from([0xff, 0xfe])]) : `${String(d.segments[1] ?? '')}${junk}`;
    }),
  );
  add(
    'header over 16 KiB',
    true,
    1,
    fc.tuple(fc.integer({ min: 17_000, max: 40_000 }), fc.boolean()).map(([size, many]) => (d: Draft) => {
      if (many) for (let i = 0; i < Math.ceil(size / 4000); i++) d.headers.push([`X-Fuzz-${i}`, 'h'.repeat(4000)]);
      else d.headers.push(['X-Fuzz', 'h'.repeat(size)]);
    }),
  );
  add(
    'malformed header',
    true,
    2,
    fc.oneof(
      fc.tuple(fc.constantFrom('Bad Name', 'a(b', 'x@y', 'q"uote', '', 'tab\there', 'nul\0x', 'é'), fc.constant('1')),
      fc.tuple(fc.constant('X-Ctl'), fc.constantFrom(0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f).map((c) => `a${String.fromCharCode(c)}b`)),
    ).map(([name, value]) => (d: Draft) => {
      d.headers.push([name, value]);
    }),
  );
  add(
    'no Host',
    true,
    1,
    fc.constant((d: Draft) => {
      d.omitHost = true;
    }),
  );
  // A read may answer before it reaches the broken framing (it never reads the body).
  add(
    'broken chunked body',
    !READ_ONLY.has(op.method),
    1,
    fc.constantFrom('zz\r\n\r\n', '-1\r\nx\r\n0\r\n\r\n', 'fffffffffffffffff\r\n\r\n', '1\r\nab\r\n0\r\n\r\n', '2;' + 'e'.repeat(20_000) + '\r\nab\r\n0\r\n\r\n').map((framing) => (d: Draft) => {
      d.chunked = true;
      d.contentType ??= 'application/json';
      d.body = Buffer.from(framing);
    }),
  );

  if (sessionIndex >= 0) {
    add(
      'unknown session id',
      unknownSessionRefused,
      4,
      unknownIds(world).map((id) => (d: Draft) => {
        d.segments[sessionIndex] = id;
      }),
    );
    add(
      'session id not UTF-8',
      true,
      2,
      fc.constantFrom(...BAD_ENCODINGS).map((junk) => (d: Draft) => {
        d.segments[sessionIndex] = `${String(d.segments[sessionIndex])}${junk}`;
      }),
    );
    add(
      "another tenant's key",
      unknownSessionRefused,
      2,
      fc.constant((d: Draft) => {
        d.auth = `Bearer ${world.foreignKey}`;
      }),
    );
  }
  if (nameIndex >= 0) {
    add(
      'unknown file name',
      true,
      3,
      fc
        .oneof(
          fc.constantFrom('nope.txt', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '..', 'CON', 'a%5Cb', '%00', '.%2Fnotes.txt', `${encodeURIComponent(world.fileName)}%00.txt`, `${encodeURIComponent(world.fileName.toUpperCase())}`, ...BAD_ENCODINGS),
          fc.integer({ min: 256, max: 5000 }).map((n) => 'f'.repeat(n)),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => s !== world.fileName).map(encodeURIComponent),
        )
        .map((name) => (d: Draft) => {
          d.segments[nameIndex] = name;
        }),
    );
  }
  for (const param of op.query) {
    const wrong = wrongQueryValue(param.name, param.schema);
    if (wrong) {
      add(
        `bad query ${param.name}`,
        true,
        3,
        wrong.map((value) => (d: Draft) => {
          d.query = d.query.filter(([n]) => n !== param.name);
          d.query.push([param.name, encodeURIComponent(value)]);
        }),
      );
    }
    add(
      `query ${param.name} twice`,
      true,
      1,
      fc.tuple(validQueryValue(param.name, param.schema), validQueryValue(param.name, param.schema)).map(([a, b]) => (d: Draft) => {
        d.query = d.query.filter(([n]) => n !== param.name);
        d.query.push([param.name, encodeURIComponent(a)], [param.name, encodeURIComponent(b)]);
      }),
    );
  }
  for (const header of op.headers) {
    if (header.name.toLowerCase() === 'last-event-id') {
      add(
        'bad Last-Event-ID',
        true,
        3,
        fc.constantFrom(...BAD_INTEGERS.filter((v) => v.trim() === v && /^[\x20-\x7e]+$/.test(v)), '1, 2', '12abc').map((value) => (d: Draft) => {
          d.headers.push(['Last-Event-ID', value]);
        }),
      );
    }
  }
  if (op.body?.kind === 'json') {
    const schema = op.body.schema;
    add(
      'wrong-typed field',
      true,
      6,
      fieldDefect(schema).map((body) => (d: Draft) => {
        d.body = Buffer.from(JSON.stringify(body));
      }),
    );
    add(
      'body not an object',
      true,
      2,
      fc.constantFrom('[]', '[{}]', '1', '"text"', 'true', 'false', '-0.5').map((text) => (d: Draft) => {
        d.body = Buffer.from(text);
      }),
    );
  }
  if (parsesBody) {
    add(
      'body not JSON',
      true,
      2,
      fc.constantFrom('{', '{"a":}', "{'a':1}", '[1,]', 'NaN', '{"a":1}}', 'nul', '{"a":"\\x"}', '\u0000', '{"a":1,"a":', '<xml/>').map((text) => (d: Draft) => {
        d.body = Buffer.from(text);
        d.contentType ??= 'application/json';
      }),
    );
    add(
      'body not UTF-8',
      true,
      2,
      fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]).map((bytes) => (d: Draft) => {
        const text = d.body && d.body.length > 1 ? d.body.toString() : '{}';
        const [head, tail] = [text.slice(0, -1), text.slice(-1)];
        d.body = Buffer.concat([Buffer.from(`${head}${head.length > 1 ? ',' : ''}"fuzz":"`), Buffer.from(bytes), Buffer.from(`"${tail}`)]);
        d.contentType ??= 'application/json';
      }),
    );
    // Nested inside a field the operation has, so a body otherwise valid goes all the way down
    // (a record such as config_updates reached the store's JSON.stringify, and a 500).
    const fields = op.body?.kind === 'json' ? propertyNames(op.body.schema) : [];
    add(
      'body nested too deep',
      true,
      2,
      fc.tuple(fc.integer({ min: 65, max: 50_000 }), fc.constantFrom('fuzz', ...fields), fc.boolean()).map(([depth, field, objects]) => (d: Draft) => {
        const nested = objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const valid = parsedObject(d.body);
        d.body = Buffer.from(JSON.stringify({ ...valid, [field]: '\u0000DEEP' }).replace('"\\u0000DEEP"', nested));
        d.contentType ??= 'application/json';
      }),
    );
    add(
      'body over the limit',
      true,
      1,
      fc.integer({ min: 1, max: 4096 }).map((extra) => (d: Draft) => {
        d.body = Buffer.from(`{"fuzz":"${'z'.repeat(world.bodyLimitBytes + extra)}"}`);
        d.contentType ??= 'application/json';
      }),
    );
    add(
      'body of another media type',
      true,
      2,
      fc.constantFrom('text/html', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png', ';;', '', 'application', 'application/jsonx', '*/*').map((type) => (d: Draft) => {
        d.contentType = type;
        if (!d.body || d.body.length === 0) d.body = Buffer.from('{}');
      }),
    );
  }
  if (op.body?.kind === 'bytes') {
    add(
      'upload over the file cap',
      true,
      2,
      fc.integer({ min: 1, max: 20_000 }).map((extra) => (d: Draft) => {
        d.body = Buffer.alloc(world.maxUploadBytes + extra, 0x61);
      }),
    );
  }
  // A body on a read, or on a POST that takes none: ignored, or parsed and refused.
  if (!op.body) {
    add(
      'unexpected body',
      false,
      1,
      fc.jsonValue({ maxDepth: 3 }).map((value) => (d: Draft) => {
        d.body = Buffer.from(JSON.stringify(value) ?? 'null');
        d.contentType = 'application/json';
      }),
    );
  }
  return list;
}

/** Every property name of an object schema, or of any variant of a union. */
function propertyNames(schema: Json): string[] {
  const variants = (schema['oneOf'] ?? schema['anyOf']) as Json[] | undefined;
  if (variants) return [...new Set(variants.flatMap(propertyNames))];
  return Object.keys((schema['properties'] ?? {}) as Json);
}

/** The draft's JSON body when it is an object, else an empty one. */
function parsedObject(body: Buffer | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body?.toString() ?? '');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The valid body with one property given a wrong value (or, for a union, a broken variant). */
function fieldDefect(schema: Json): fc.Arbitrary<unknown> {
  const variants = (schema['oneOf'] ?? schema['anyOf']) as Json[] | undefined;
  if (variants) return fc.constantFrom(...variants).chain(fieldDefect);
  const properties = Object.entries((schema['properties'] ?? {}) as Record<string, Json>);
  if (properties.length === 0) return fc.constant([]);
  return fc
    .tuple(validJson(schema), fc.constantFrom(...properties))
    .chain(([valid, [name, propertySchema]]) => wrongJson(propertySchema).map((value) => ({ ...(valid as object), [name]: value })));
}

// ---------------------------------------------------------------------------------------------
// Noise: changes the answer may ignore

function noise(op: Operation): fc.Arbitrary<Mutation> {
  const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/).filter((n) => !SIGNIFICANT_HEADERS.has(n.toLowerCase()));
  const headerValue = fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '').trim()),
    fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b.map((x) => 0x80 | x))),
  );
  return fc.oneof(
    fc.tuple(headerName, headerValue).map(([name, value]) => (d: Draft) => {
      d.headers.push([name, value]);
    }),
    fc.constantFrom('text/event-stream', '*/*', 'application/json;q=0', 'text/html, */*;q=0.1', '\u00e9', 'a'.repeat(2000)).map((accept) => (d: Draft) => {
      d.headers.push(['Accept', accept]);
    }),
    fc.constantFrom('__proto__=1', 'constructor=x', 'a[b]=c', '%ff=%fe', '=', '&&', 'x', 'toString=1', 'hasOwnProperty=1').map((pair) => (d: Draft) => {
      const [name, value = ''] = pair.split('=');
      d.query.push([name ?? '', value]);
    }),
    fc.constantFrom('1', 'x', '').map((value) => (d: Draft) => {
      if (!op.headers.some((h) => h.name.toLowerCase() === 'last-event-id')) d.headers.push(['Last-Event-ID', value]);
    }),
    fc.constant((d: Draft) => {
      d.secondAuth = 'Bearer second-and-ignored';
    }),
    fc.constantFrom('text/plain', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'text/html').map((type) => (d: Draft) => {
      if (d.body === undefined) d.contentType = type;
    }),
    fc.constantFrom('1.2.3.4', 'unknown, ::1', '<script>').map((v) => (d: Draft) => {
      d.headers.push(['X-Forwarded-For', v]);
    }),
  );
}

// ---------------------------------------------------------------------------------------------

function cloneDraft(draft: Draft): Draft {
  return { ...draft, segments: [...draft.segments], query: draft.query.map(([n, v]) => [n, v]), headers: draft.headers.map(([n, v]) => [n, v]) };
}

function encodeDraft(d: Draft): RawRequest {
  const path = Buffer.concat(d.segments.flatMap((s) => [Buffer.from('/'), Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1')]));
  const query = d.query.length === 0 ? '' : `?${d.query.map(([n, v]) => (v === '' && !n.includes('=') ? `${n}=` : `${n}=${v}`)).join('&')}`;
  const headers: Array<[string, string | Buffer]> = [];
  if (d.auth !== null) headers.push(['Authorization', d.auth]);
  if (d.secondAuth !== undefined) headers.push(['Authorization', d.secondAuth]);
  if (d.contentType !== undefined) headers.push(['Content-Type', d.contentType]);
  if (d.chunked) headers.push(['Transfer-Encoding', 'chunked']);
  headers.push(...d.headers);
  return {
    method: d.method,
    target: Buffer.concat([path, Buffer.from(query, 'latin1')]),
    headers,
    ...(d.body === undefined ? {} : { body: d.body }),
    ...(d.omitHost ? { omitHost: true } : {}),
  };
}

/** A short description of a case for failure messages. */
export function describeCase(c: FuzzCase): string {
  const target = Buffer.isBuffer(c.request.target) ? c.request.target.toString('latin1') : c.request.target;
  const bytes = c.request.body === undefined ? undefined : Buffer.from(c.request.body);
  const body = bytes === undefined ? '' : ` body(${bytes.length} B)=${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}`;
  const headers = (c.request.headers ?? []).map(([n, v]) => `${n}: ${(Buffer.isBuffer(v) ? v.toString('latin1') : v).slice(0, 60)}`).join(' | ');
  return `${c.request.method} ${target.slice(0, 200)} [${c.changes.join(', ') || 'valid'}] {${headers.slice(0, 400)}}${body}`;
}
