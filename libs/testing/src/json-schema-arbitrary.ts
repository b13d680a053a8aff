import fc from 'fast-check';

// Generated cases from a JSON schema (the subset zod 4's `z.toJSONSchema` writes for the event
// contracts: objects, arrays, strings with pattern/format/length, numbers with minimum and
// multipleOf, integers, booleans, enums, const, anyOf/null). `validValue` builds values the
// schema accepts; `brokenVariants` breaks one thing at a time in such a value. Deriving both
// from the schema covers a new event or field without touching the tests.

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON schemas are plain JSON */
export type JsonSchema = Record<string, any>;

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

const CENTS_MAX = 1_000_000_000_000; // 10^10 in money: past anything the columns hold
const ARRAY_MAX = 4;
// `__proto__` as a key would set a prototype, not a field
const key = (maxLength: number, minLength = 0) =>
  fc.string({ minLength, maxLength }).filter((k) => k !== '__proto__');

/** The JSON types a schema admits (`number` admits integers). */
export function typesOf(schema: JsonSchema): JsonType[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  if (schema.const !== undefined) return [jsonTypeOf(schema.const)];
  if (schema.enum) return [...new Set<JsonType>(schema.enum.map(jsonTypeOf))];
  if (schema.type) return ([] as JsonType[]).concat(schema.type);
  return ['string', 'number', 'boolean', 'null', 'array', 'object'];
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function admits(types: JsonType[], value: unknown): boolean {
  const type = jsonTypeOf(value);
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') {
    const at = fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    const zone = fc.constantFrom('Z', '+00:00', '+05:30', '-08:00');
    return fc.tuple(at, zone).map(([date, z]) => date.toISOString().replace('Z', z));
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: schema.maxLength ?? 40 });
}

function numberArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -CENTS_MAX;
  if (schema.multipleOf === 0.01) {
    return fc.integer({ min: Math.ceil(min * 100), max: CENTS_MAX }).map((c) => c / 100);
  }
  if (schema.multipleOf !== undefined) throw new Error(`multipleOf ${schema.multipleOf}`);
  return fc.double({ min, max: schema.maximum ?? 1e12, noNaN: true, noDefaultInfinity: true });
}

/** Values the schema accepts. */
export function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(validValue));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'number':
      return numberArbitrary(schema);
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -(2 ** 31), -(2 ** 31)),
        max: Math.min(schema.maximum ?? 2 ** 31 - 1, 2 ** 31 - 1),
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, ARRAY_MAX),
      });
    case 'object':
      return objectArbitrary(schema);
  }
  return fc.jsonValue({ maxDepth: 2 });
}

function objectArbitrary(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  if (!schema.properties) {
    // a map (z.record): any JSON under string keys
    return fc.dictionary(key(12), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  }
  const properties = Object.fromEntries(
    Object.entries<JsonSchema>(schema.properties).map(([key, value]) => [key, validValue(value)]),
  );
  return fc.record(properties, { requiredKeys: schema.required ?? [] });
}

/** Any JSON value of a type the schema does not admit. */
export function wrongTypeValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  return fc
    .oneof(
      fc.string({ maxLength: 10 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      fc.dictionary(key(6), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    )
    .filter((value) => !admits(types, value));
}

/** A string the schema's pattern, format or enum refuses (undefined: every string fits). */
function offPatternString(schema: JsonSchema): fc.Arbitrary<string> | undefined {
  if (schema.enum) return fc.string().filter((s) => !schema.enum.includes(s));
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return fc.string({ maxLength: 40 }).filter((s) => !pattern.test(s));
  }
  return undefined;
}

export interface BrokenVariant {
  /** what was broken, where: `missing items[0].price`, `wrong type total`, ... */
  what: string;
  value: unknown;
}

type Path = Array<string | number>;

const show = (path: Path) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('') || '(root)';

function setAt(root: unknown, path: Path, change: (parent: any, key: string | number) => void) {
  const copy = structuredClone(root);
  let parent: any = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  change(parent, path[path.length - 1]);
  return copy;
}

/** The schema branch that a value of an anyOf took (the first that admits its type). */
function branchFor(schema: JsonSchema, value: unknown): JsonSchema {
  if (!schema.anyOf) return schema;
  return branchFor(schema.anyOf.find((s: JsonSchema) => admits(typesOf(s), value)) ?? {}, value);
}

/**
 * Every way of breaking `value` (valid for `schema`) in one place: each required field missing,
 * an unknown field (where additional ones are refused), each field of a wrong type, each
 * string outside its pattern/enum/length, each amount with a third decimal or negative, each
 * integer with a fraction, each array below its minimum length. Wrong values come from `g`.
 */
export function brokenVariants(schema: JsonSchema, value: unknown, g: fc.GeneratorValue) {
  const variants: BrokenVariant[] = [];
  const walk = (node: JsonSchema, at: unknown, path: Path) => {
    const s = branchFor(node, at);
    const replace = (what: string, next: unknown) =>
      variants.push({
        what: `${what} ${show(path)}`,
        value: path.length ? setAt(value, path, (p, k) => (p[k] = next)) : next,
      });
    if (path.length) replace('wrong type', g(wrongTypeValue, node));
    if (s.type === 'string') {
      const off = offPatternString(s);
      if (off)
        replace(
          'off-pattern',
          g(() => off),
        );
      if (s.minLength) replace('too short', 'x'.repeat(s.minLength - 1));
      if (s.maxLength !== undefined) replace('too long', 'x'.repeat(s.maxLength + 1));
    }
    if (s.type === 'number' && s.multipleOf === 0.01) {
      replace('three decimals', Math.trunc((at as number) * 100) / 100 + 0.005);
      if (s.minimum === 0) replace('negative', -((at as number) + 0.01));
    }
    if (s.type === 'integer') {
      replace('fraction', (at as number) + 0.5);
      if (s.minimum !== undefined) replace('below minimum', s.minimum - 1);
    }
    if (s.type === 'array' && Array.isArray(at)) {
      if (s.minItems) replace('too few items', (at as unknown[]).slice(0, s.minItems - 1));
      at.forEach((item, i) => walk(s.items ?? {}, item, [...path, i]));
    }
    if (s.type === 'object' && s.properties && at && typeof at === 'object') {
      const object = at as Record<string, unknown>;
      for (const key of s.required ?? []) {
        variants.push({
          what: `missing ${show([...path, key])}`,
          value: setAt(value, [...path, key], (p, k) => delete p[k]),
        });
      }
      if (s.additionalProperties === false) {
        const extra = g(() => key(12, 1).filter((k) => !Object.hasOwn(s.properties, k)));
        variants.push({
          what: `extra field ${JSON.stringify(extra)} in ${show(path)}`,
          value: setAt(value, [...path, extra], (p, k) => (p[k] = g(() => fc.jsonValue()))),
        });
      }
      for (const key of Object.keys(object)) walk(s.properties[key], object[key], [...path, key]);
    }
  };
  walk(schema, value, []);
  return variants;
}
