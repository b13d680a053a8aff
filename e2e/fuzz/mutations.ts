// The catalogue of bad inputs: for each operation, one mutation per (field or parameter, kind),
// each with a fast-check arbitrary for its value. The sweep sends every one of them once; the
// random phase combines a few of them (and fully random values) per request.
import fc from 'fast-check';
import type { Credential, Draft } from './baseline';
import { Field, Operation, Parameter, fieldsOf, pointerText, typeOf } from './openapi';
import { Encoded, FLAG, RawJson, nestedArrays, nestedObjects } from './wire';

export type Location = 'body' | 'query' | 'path' | 'header' | 'request' | 'auth';

export interface Mutation {
  location: Location;
  /** the field, parameter or header it changes ('' for the whole request) */
  target: string;
  kind: string;
  arb: fc.Arbitrary<unknown>;
  apply: (draft: Draft, value: unknown) => void;
  /** false: only the random phase draws it (fully random values) */
  sweep: boolean;
}

/** What every request body is allowed at most (BODY_LIMIT_BYTES' default); the fuzzer goes over. */
export const BODY_LIMIT_BYTES = 1_048_576;
export const DEEP = 5_000;
const UNKNOWN_FIELD = 'fuzz_unknown_field';

/** Numbers outside what a column or PostgreSQL takes, and numbers that are not numbers. */
const JSON_NUMBERS: Array<[string, unknown]> = [
  ['1e20', 1e20],
  ['-1', -1],
  ['-1e20', -1e20],
  ['2^31', 2 ** 31],
  ['2^53+1', new RawJson('9007199254740993')],
  ['99999999999999999999', new RawJson('99999999999999999999')],
  ['1e400', new RawJson('1e400')],
  ['0.5', 0.5],
  ["'NaN'", 'NaN'],
  ["'99999999999999999999'", '99999999999999999999'],
];
const TEXT_NUMBERS = [
  '1e20',
  '-1',
  '-1e20',
  '2147483648',
  '9007199254740993',
  '99999999999999999999',
  '0.5',
  'NaN',
  'Infinity',
  '-0',
];
const PATH_NUMBERS = ['-1', '0', '99999999999999999999', '1e20', 'NaN'];

// ---- JSON pointer helpers on a draft's body -------------------------------------------------

function parentOf(draft: Draft, pointer: Array<string | number>): Record<string, unknown> | null {
  if (typeof draft.body !== 'object' || draft.body === null) draft.body = {};
  let node = draft.body as Record<string | number, unknown>;
  for (const key of pointer.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || next instanceof RawJson) {
      node[key] = typeof pointer[pointer.indexOf(key) + 1] === 'number' ? [] : {};
    }
    node = node[key] as Record<string | number, unknown>;
  }
  return node as Record<string, unknown>;
}

function setAt(draft: Draft, pointer: Array<string | number>, value: unknown): void {
  draft.hasBody = true;
  if (pointer.length === 0) {
    draft.body = value;
    return;
  }
  parentOf(draft, pointer)![pointer[pointer.length - 1] as string] = value;
}

function getAt(draft: Draft, pointer: Array<string | number>): unknown {
  let node: unknown = draft.body;
  for (const key of pointer) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function deleteAt(draft: Draft, pointer: Array<string | number>): void {
  const parent = parentOf(draft, pointer)!;
  const key = pointer[pointer.length - 1];
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key as string];
}

/** Inserts `char` at a position chosen by the arbitrary, into whatever text was there. */
function insertInto(current: unknown, char: string, position: number): string {
  const text =
    typeof current === 'string'
      ? current
      : typeof current === 'number' || typeof current === 'boolean'
        ? String(current)
        : '';
  const at = position % (text.length + 1);
  return text.slice(0, at) + char + text.slice(at);
}

const UNICODE_INSERTS: Array<[string, string]> = [
  ['nul', '\u0000'],
  ['surrogate-high', '\ud800'],
  ['surrogate-low', '\udfff'],
];

// ---- arbitraries of wrong values ------------------------------------------------------------

