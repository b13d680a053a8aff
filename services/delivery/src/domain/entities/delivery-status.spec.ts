import {
  DELIVERY_STATUS_VALUES,
  DELIVERY_TRANSITIONS,
  DeliveryStatus,
  canTransition,
} from './delivery-status';

const ALLOWED: Array<[DeliveryStatus, DeliveryStatus]> = [
  ['pendiente', 'en_transito'],
  ['pendiente', 'cancelada'],
  ['en_transito', 'entregada'],
];

const ALL_PAIRS = DELIVERY_STATUS_VALUES.flatMap((from) =>
  DELIVERY_STATUS_VALUES.map((to) => [from, to] as [DeliveryStatus, DeliveryStatus]),
);

describe('the delivery transition table', () => {
  it('has exactly the three moves of SPEC.md', () => {
    expect(ALL_PAIRS.filter(([from, to]) => canTransition(from, to))).toEqual(ALLOWED);
    expect(Object.values(DELIVERY_TRANSITIONS).flat()).toHaveLength(3);
  });

  it.each(ALL_PAIRS)('%s → %s', (from, to) => {
    const allowed = ALLOWED.some(([f, t]) => f === from && t === to);
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('entregada and cancelada are final; nothing goes back to pendiente', () => {
    expect(DELIVERY_TRANSITIONS.entregada).toEqual([]);
    expect(DELIVERY_TRANSITIONS.cancelada).toEqual([]);
    expect(DELIVERY_STATUS_VALUES.some((from) => canTransition(from, 'pendiente'))).toBe(false);
  });
});
