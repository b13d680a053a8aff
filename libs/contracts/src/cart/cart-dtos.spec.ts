import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AddCartItemDto } from './add-cart-item.dto';
import { CheckoutDto } from './checkout.dto';
import { UpdateCartItemDto } from './update-cart-item.dto';

// The same options the platform's global ValidationPipe uses.
function failingFields<T extends object>(cls: new () => T, plain: object): string[] {
  const instance = plainToInstance(cls, plain);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const product_id = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';

describe('AddCartItemDto', () => {
  it('accepts a product and a quantity from 1 to 1000', () => {
    expect(failingFields(AddCartItemDto, { product_id, quantity: 1 })).toEqual([]);
    expect(failingFields(AddCartItemDto, { product_id, quantity: 1000 })).toEqual([]);
  });

  it.each([
    ['quantity', { quantity: 0 }],
    ['quantity', { quantity: 1001 }],
    ['quantity', { quantity: 1.5 }],
    ['quantity', { quantity: '2' }],
    ['product_id', { product_id: 'not-a-uuid' }],
    ['price', { price: 1 }],
    ['name', { name: 'Lamp' }],
  ])('rejects %s (%#)', (field, patch) => {
    expect(failingFields(AddCartItemDto, { product_id, quantity: 2, ...patch })).toEqual([field]);
  });
});

describe('UpdateCartItemDto', () => {
  it.each([[0], [-1], [1001], [2.5]])('rejects quantity %p', (quantity) => {
    expect(failingFields(UpdateCartItemDto, { quantity })).toEqual(['quantity']);
  });
});

describe('CheckoutDto', () => {
  const address = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };

  it('accepts no body fields, or a valid address', () => {
    expect(failingFields(CheckoutDto, {})).toEqual([]);
    expect(failingFields(CheckoutDto, { shipping_address: address })).toEqual([]);
  });

  it('rejects an invalid address and unknown fields', () => {
    expect(
      failingFields(CheckoutDto, { shipping_address: { ...address, country: 'Spain' } }),
    ).toEqual(['shipping_address']);
    expect(failingFields(CheckoutDto, { items: [] })).toEqual(['items']);
  });
});
