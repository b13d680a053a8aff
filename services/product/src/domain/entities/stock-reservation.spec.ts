import { InvalidReservation } from '../errors/product.errors';
import { StockReservation } from './stock-reservation';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';

describe('StockReservation', () => {
  it('keeps items sorted by product id (the lock order) and lower-cased', () => {
    const reservation = StockReservation.create(ORDER, [
      { productId: B.toUpperCase(), quantity: 1 },
      { productId: A, quantity: 2 },
    ]);
    expect(reservation.items.map((i) => i.productId)).toEqual([A, B]);
    expect(reservation.status).toBe('reserved');
    expect(reservation.releasedAt).toBeNull();
  });

  it.each([
    ['no items', []],
    [
      'a repeated product',
      [
        { productId: A, quantity: 1 },
        { productId: A.toUpperCase(), quantity: 1 },
      ],
    ],
    ['quantity 0', [{ productId: A, quantity: 0 }]],
    ['quantity 1001', [{ productId: A, quantity: 1001 }]],
    ['a fractional quantity', [{ productId: A, quantity: 1.5 }]],
  ])('refuses %s', (_label, items) => {
    expect(() => StockReservation.create(ORDER, items)).toThrow(InvalidReservation);
  });

  it('compares items regardless of order', () => {
    const reservation = StockReservation.create(ORDER, [
      { productId: A, quantity: 1 },
      { productId: B, quantity: 2 },
    ]);
    expect(
      reservation.hasSameItems([
        { productId: B, quantity: 2 },
        { productId: A, quantity: 1 },
      ]),
    ).toBe(true);
    expect(reservation.hasSameItems([{ productId: A, quantity: 1 }])).toBe(false);
    expect(
      reservation.hasSameItems([
        { productId: A, quantity: 1 },
        { productId: B, quantity: 3 },
      ]),
    ).toBe(false);
  });

  it('a tombstone is released, holds nothing and cannot be released again', () => {
    const now = new Date('2025-01-15T10:30:00Z');
    const tombstone = StockReservation.tombstone(ORDER.toUpperCase(), now);
    expect(tombstone.orderId).toBe(ORDER);
    expect(tombstone.status).toBe('released');
    expect(tombstone.items).toEqual([]);
    expect(tombstone.releasedAt).toEqual(now);
    expect(tombstone.release()).toBe(false);
  });

  it('releases once', () => {
    const reservation = StockReservation.create(ORDER, [{ productId: A, quantity: 1 }]);
    const now = new Date('2025-01-01T00:00:00Z');
    expect(reservation.release(now)).toBe(true);
    expect(reservation.release()).toBe(false);
    expect(reservation.status).toBe('released');
    expect(reservation.releasedAt).toEqual(now);
  });
});
