import { ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import {
  AddressDto,
  CreateOrderDto,
  CreateProductDto,
  ListProductsQueryDto,
  UpdateProductDto,
} from '@app/contracts';
import { FieldError } from '../errors/problem';
import { ValidationFailedException } from '../errors/validation-failed.exception';
import { UNSTORABLE_STRING_ERRORS_MAX, findUnstorableStrings } from './unstorable-strings';
import { createValidationPipe } from './validation-pipe';

const SEED = 9_2026;
const RUNS = 300;

// Strings PostgreSQL can store: any code point but NUL (surrogates only in pairs, as code points).
const storableChar = fc
  .oneof(fc.integer({ min: 1, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
  .map((cp) => String.fromCodePoint(cp));
const storableString = fc.string({ unit: storableChar, maxLength: 12 });
const storableValue = fc.jsonValue({ maxDepth: 4, stringUnit: storableChar });

// One bad piece: NUL, a high surrogate or a low surrogate. Inserted anywhere in a storable string,
// each leaves a NUL or an unpaired surrogate whatever its neighbours are.
const badPiece = fc.oneof(
  fc.constant('\u0000'),
  fc.integer({ min: 0xd800, max: 0xdbff }).map((u) => String.fromCharCode(u)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((u) => String.fromCharCode(u)),
);

function poison(text: string, piece: string, at: number): string {
  const position = at % (text.length + 1);
  return text.slice(0, position) + piece + text.slice(position);
}

// The field path as the problem writes it, computed independently of the implementation.
function escapeKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i += 1) {
    const unit = key.charCodeAt(i);
    const next = key.charCodeAt(i + 1);
    const previous = key.charCodeAt(i - 1);
    const paired =
      (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) ||
      (unit >= 0xdc00 && unit <= 0xdfff && previous >= 0xd800 && previous <= 0xdbff);
    const bad = unit === 0 || (unit >= 0xd800 && unit <= 0xdfff && !paired);
    out += bad ? `\\u${unit.toString(16).padStart(4, '0')}` : key[i];
  }
  return out;
}

type Spot = { path: string[]; kind: 'value' | 'key' };

/** Every string leaf and every object key of a JSON value, with its path. */
function spotsOf(value: unknown, path: string[] = []): Spot[] {
  if (typeof value === 'string') return [{ path, kind: 'value' }];
  if (Array.isArray(value))
    return value.flatMap((child, i) => spotsOf(child, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => [
      { path: [...path, key], kind: 'key' as const },
      ...spotsOf(child, [...path, key]),
    ]);
  }
  return [];
}

/** A copy of `value` with the bad piece put into the string or key at `spot`. */
function poisonAt(value: unknown, spot: Spot, piece: string, at: number): unknown {
  const [head, ...rest] = spot.path;
  if (head === undefined) return poison(value as string, piece, at);
  if (Array.isArray(value)) {
    return value.map((child, i) =>
      String(i) === head ? poisonAt(child, { ...spot, path: rest }, piece, at) : child,
    );
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, child]) => {
    if (key !== head) return [key, child];
    if (rest.length === 0 && spot.kind === 'key') return [poison(key, piece, at), child];
    return [key, poisonAt(child, { ...spot, path: rest }, piece, at)];
  });
  return Object.fromEntries(entries);
}

/** The poisoned spot's path in the problem (the key itself written with escapes). */
function expectedField(poisoned: unknown, spot: Spot, root: string): string {
  const segments: string[] = [];
  let current = poisoned;
  for (let depth = 0; depth < spot.path.length; depth += 1) {
    const wanted = spot.path[depth];
    const isPoisonedKey = spot.kind === 'key' && depth === spot.path.length - 1;
    if (isPoisonedKey) {
      const original = new Set(Object.keys(current as object));
      // the poisoned key is the one key that is not storable
      const key = [...original].find((k) => findUnstorableStrings(k).length > 0)!;
      segments.push(escapeKey(key));
      break;
    }
    segments.push(wanted);
    current = (current as Record<string, unknown>)[wanted];
  }
  // segments are joined with dots; an empty path so far (the root) adds no leading dot
  const joined = segments.reduce((path, segment) => (path ? `${path}.${segment}` : segment), root);
  return joined || 'body';
}

async function rejection(value: unknown, metadata: ArgumentMetadata): Promise<FieldError[]> {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedException);
    return (error as ValidationFailedException).fieldErrors;
  }
  throw new Error('the pipe accepted the value');
}

const body = (metatype?: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'body',
  metatype,
});