function wrongScalar(type: string): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string({ maxLength: 12 }),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
  };
  const others = Object.entries(all)
    .filter(([name]) => name !== type && !(type === 'integer' && name === 'number'))
    .map(([, arb]) => arb);
  return fc.oneof(...others);
}

/** Empty containers: a non-empty one is often refused for its content before its type is checked. */
function wrongContainer(type: string): fc.Arbitrary<unknown> {
  if (type === 'object') return fc.constant([]);
  if (type === 'array') return fc.constant({});
  return fc.constantFrom({}, []);
}

const anyJson = fc.jsonValue({ maxDepth: 2 });
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

// ---- mutations per location -----------------------------------------------------------------

function bodyFieldMutations(field: Field): Mutation[] {
  const { pointer, schema } = field;
  const target = pointerText(pointer);
  const type = typeOf(schema);
  const list: Mutation[] = [];
  const add = (kind: string, arb: fc.Arbitrary<unknown>, sweep = true) =>
    list.push({
      location: 'body',
      target,
      kind,
      arb,
      sweep,
      apply: (draft, value) => setAt(draft, pointer, value),
    });

  add('null', fc.constant(null));
  if (field.required) {
    list.push({
      location: 'body',
      target,
      kind: 'missing',
      arb: fc.constant(undefined),
      sweep: true,
      apply: (draft) => deleteAt(draft, pointer),
    });
  }
  add('wrong-type', wrongScalar(type));
  add('wrong-container', wrongContainer(type));
  if (type === 'string' || schema.enum) {
    for (const [kind, char] of UNICODE_INSERTS) {
      list.push({
        location: 'body',
        target,
        kind,
        arb: fc.nat(),
        sweep: true,
        apply: (draft, position) =>
          setAt(draft, pointer, insertInto(getAt(draft, pointer), char, position as number)),
      });
    }
    add(
      'long-string',
      fc.constantFrom('x', 'é', '\u{1F600}').map((c) => c.repeat(10_000)),
    );
    if (schema.enum) add('not-in-enum', fc.constantFrom('fuzz', '', 'PAGADA', ' pagada'));
  }
  if (schema.format === 'uuid') add('unknown-id', fc.uuid({ version: 4 }));
  if (type === 'number' || type === 'integer') {
    for (const [label, value] of JSON_NUMBERS) add(`number:${label}`, fc.constant(value));
  }
  add('random', anyJson, false);
  add('random-text', anyText, false);
  // an unknown field inside a nested object (the root's is a request-level mutation)
  if (type === 'object') {
    list.push({
      location: 'body',
      target: `${target}.${UNKNOWN_FIELD}`,
      kind: 'extra-field',
      arb: anyJson,
      sweep: true,
      apply: (draft, value) => setAt(draft, [...pointer, UNKNOWN_FIELD], value),
    });
  }
  return list;
}

function setQuery(draft: Draft, name: string, values: Array<string | Encoded> | null): void {
  draft.query = draft.query.filter(([key]) => key !== name);
  for (const value of values ?? []) draft.query.push([name, value]);
}

function queryMutations(param: Parameter): Mutation[] {
  const list: Mutation[] = [];
  const type = typeOf(param.schema);
  const add = (kind: string, arb: fc.Arbitrary<Array<string | Encoded> | null>, sweep = true) =>
    list.push({
      location: 'query',
      target: param.name,
      kind,
      arb,
      sweep,
      apply: (draft, values) => setQuery(draft, param.name, values as Array<string | Encoded>),
    });
  if (param.required) add('missing', fc.constant(null));
  add('empty', fc.constant(['']));
  add('null', fc.constant(['null']));
  add('no-value', fc.constant([FLAG]));
  add(
    'wrong-type',
    type === 'number' || type === 'integer'
      ? fc.constantFrom(['abc'], ['true'], ['1,2'], ['0x10'])
      : param.schema.format === 'uuid'
        ? fc.constantFrom(['not-a-uuid'], ['12345'], ['00000000-0000-0000-0000-00000000000g'])
        : fc.constantFrom(['1'], ['true'], ['{}']),
  );
  add('repeated', fc.constant(['1', '2']));
  for (const [kind, char] of UNICODE_INSERTS) {
    add(
      kind,
      fc.nat().map((position) => [insertInto('abc', char, position)]),
    );
  }
  for (const number of TEXT_NUMBERS) add(`number:${number}`, fc.constant([number]));
  add('long', fc.constant(['q'.repeat(10_000)]));
  add('random', fc.array(anyText, { minLength: 1, maxLength: 2 }), false);
  // bracket syntax: some parsers build objects from it
  list.push({
    location: 'query',
    target: param.name,
    kind: 'bracket',
    arb: fc.constant(undefined),
    sweep: true,
    apply: (draft) => {
      setQuery(draft, param.name, null);
      draft.query.push([new Encoded(`${param.name}%5Ba%5D`), '1']);
    },
  });
  return list;
}

