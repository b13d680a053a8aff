import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { ValidationError, getMetadataStorage, validateSync } from 'class-validator';
import * as cart from '../cart';
import * as common from '../common';
import * as delivery from '../delivery';
import * as order from '../order';
import * as payment from '../payment';
import * as product from '../product';
import * as user from '../user';
import * as validation from '../validation';

// Rules every request DTO of the contracts keeps, checked on every DTO found in the class-validator
// metadata rather than on a hand-written list: a new DTO or field is covered without touching
// this file.
const MODULES = { cart, common, delivery, order, payment, product, user, validation };

/** Fields where `null` means something and is kept on purpose ("no address", as omitting it). */
const NULL_ALLOWED = new Set(['CheckoutDto.shipping_address', 'CreateOrderDto.shipping_address']);

/** What the columns can hold: int4 and numeric(12,2). */
const INT4_MAX = 2_147_483_647;
const NUMERIC_12_2_MAX = 9_999_999_999.99;

const SEED = 20260609;
const RUNS = 200;

type Dto = new () => object;

const storage = getMetadataStorage();
type ValidationMetadata = ReturnType<typeof storage.getTargetValidationMetadatas>[number];

function metadataOf(dto: Dto): ValidationMetadata[] {
  return storage.getTargetValidationMetadatas(dto, '', true, false);
}

function constraintName(meta: ValidationMetadata): string | undefined {
  if (meta.type !== 'customValidation') return undefined;
  return storage.getTargetValidatorConstraints(meta.constraintCls)[0]?.name;
}

const DTOS: [string, Dto][] = Object.values(MODULES)
  .flatMap((module) => Object.values(module))
  .filter(
    (value): value is Dto => typeof value === 'function' && metadataOf(value as Dto).length > 0,
  )
  .map((dto) => [dto.name, dto] as [string, Dto])
  .sort(([a], [b]) => a.localeCompare(b));

const isQuery = (name: string) => /Query/.test(name);

function propertiesOf(dto: Dto): string[] {
  return [...new Set(metadataOf(dto).map((m) => m.propertyName))]
    .filter((p) =>
      metadataOf(dto).some((m) => m.propertyName === p && m.type !== 'whitelistValidation'),
    )
    .sort();
}

function isOptional(dto: Dto, property: string): boolean {
  return metadataOf(dto).some(
    (m) => m.propertyName === property && m.type === 'conditionalValidation',
  );
}

interface NumericField {
  dto: Dto;
  dtoName: string;
  property: string;
  kind: 'integer' | 'money';
  min?: number;
  max?: number;
}

function numericFields(): NumericField[] {
  return DTOS.flatMap(([dtoName, dto]) =>
    propertiesOf(dto).flatMap((property) => {
      const metas = metadataOf(dto).filter((m) => m.propertyName === property);
      const names = metas.map(constraintName);
      const kind = names.includes('isInt')
        ? 'integer'
        : names.includes('isMoneyAmount')
          ? 'money'
          : undefined;
      if (!kind) return [];
      const bound = (name: string) =>
        metas.find((m) => constraintName(m) === name)?.constraints[0] as number | undefined;
      return [{ dto, dtoName, property, kind, min: bound('min'), max: bound('max') }];
    }),
  );
}

// The global ValidationPipe's options.
function errorsFor(dto: Dto, plain: object): ValidationError[] {
  return validateSync(plainToInstance(dto, plain), { whitelist: true, forbidNonWhitelisted: true });
}

function errorOn(dto: Dto, plain: object, property: string): ValidationError | undefined {
  return errorsFor(dto, plain).find((e) => e.property === property);
}

