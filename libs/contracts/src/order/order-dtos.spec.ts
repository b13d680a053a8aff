import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateOrderDto } from './create-order.dto';
import { ListOrdersQueryDto } from './list-orders-query.dto';

// The same options the platform's global ValidationPipe uses.
function failingFields<T extends object>(cls: new () => T, plain: object): string[] {
  const instance = plainToInstance(cls, plain);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const productA = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
const productB = '4a1f9b63-6d2f-4e8f-8b66-3c1f5a4c7d22';
const user_id = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';
const address = { street: ' Calle Mayor 1 ', city: 'Madrid', postal_code: '28013', country: 'ES' };

describe('CreateOrderDto', () => {
  const valid = {
    user_id,
    items: [
      { product_id: productA, quantity: 3, price: 19.99 },
      { product_id: productB, quantity: 1 },
    ],
    shipping_address: address,
  };

  it('accepts a valid order, price optional, and trims the address', () => {
    expect(failingFields(CreateOrderDto, valid)).toEqual([]);
    expect(plainToInstance(CreateOrderDto, valid).shipping_address?.street).toBe('Calle Mayor 1');
    expect(failingFields(CreateOrderDto, { user_id, items: valid.items })).toEqual([]);
  });

  it.each([
    ['user_id', { user_id: 'nope' }],
    ['items', { items: [] }],
    [
      'items',
      { items: Array.from({ length: 101 }, () => ({ product_id: productA, quantity: 1 })) },
    ],
    [
      'items',
      {
        items: [
          { product_id: productA, quantity: 1 },
          { product_id: productA, quantity: 2 },
        ],
      },
    ],
    ['items', { items: [{ product_id: productA, quantity: 0 }] }],
    ['items', { items: [{ product_id: productA, quantity: 1001 }] }],
    ['items', { items: [{ product_id: productA, quantity: 1.5 }] }],
    ['items', { items: [{ product_id: productA, quantity: 1, price: 1.234 }] }],
    ['items', { items: [{ product_id: productA, quantity: 1, colour: 'red' }] }],
    ['shipping_address', { shipping_address: { ...address, country: 'es' } }],
    ['shipping_address', { shipping_address: { ...address, country: 'ESP' } }],
    ['shipping_address', { shipping_address: { ...address, street: '  ' } }],
    ['shipping_address', { shipping_address: { ...address, postal_code: 'x'.repeat(21) } }],
    ['shipping_address', { shipping_address: { ...address, floor: 2 } }],
    ['total', { total: 1 }],
    ['status', { status: 'pagada' }],
  ])('rejects %s (%#)', (field, patch) => {
    expect(failingFields(CreateOrderDto, { ...valid, ...patch })).toEqual([field]);
  });
});

describe('ListOrdersQueryDto', () => {
  it('converts and defaults paging', () => {
    expect(plainToInstance(ListOrdersQueryDto, { limit: '5', status: 'creada' })).toMatchObject({
      limit: 5,
      offset: 0,
      status: 'creada',
    });
  });

  it.each([
    ['status', 'shipped'],
    ['user_id', 'x'],
    ['limit', '0'],
  ])('rejects %s=%s', (field, value) => {
    expect(failingFields(ListOrdersQueryDto, { [field]: value })).toEqual([field]);
  });
});