function pathMutations(param: Parameter): Mutation[] {
  const list: Mutation[] = [];
  const add = (kind: string, arb: fc.Arbitrary<string | Encoded>, sweep = true) =>
    list.push({
      location: 'path',
      target: param.name,
      kind,
      arb,
      sweep,
      apply: (draft, value) => {
        draft.pathParams[param.name] = value as string | Encoded;
      },
    });
  add(
    'wrong-type',
    fc.constantFrom('not-a-uuid', '12345', 'true', '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c1'),
  );
  for (const [kind, char] of UNICODE_INSERTS) {
    list.push({
      location: 'path',
      target: param.name,
      kind,
      arb: fc.nat(),
      sweep: true,
      apply: (draft, position) => {
        const current = draft.pathParams[param.name];
        draft.pathParams[param.name] = insertInto(
          current instanceof Encoded ? 'x' : current,
          char,
          position as number,
        );
      },
    });
  }
  add('null', fc.constantFrom('null', 'undefined'));
  // well-formed but naming nothing: the not-found paths of the business code
  add('unknown-id', fc.uuid({ version: 4 }));
  for (const number of PATH_NUMBERS) add(`number:${number}`, fc.constant(number));
  add('long-200', fc.constant('a'.repeat(200)));
  add('long-10000', fc.constant('b'.repeat(10_000)));
  add(
    'bad-percent',
    fc.constantFrom(new Encoded('%'), new Encoded('%zz'), new Encoded('%E0%A4%A')),
  );
  add('encoded-slash', fc.constantFrom(new Encoded('a%2Fb'), new Encoded('%2E%2E')));
  add(
    'random',
    anyText.filter((s) => s.length > 0),
    false,
  );
  return list;
}

function headerMutations(param: Parameter): Mutation[] {
  const name = param.name.toLowerCase();
  const add = (kind: string, arb: fc.Arbitrary<string>, sweep = true): Mutation => ({
    location: 'header',
    target: param.name,
    kind,
    arb,
    sweep,
    apply: (draft, value) => {
      draft.headers[name] = value as string;
    },
  });
  return [
    add('empty', fc.constant('')),
    add('long-200', fc.constant('k'.repeat(200))),
    add('long-10000', fc.constant('k'.repeat(10_000))),
    add('latin1', fc.constantFrom('clé-é', 'ÿÿÿ')),
    add('spaces', fc.constant('  a b  ')),
    add(
      'random',
      // what Node lets into a header value: visible ASCII and Latin-1, no DEL
      fc.string({
        unit: fc
          .integer({ min: 0x20, max: 0xfe })
          .map((c) => String.fromCharCode(c === 0x7f ? 0xff : c)),
      }),
      false,
    ),
  ];
}

