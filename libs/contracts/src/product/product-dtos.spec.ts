import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListProductsQueryDto } from './list-products-query.dto';
import { CreateProductDto } from './create-product.dto';
import { ReserveStockDto } from './reserve-stock.dto';
import { UpdateProductDto } from './update-product.dto';

// The same options the platform's global ValidationPipe uses.
function failingFields<T extends object>(cls: new () => T, plain: object): string[] {
  const instance = plainToInstance(cls, plain);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const valid = { name: ' Lamp ', price: 19.99, stock_quantity: 3, category: 'home' };

describe('CreateProductDto', () => {
  it('accepts a valid product and trims the name', () => {
    expect(failingFields(CreateProductDto, valid)).toEqual([]);
    expect(plainToInstance(CreateProductDto, valid).name).toBe('Lamp');
  });

  it.each([
    ['price', { price: 1.234 }],
    ['price', { price: -1 }],
    ['price', { price: 1e-7 }],
    ['price', { price: '19.99' }],
    ['price', { price: 100_000_000 }],
    ['stock_quantity', { stock_quantity: -1 }],
    ['stock_quantity', { stock_quantity: 1.5 }],
    ['name', { name: '   ' }],
    ['name', { name: 'x'.repeat(100_000) }],
    ['id', { id: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' }],
    ['created_at', { created_at: '2025-01-01T00:00:00Z' }],
  ])('rejects %s (%#)', (field, patch) => {
    expect(failingFields(CreateProductDto, { ...valid, ...patch })).toEqual([field]);
  });
});

describe('UpdateProductDto', () => {
  it('accepts a partial body and does not invent a description', () => {
    expect(failingFields(UpdateProductDto, { price: 5 })).toEqual([]);
    expect(plainToInstance(UpdateProductDto, { price: 5 }).description).toBeUndefined();
  });
});

describe('ListProductsQueryDto', () => {
  it('converts and defaults paging', () => {
    const q = plainToInstance(ListProductsQueryDto, { limit: '5', min_price: '1.50' });
    expect(q).toMatchObject({ limit: 5, offset: 0, min_price: 1.5 });
  });

  it.each([
    ['limit', '101'],
    ['limit', '-1'],
    ['limit', '2.5'],
    ['offset', '-1'],
  ])('rejects %s=%s', (field, value) => {
    expect(failingFields(ListProductsQueryDto, { [field]: value })).toEqual([field]);
  });
});

describe('ReserveStockDto', () => {
  const id = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
  const order_id = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';

  it('accepts distinct items', () => {
    expect(
      failingFields(ReserveStockDto, { order_id, items: [{ product_id: id, quantity: 1 }] }),
    ).toEqual([]);
  });

  it.each([
    [
      'duplicate product ids',
      [
        { product_id: id, quantity: 1 },
        { product_id: id, quantity: 2 },
      ],
    ],
    ['no items', []],
    ['quantity 0', [{ product_id: id, quantity: 0 }]],
    ['quantity 1001', [{ product_id: id, quantity: 1001 }]],
    ['a non-uuid product', [{ product_id: 'x', quantity: 1 }]],
    ['an unknown field', [{ product_id: id, quantity: 1, price: 3 }]],
  ])('rejects %s', (_label, items) => {
    expect(failingFields(ReserveStockDto, { order_id, items })).toEqual(['items']);
  });
});