describe('global validation pipe: strings PostgreSQL cannot store (generated)', () => {
  it('accepts every storable value untouched (no DTO)', async () => {
    await fc.assert(
      fc.asyncProperty(storableValue, async (value) => {
        expect(findUnstorableStrings(value)).toEqual([]);
        await expect(createValidationPipe().transform(value, body())).resolves.toEqual(value);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('names the one poisoned string or key, at any depth and position, in a body', async () => {
    const poisonedCase = storableValue
      .filter((value) => spotsOf(value).length > 0)
      .chain((value) =>
        fc.record({
          value: fc.constant(value),
          spot: fc.constantFrom(...spotsOf(value)),
          piece: badPiece,
          at: fc.nat(),
        }),
      );
    await fc.assert(
      fc.asyncProperty(poisonedCase, async ({ value, spot, piece, at }) => {
        const poisoned = poisonAt(value, spot, piece, at);
        const errors = await rejection(poisoned, body());
        expect(errors).toHaveLength(1);
        expect(errors[0].field).toBe(expectedField(poisoned, spot, ''));
        expect(errors[0].message).toMatch(
          piece === '\u0000' ? /must not contain NUL characters/ : /no lone UTF-16 surrogates/,
        );
        // the problem itself carries only storable text
        expect(findUnstorableStrings(errors)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('checks queries and path parameters, naming the parameter', async () => {
    await fc.assert(
      fc.asyncProperty(storableString, badPiece, fc.nat(), async (text, piece, at) => {
        const bad = poison(text, piece, at);
        const param = await rejection(bad, { type: 'param', data: 'tracking_number' });
        expect(param.map((e) => e.field)).toEqual(['tracking_number']);
        const query = await rejection(
          { q: bad, limit: '5' },
          { type: 'query', metatype: ListProductsQueryDto },
        );
        expect(query.map((e) => e.field)).toEqual(['q']);
        const oneQuery = await rejection(bad, { type: 'query', data: 'q' });
        expect(oneQuery.map((e) => e.field)).toEqual(['q']);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('runs before the DTO, whatever the DTO says about the field (every string of every body)', async () => {
    const dtoFields: [new () => object, string][] = [
      CreateProductDto,
      CreateOrderDto,
      AddressDto,
    ].flatMap((dto) =>
      [
        ...new Set(
          getMetadataStorage()
            .getTargetValidationMetadatas(dto, '', true, false)
            .map((m) => m.propertyName),
        ),
      ].map((p) => [dto, p] as [new () => object, string]),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...dtoFields), badPiece, async ([dto, property], piece) => {
        const errors = await rejection({ [property]: `a${piece}b` }, body(dto));
        expect(errors.map((e) => e.field)).toEqual([property]);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('does not look at custom parameters (the token user, headers)', async () => {
    const value = { name: 'a\u0000' };
    await expect(createValidationPipe().transform(value, { type: 'custom' })).resolves.toBe(value);
  });

  it('walks a body nested far deeper than the stack would allow, and still names the field', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = { a: deep };
    const errors = findUnstorableStrings(deep);
    expect(errors).toHaveLength(1);
    expect(errors[0].field.split('.')).toHaveLength(100_000);
  });

  it(`reports at most ${UNSTORABLE_STRING_ERRORS_MAX} fields`, () => {
    const many = Array.from({ length: 500 }, (_, i) => `bad${i}\u0000`);
    const errors = findUnstorableStrings({ tags: many });
    expect(errors).toHaveLength(UNSTORABLE_STRING_ERRORS_MAX);
    expect(errors[0]).toEqual({
      field: 'tags.0',
      message: 'each value in tags must not contain NUL characters (\\u0000)',
    });
  });
});

describe('global validation pipe: null', () => {
  it('reports a null as "must not be null", also in a PATCH, also for fields optional on create', async () => {
    for (const field of ['name', 'description', 'price', 'stock_quantity', 'category']) {
      const errors = await rejection({ [field]: null }, body(UpdateProductDto));
      expect(errors).toEqual([{ field, message: `${field} must not be null` }]);
    }
  });

  it('still calls an unknown field sent as null unknown', async () => {
    const errors = await rejection({ name: 'Lamp', foo: null }, body(UpdateProductDto));
    expect(errors).toEqual([{ field: 'foo', message: 'property foo should not exist' }]);
  });

  it('names a null nested field by its path', async () => {
    const errors = await rejection(
      {
        user_id: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f',
        items: [{ product_id: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11', quantity: 1, price: null }],
        shipping_address: {
          street: 'Calle Mayor 1',
          city: null,
          postal_code: '28013',
          country: 'ES',
        },
      },
      body(CreateOrderDto),
    );
    expect(errors).toEqual([
      { field: 'items.0.price', message: 'price must not be null' },
      { field: 'shipping_address.city', message: 'city must not be null' },
    ]);
  });
});

describe('global validation pipe: what Fastify hands over', () => {
  it("walks a query object with fast-querystring's own null prototype", async () => {
    function Empty() {}
    Empty.prototype = Object.create(null);
    const query = new (Empty as unknown as new () => Record<string, string>)();
    query.q = 'lamp\u0000';
    const errors = await rejection(query, { type: 'query', metatype: ListProductsQueryDto });
    expect(errors.map((e) => e.field)).toEqual(['q']);
  });
});
