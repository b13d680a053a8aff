import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ValidateOrderDto } from './validate-order.dto';
import { VALIDATION_CODE_VALUES } from './validation-codes';

// The same options the platform's global ValidationPipe uses.
function failingFields<T extends object>(cls: new () => T, plain: object): string[] {
  const instance = plainToInstance(cls, plain);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const order_id = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';

describe('ValidateOrderDto', () => {
  it('accepts an order id', () => {
    expect(failingFields(ValidateOrderDto, { order_id })).toEqual([]);
  });

  it.each([
    ['order_id', {}],
    ['order_id', { order_id: 'not-a-uuid' }],
    ['order_id', { order_id: 42 }],
    ['user_id', { order_id, user_id: order_id }],
  ])('rejects %s (%#)', (field, body) => {
    expect(failingFields(ValidateOrderDto, body)).toEqual([field]);
  });
});

describe('VALIDATION_CODES', () => {
  it('are unique snake_case codes', () => {
    expect(new Set(VALIDATION_CODE_VALUES).size).toBe(VALIDATION_CODE_VALUES.length);
    for (const code of VALIDATION_CODE_VALUES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});
