import { IllegalDeliveryTransition, InvalidDelivery } from '../errors/delivery.errors';
import { Delivery, OpenDeliveryInput } from './delivery';
import { DELIVERY_STATUS_VALUES, DeliveryStatus, canTransition } from './delivery-status';

const NOW = new Date('2025-01-15T10:30:00.000Z');

const input = (patch: Partial<OpenDeliveryInput> = {}): OpenDeliveryInput => ({
  orderId: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10',
  userId: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f',
  address: { street: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
  carrier: 'NestPost',
  estimateDays: 3,
  ...patch,
});

/** A delivery brought to `status` along the table. */
function deliveryIn(status: DeliveryStatus): Delivery {
  const delivery = Delivery.open(input(), NOW);
  const path: Record<DeliveryStatus, DeliveryStatus[]> = {
    pendiente: [],
    en_transito: ['en_transito'],
    entregada: ['en_transito', 'entregada'],
    cancelada: ['cancelada'],
  };
  for (const step of path[status]) delivery.transitionTo(step, NOW);
  return delivery;
}

describe('Delivery.open', () => {
  it('starts pendiente with a tracking number, the carrier and now + estimate days', () => {
    const delivery = Delivery.open(input(), NOW);
    expect(delivery.status).toBe('pendiente');
    expect(delivery.trackingNumber).toMatch(/^NC[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(delivery.carrier).toBe('NestPost');
    expect(delivery.estimatedDelivery.toISOString()).toBe('2025-01-18T10:30:00.000Z');
    expect(delivery.createdAt).toEqual(NOW);
    expect(delivery.updatedAt).toEqual(NOW);
    expect(delivery.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('trims the address and the carrier', () => {
    const delivery = Delivery.open(
      input({
        carrier: ' NestPost ',
        address: {
          street: ' Calle Mayor 1 ',
          city: ' Madrid',
          postalCode: '28013 ',
          country: 'ES',
        },
      }),
      NOW,
    );
    expect(delivery.carrier).toBe('NestPost');
    expect(delivery.address).toEqual({
      street: 'Calle Mayor 1',
      city: 'Madrid',
      postalCode: '28013',
      country: 'ES',
    });
  });

  it.each([
    ['address.street', input({ address: { ...input().address, street: ' ' } })],
    ['address.city', input({ address: { ...input().address, city: 'x'.repeat(101) } })],
    ['address.postal_code', input({ address: { ...input().address, postalCode: '' } })],
    ['address.country', input({ address: { ...input().address, country: 'es' } })],
    ['carrier', input({ carrier: '' })],
    ['estimate_days', input({ estimateDays: 1.5 })],
    ['estimate_days', input({ estimateDays: 61 })],
    ['tracking_number', input({ trackingNumber: 'NC123' })],
  ])('refuses an invalid %s', (field, bad) => {
    const attempt = () => Delivery.open(bad, NOW);
    expect(attempt).toThrow(InvalidDelivery);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidDelivery).details).toEqual({
        errors: [{ field, message: expect.any(String) }],
      });
    }
  });

  it('keeps a given tracking number', () => {
    expect(Delivery.open(input({ trackingNumber: 'NC0000000000' }), NOW).trackingNumber).toBe(
      'NC0000000000',
    );
  });
});

describe('Delivery.transitionTo', () => {
  const pairs = DELIVERY_STATUS_VALUES.flatMap((from) =>
    DELIVERY_STATUS_VALUES.map((to) => [from, to] as [DeliveryStatus, DeliveryStatus]),
  );

  it.each(pairs)('%s → %s follows the table', (from, to) => {
    const delivery = deliveryIn(from);
    const later = new Date(NOW.getTime() + 60_000);
    if (canTransition(from, to)) {
      delivery.transitionTo(to, later);
      expect(delivery.status).toBe(to);
      expect(delivery.updatedAt).toEqual(later);
    } else {
      expect(() => delivery.transitionTo(to, later)).toThrow(IllegalDeliveryTransition);
      expect(delivery.status).toBe(from);
      expect(delivery.updatedAt).toEqual(NOW);
    }
  });

  it('says where the delivery is and what was asked', () => {
    const delivery = deliveryIn('entregada');
    try {
      delivery.transitionTo('en_transito');
      throw new Error('expected IllegalDeliveryTransition');
    } catch (error) {
      expect(error).toBeInstanceOf(IllegalDeliveryTransition);
      expect((error as IllegalDeliveryTransition).code).toBe('illegal_transition');
      expect((error as IllegalDeliveryTransition).kind).toBe('conflict');
      expect((error as IllegalDeliveryTransition).details).toEqual({
        current_status: 'entregada',
        requested_status: 'en_transito',
      });
    }
  });
});

describe('Delivery.cancelForOrder', () => {
  it('cancels a pending delivery', () => {
    const delivery = deliveryIn('pendiente');
    expect(delivery.cancelForOrder(NOW)).toBe(true);
    expect(delivery.status).toBe('cancelada');
  });

  it.each(['en_transito', 'entregada', 'cancelada'] as DeliveryStatus[])(
    'leaves a delivery %s as it is',
    (status) => {
      const delivery = deliveryIn(status);
      expect(delivery.cancelForOrder(NOW)).toBe(false);
      expect(delivery.status).toBe(status);
    },
  );
});

describe('Delivery ownership', () => {
  it('compares user ids case-insensitively', () => {
    const delivery = Delivery.open(input(), NOW);
    expect(delivery.isOwnedBy('5B1C2F7E-8D4A-4C3B-9E2F-1A0B3C4D5E6F')).toBe(true);
    expect(delivery.isOwnedBy('00000000-0000-4000-8000-000000000000')).toBe(false);
  });
});
