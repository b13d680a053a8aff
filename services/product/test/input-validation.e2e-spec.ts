import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import request from 'supertest';
import { CreateProductDto, PAGE_OFFSET_MAX, UpdateProductDto } from '@app/contracts';
import { ProductTestApp, expectNoLeak, startProductTestApp } from './product-test-app';

const BASE = '/api/v1/products';
const MISSING = '00000000-0000-4000-8000-000000000000';
const SEED = 42_9;
const valid = { name: 'Desk lamp', price: 19.99, stock_quantity: 5, category: 'home' };

type Res = request.Response;

/** 400, problem+json, the field named in `errors`, and nothing of the server's insides. */
function expectFieldError(res: Res, field: string): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toBe('https://nest-commerce.dev/problems/validation-error');
  expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  expectNoLeak(res.body);
}

/** A JSON text sent as is: JSON.stringify would not keep a lone surrogate as an escape. */
const rawJson = (text: string) => text;

describe('product: bad input values are 400 naming the field (e2e, real PostgreSQL)', () => {
  let t: ProductTestApp;
  const http = () => request(t.app.getHttpServer());
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    t = await startProductTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('numbers beyond what the database takes', () => {
    it.each([
      ['offset', '1e20'],
      ['offset', '99999999999999999999'],
      ['offset', String(PAGE_OFFSET_MAX + 1)],
      ['offset', '0x10'],
      ['offset', ''],
      ['offset', '%201'],
      ['offset', '1&offset=2'],
      ['q', 'a&q=b'],
      ['limit', '1e1'],
      ['min_price', '1e20'],
      ['max_price', '99999999999999999999'],
      ['min_price', 'Infinity'],
    ])('GET /products?%s=%s', async (field, value) => {
      expectFieldError(await http().get(`${BASE}?${field}=${value}`), field);
    });

    it('accepts the documented maximum offset (an empty page)', async () => {
      const res = await http().get(`${BASE}?offset=${PAGE_OFFSET_MAX}`).expect(200);
      expect(res.body).toMatchObject({ items: [], offset: PAGE_OFFSET_MAX });
    });

    it('refuses stock and prices beyond their columns in a body', async () => {
      const huge = rawJson(
        '{"name":"x","price":19.99,"stock_quantity":99999999999999999999,"category":"c"}',
      );
      const res = await http()
        .post(BASE)
        .set(admin())
        .set('Content-Type', 'application/json')
        .send(huge);
      expectFieldError(res, 'stock_quantity');
      expectFieldError(
        await http()
          .post(BASE)
          .set(admin())
          .send({ ...valid, price: 1e20 }),
        'price',
      );
    });
  });

  describe('NUL characters and lone surrogates', () => {
    it('a NUL in `q` (query)', async () => {
      expectFieldError(await http().get(`${BASE}?q=lamp%00`), 'q');
      expectFieldError(await http().get(`${BASE}?category=%00`), 'category');
    });

    it('a NUL in a path parameter', async () => {
      expectFieldError(await http().get(`${BASE}/%00`), 'id');
    });

    it('a lone surrogate and a NUL in body strings, nothing stored', async () => {
      const before = (await http().get(BASE).expect(200)).body.total as number;
      const body = rawJson(
        '{"name":"Lamp \\ud800","description":"a\\u0000b","price":1,"stock_quantity":1,"category":"\\udfff"}',
      );
      const res = await http()
        .post(BASE)
        .set(admin())
        .set('Content-Type', 'application/json')
        .send(body);
      expectFieldError(res, 'name');
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'category',
        'description',
        'name',
      ]);
      expect((await http().get(BASE).expect(200)).body.total).toBe(before);
    });

    it('a NUL in a field name', async () => {
      const res = await http()
        .post(BASE)
        .set(admin())
        .set('Content-Type', 'application/json')
        .send(rawJson('{"na\\u0000me":"x"}'));
      expectFieldError(res, 'na\\u0000me');
    });

    // generated: any string field of the product, a bad character anywhere in it, POST or PATCH
    it('every string field, any position (generated)', async () => {
      const stringFields = [
        ...new Set(
          getMetadataStorage()
            .getTargetValidationMetadatas(CreateProductDto, '', true, false)
            .map((m) => m.propertyName),
        ),
      ].filter((p) => typeof (valid as Record<string, unknown>)[p] !== 'number');
      expect(stringFields).toEqual(expect.arrayContaining(['name', 'description', 'category']));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...stringFields),
          fc.string({ maxLength: 20 }),
          fc.nat(),
          fc.constantFrom('\\u0000', '\\ud800', '\\udbff', '\\udc00', '\\udfff'),
          fc.boolean(),
          async (field, text, at, escape, patch) => {
            const position = at % (text.length + 1);
            const inner = JSON.stringify(text.slice(0, position)).slice(1, -1);
            const rest = JSON.stringify(text.slice(position)).slice(1, -1);
            const base = patch ? {} : { ...valid, description: 'd' };
            const json = JSON.stringify({ ...base, [field]: '@@' }).replace(
              '"@@"',
              `"${inner}${escape}${rest}"`,
            );
            const res = await (patch ? http().patch(`${BASE}/${MISSING}`) : http().post(BASE))
              .set(admin())
              .set('Content-Type', 'application/json')
              .send(json);
            expectFieldError(res, field);
          },
        ),
        { seed: SEED, numRuns: 40 },
      );
    });
  });

  describe('null in PATCH and PUT bodies', () => {
    const fields = [
      ...new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(UpdateProductDto, '', true, false)
          .map((m) => m.propertyName),
      ),
    ];

    it('finds every product field', () => {
      expect(fields.sort()).toEqual(['category', 'description', 'name', 'price', 'stock_quantity']);
    });

    it.each(fields)('PATCH {%s: null} on an unknown id is 400, not 404', async (field) => {
      const res = await http()
        .patch(`${BASE}/${MISSING}`)
        .set(admin())
        .send({ [field]: null });
      expectFieldError(res, field);
      expect(res.body.errors).toEqual([{ field, message: `${field} must not be null` }]);
    });

    it('PATCH with a null on an existing product changes nothing', async () => {
      const created = await http().post(BASE).set(admin()).send(valid).expect(201);
      const res = await http()
        .patch(`${BASE}/${created.body.id as string}`)
        .set(admin())
        .send({ name: 'New name', description: null });
      expectFieldError(res, 'description');
      const now = await http()
        .get(`${BASE}/${created.body.id as string}`)
        .expect(200);
      expect(now.body).toEqual(created.body);
    });

    it('PUT with a null description is 400', async () => {
      const res = await http()
        .put(`${BASE}/${MISSING}`)
        .set(admin())
        .send({ ...valid, description: null });
      expectFieldError(res, 'description');
    });
  });
});
