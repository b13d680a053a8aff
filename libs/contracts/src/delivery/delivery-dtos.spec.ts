import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateDeliveryDto } from './create-delivery.dto';
import { TRACKING_NUMBER_PATTERN } from './delivery-limits';
import { ListDeliveriesQueryDto } from './list-deliveries-query.dto';
import { UpdateDeliveryStatusDto } from './update-delivery-status.dto';

// The same options the platform's global ValidationPipe uses.
function failingFields<T extends object>(cls: new () => T, plain: object): string[] {
  const instance = plainToInstance(cls, plain);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const order_id = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const address = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };

describe('CreateDeliveryDto', () => {
  it('accepts an order id and an address', () => {
    expect(failingFields(CreateDeliveryDto, { order_id, address })).toEqual([]);
  });

  it.each([
    ['order_id', { order_id: 'nope' }],
    ['address', { address: undefined }],
    ['address', { address: { ...address, country: 'Spain' } }],
    ['address', { address: { ...address, street: ' '.repeat(3) } }],
    ['address', { address: { ...address, city: 'x'.repeat(101) } }],
    ['address', { address: { ...address, extra: 1 } }],
    ['user_id', { user_id: order_id }],
    ['status', { status: 'pendiente' }],
  ])('rejects %s (%#)', (field, patch) => {
    expect(failingFields(CreateDeliveryDto, { order_id, address, ...patch })).toEqual([field]);
  });
});

describe('UpdateDeliveryStatusDto', () => {
  it.each(['pendiente', 'en_transito', 'entregada', 'cancelada'])('accepts %s', (status) => {
    expect(failingFields(UpdateDeliveryStatusDto, { status })).toEqual([]);
  });

  it.each([['enviada'], ['EN_TRANSITO'], [''], [1]])('rejects %p', (status) => {
    expect(failingFields(UpdateDeliveryStatusDto, { status })).toEqual(['status']);
  });

  it('rejects unknown fields', () => {
    expect(failingFields(UpdateDeliveryStatusDto, { status: 'entregada', carrier: 'x' })).toEqual([
      'carrier',
    ]);
  });
});

describe('ListDeliveriesQueryDto', () => {
  it('defaults to the first 20 and takes order_id and status filters', () => {
    const query = plainToInstance(ListDeliveriesQueryDto, { order_id, status: 'pendiente' });
    expect(validateSync(query)).toEqual([]);
    expect(query).toMatchObject({ limit: 20, offset: 0, order_id, status: 'pendiente' });
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '101' }],
    ['offset', { offset: '-1' }],
    ['order_id', { order_id: 'x' }],
    ['status', { status: 'enviada' }],
  ])('rejects %s (%#)', (field, patch) => {
    expect(failingFields(ListDeliveriesQueryDto, patch)).toEqual([field]);
  });
});

describe('TRACKING_NUMBER_PATTERN', () => {
  it.each(['NC0123456789', 'NCABCDEFGHJK', 'NCZZZZZZZZZZ'])('accepts %s', (value) => {
    expect(TRACKING_NUMBER_PATTERN.test(value)).toBe(true);
  });

  it.each(['nc0123456789', 'NC012345678', 'NC0123456789A', 'NCI123456789', 'XX0123456789'])(
    'rejects %s',
    (value) => {
      expect(TRACKING_NUMBER_PATTERN.test(value)).toBe(false);
    },
  );
});