/** Whole-body and content-type mutations, and a root-level unknown field. */
function requestMutations(op: Operation): Mutation[] {
  const list: Mutation[] = [];
  const add = (
    kind: string,
    apply: (draft: Draft, value: unknown) => void,
    arb = fc.constant<unknown>(0),
  ) => list.push({ location: 'request', target: '', kind, arb, sweep: true, apply });
  const raw = (kind: string, text: string | Buffer, contentType = 'application/json') =>
    add(kind, (draft) => {
      draft.rawBody = typeof text === 'string' ? Buffer.from(text) : text;
      draft.contentType = contentType;
    });

  add('valid', () => undefined);
  const takesBody = op.method !== 'GET' && op.method !== 'HEAD';
  if (op.body && typeOf(op.body) === 'object') {
    add('extra-field', (draft, value) => setAt(draft, [UNKNOWN_FIELD], value), anyJson);
  }
  if (op.body && typeOf(op.body) === 'object') {
    // validation messages name an unknown property: it must not come back at full length
    add(
      'extra-field-long-name',
      (draft, value) => setAt(draft, [value as string], 1),
      fc.constant('k'.repeat(300)),
    );
  }
  if (!op.body) {
    add(
      'unexpected-body',
      (draft, value) => {
        draft.hasBody = true;
        draft.body = value;
        draft.contentType = 'application/json';
      },
      anyJson,
    );
  }
  // over the body limit; a GET's body is not read, the others must refuse it (413)
  raw('body-oversized', `{"${UNKNOWN_FIELD}":"${'x'.repeat(BODY_LIMIT_BYTES + 1024)}"}`);
  raw('body-deep-arrays', nestedArrays(DEEP).text);
  raw('body-deep-objects', nestedObjects(DEEP).text);
  if (!takesBody) return list;

  raw('body-null', 'null');
  raw('body-array', '[]');
  raw('body-string', '"x"');
  raw('body-number', '1');
  raw('body-empty', '');
  raw('body-invalid-json', '{"a":');
  raw(
    'body-invalid-utf8',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  );
  raw('body-duplicate-keys', '{"a":1,"a":2}');
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=fuzz',
    'application/xml',
    'application/json; charset=utf-16',
  ]) {
    add(
      `content-type:${type.split(';')[0]}${type.includes('charset') ? ';charset' : ''}`,
      (draft) => {
        draft.contentType = type;
      },
    );
  }
  add('content-type:none', (draft) => {
    draft.contentType = null;
  });
  if (op.body) {
    const first = fieldsOf(op.body).find((f) => f.pointer.length === 1);
    if (first) {
      add(
        'deep-nesting-in-field',
        (draft, value) => setAt(draft, first.pointer, value),
        fc.constantFrom(nestedArrays(DEEP), nestedObjects(DEEP)),
      );
    }
  }
  return list;
}

function authMutations(op: Operation): Mutation[] {
  if (op.security.length === 0) return [];
  const kinds: Credential[] = ['none', 'garbage-bearer', 'expired-token', 'other'];
  if (op.security.includes('service-key')) kinds.push('wrong-key');
  return kinds.map((kind) => ({
    location: 'auth' as const,
    target: '',
    kind,
    arb: fc.constant(kind),
    sweep: true,
    apply: (draft: Draft) => {
      draft.credential = kind;
    },
  }));
}

/** Every mutation of an operation: the sweep's and the random phase's pool. */
export function mutationsOf(op: Operation): Mutation[] {
  const list: Mutation[] = [];
  list.push(...requestMutations(op), ...authMutations(op));
  for (const param of op.parameters) {
    if (param.in === 'path') list.push(...pathMutations(param));
    if (param.in === 'query') list.push(...queryMutations(param));
    if (param.in === 'header') list.push(...headerMutations(param));
  }
  if (op.parameters.some((p) => p.in === 'query') || op.method === 'GET') {
    list.push({
      location: 'query',
      target: 'k…',
      kind: 'unknown-param-long-name',
      arb: fc.constant('k'.repeat(300)),
      sweep: true,
      apply: (draft, name) => {
        draft.query.push([name as string, '1']);
      },
    });
    list.push({
      location: 'query',
      target: 'fuzz_unknown',
      kind: 'unknown-param',
      arb: fc.constant('1'),
      sweep: true,
      apply: (draft, value) => {
        draft.query.push(['fuzz_unknown', value as string]);
      },
    });
  }
  if (op.body) for (const field of fieldsOf(op.body)) list.push(...bodyFieldMutations(field));
  return list;
}