describe('request DTOs (every one found in the metadata)', () => {
  it('finds the DTOs of every module', () => {
    const names = DTOS.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'AddressDto',
        'CreateProductDto',
        'UpdateProductDto',
        'ListProductsQueryDto',
        'CreateOrderDto',
        'CreateOrderItemDto',
        'ProcessPaymentDto',
        'CardDto',
        'CreateDeliveryDto',
        'UpdateCartItemDto',
        'PageQueryDto',
      ]),
    );
  });

  describe('null is refused for every field, naming it', () => {
    const cases = DTOS.flatMap(([name, dto]) =>
      propertiesOf(dto)
        .filter((p) => !NULL_ALLOWED.has(`${name}.${p}`))
        .map((p) => [`${name}.${p}`, dto, p] as const),
    );
    it.each(cases)('%s', (_label, dto, property) => {
      const error = errorOn(dto, { [property]: null }, property);
      expect(error).toBeDefined();
    });

    it('keeps null for the fields where it means "no address"', () => {
      for (const field of NULL_ALLOWED) {
        const [name, property] = field.split('.');
        const dto = DTOS.find(([n]) => n === name)?.[1];
        expect(dto).toBeDefined();
        expect(errorOn(dto!, { [property]: null }, property)).toBeUndefined();
      }
    });
  });

  describe('an optional field may still be left out', () => {
    const cases = DTOS.flatMap(([name, dto]) =>
      propertiesOf(dto)
        .filter((p) => isOptional(dto, p))
        .map((p) => [`${name}.${p}`, dto, p] as const),
    );
    it('has optional fields to check', () => expect(cases.length).toBeGreaterThan(10));
    it.each(cases)('%s', (_label, dto, property) => {
      expect(errorOn(dto, {}, property)).toBeUndefined();
    });
  });

  describe('a PATCH body refuses null for every field, also the ones its base leaves optional', () => {
    it.each(propertiesOf(product.UpdateProductDto))('UpdateProductDto.%s', (property) => {
      const error = errorOn(product.UpdateProductDto, { [property]: null }, property);
      expect(error).toBeDefined();
      expect(errorOn(product.UpdateProductDto, {}, property)).toBeUndefined();
    });
  });

  describe('a nested field takes only objects (generated non-objects, also inside arrays)', () => {
    const nested = DTOS.flatMap(([dtoName, dto]) =>
      propertiesOf(dto).flatMap((property) => {
        const metas = metadataOf(dto).filter((m) => m.propertyName === property);
        const rule = metas.find((m) => m.type === 'nestedValidation');
        return rule ? [[`${dtoName}.${property}`, dto, property, rule.each === true] as const] : [];
      }),
    );
    it('finds the nested fields', () => {
      expect(nested.map(([label]) => label)).toEqual(
        expect.arrayContaining([
          'CreateOrderDto.items',
          'ReserveStockDto.items',
          'CreateDeliveryDto.address',
          'ProcessPaymentDto.card',
        ]),
      );
    });
    const nonObject = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.boolean(),
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
    );
    it.each(nested)('%s', (_label, dto, property, each) => {
      fc.assert(
        fc.property(nonObject, (value) => {
          const sent = each ? [value] : value;
          expect(errorOn(dto, { [property]: sent }, property)).toBeDefined();
        }),
        { seed: SEED, numRuns: 50 },
      );
      if (!isOptional(dto, property)) expect(errorOn(dto, {}, property)).toBeDefined();
    });
  });

  describe('every number has a minimum and a maximum the column can hold', () => {
    const fields = numericFields();
    it('finds the numeric fields', () => {
      expect(fields.map((f) => `${f.dtoName}.${f.property}`)).toEqual(
        expect.arrayContaining([
          'PageQueryDto.offset',
          'PageQueryDto.limit',
          'CreateProductDto.price',
          'CreateProductDto.stock_quantity',
          'CardDto.exp_year',
          'ProcessPaymentDto.amount',
          'ListProductsQueryDto.min_price',
        ]),
      );
    });

    it.each(fields.map((f) => [`${f.dtoName}.${f.property}`, f] as const))('%s', (_label, f) => {
      expect(f.min).toEqual(expect.any(Number));
      expect(f.max).toEqual(expect.any(Number));
      const columnMax = f.kind === 'integer' ? INT4_MAX : NUMERIC_12_2_MAX;
      expect(f.max!).toBeLessThanOrEqual(columnMax);
      expect(f.min!).toBeGreaterThanOrEqual(-columnMax);
    });
  });

  describe('out-of-range and non-finite numbers are refused, naming the field (generated)', () => {
    const bodyFields = numericFields().filter((f) => !isQuery(f.dtoName));
    it.each(bodyFields.map((f) => [`${f.dtoName}.${f.property}`, f] as const))(
      '%s',
      (_label, f) => {
        const outOfRange = fc.oneof(
          fc.double({ min: f.max!, noNaN: true }).filter((v) => v > f.max!),
          fc.double({ max: f.min!, noNaN: true }).filter((v) => v < f.min!),
          fc.constantFrom(1e20, -1e20, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE),
        );
        fc.assert(
          fc.property(outOfRange, (value) => {
            expect(errorOn(f.dto, { [f.property]: value }, f.property)).toBeDefined();
          }),
          { seed: SEED, numRuns: RUNS },
        );
        // and every in-range value passes the number rules (other rules, e.g. expiry, may not)
        const scale = f.kind === 'money' ? 100 : 1;
        const inRange = fc
          .integer({ min: Math.ceil(f.min! * scale), max: Math.floor(f.max! * scale) })
          .map((n) => n / scale);
        fc.assert(
          fc.property(inRange, (value) => {
            const failed = Object.keys(
              errorOn(f.dto, { [f.property]: value }, f.property)?.constraints ?? {},
            );
            expect(
              failed.filter((c) => ['min', 'max', 'isInt', 'isMoneyAmount'].includes(c)),
            ).toEqual([]);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      },
    );
  });

  describe('query numbers are plain decimal notation within range (generated)', () => {
    const queryFields = numericFields().filter((f) => isQuery(f.dtoName));
    it('covers limit, offset and the price filters', () => {
      expect(queryFields.length).toBeGreaterThanOrEqual(4);
    });

    const decimal = (f: NumericField) => (f.kind === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/);

    it.each(queryFields.map((f) => [`${f.dtoName}.${f.property}`, f] as const))(
      '%s',
      (_label, f) => {
        const tooBig = fc
          .bigInt({ min: BigInt(Math.floor(f.max!)) + 1n, max: 10n ** 40n })
          .map(String);
        const tooSmall = fc
          .bigInt({ min: -(10n ** 40n), max: BigInt(Math.ceil(f.min!)) - 1n })
          .map(String);
        const notDecimal = fc.oneof(
          fc.constantFrom('1e20', '1e2', '0x10', ' 1', '1 ', '', '+1', '1_0', 'NaN', 'Infinity'),
          fc.constantFrom('0b1', '0o7', '١', '1.', '.5', '--1', '1,5', '99999999999999999999e0'),
          fc.string({ unit: 'binary-ascii', maxLength: 12 }).filter((s) => !decimal(f).test(s)),
        );
        fc.assert(
          fc.property(fc.oneof(tooBig, tooSmall, notDecimal), (raw) => {
            expect(errorOn(f.dto, { [f.property]: raw }, f.property)).toBeDefined();
          }),
          { seed: SEED, numRuns: RUNS },
        );
        const scale = f.kind === 'money' ? 100 : 1;
        const inRange = fc
          .integer({ min: Math.ceil(f.min! * scale), max: Math.floor(f.max! * scale) })
          .map((n) => (f.kind === 'money' ? (n / 100).toFixed(2) : String(n)));
        fc.assert(
          fc.property(inRange, (raw) => {
            expect(errorOn(f.dto, { [f.property]: raw }, f.property)).toBeUndefined();
            const parsed = plainToInstance(f.dto, { [f.property]: raw }) as Record<string, unknown>;
            expect(parsed[f.property]).toBe(Number(raw));
          }),
          { seed: SEED, numRuns: RUNS },
        );
      },
    );

    it('documents the offset maximum', () => {
      expect(common.PAGE_OFFSET_MAX).toBe(100_000);
      expect(errorOn(common.PageQueryDto, { offset: '100000' }, 'offset')).toBeUndefined();
      expect(errorOn(common.PageQueryDto, { offset: '100001' }, 'offset')).toBeDefined();
      expect(
        errorOn(common.PageQueryDto, { offset: '99999999999999999999' }, 'offset'),
      ).toBeDefined();
    });
  });
});
