import {
  ORDER_STATUS_VALUES,
  OrderStatus,
  TRANSITIONS,
  canTransition,
  decideStatusMessage,
} from './order-status';

const ALLOWED: Array<[OrderStatus, OrderStatus]> = [
  ['creada', 'pagada'],
  ['creada', 'cancelada'],
  ['pagada', 'enviada'],
  ['pagada', 'cancelada'],
  ['enviada', 'entregada'],
];

const ALL_PAIRS = ORDER_STATUS_VALUES.flatMap((from) =>
  ORDER_STATUS_VALUES.map((to) => [from, to] as [OrderStatus, OrderStatus]),
);

describe('the transition table', () => {
  it('has exactly the five moves of SPEC.md', () => {
    const moves = ALL_PAIRS.filter(([from, to]) => canTransition(from, to));
    expect(moves).toEqual(ALLOWED);
    expect(Object.values(TRANSITIONS).flat()).toHaveLength(5);
  });

  it.each(ALL_PAIRS)('%s → %s', (from, to) => {
    const allowed = ALLOWED.some(([f, t]) => f === from && t === to);
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('entregada and cancelada are final', () => {
    expect(TRANSITIONS.entregada).toEqual([]);
    expect(TRANSITIONS.cancelada).toEqual([]);
  });
});

describe('decideStatusMessage (the receiver rule)', () => {
  it('applies an allowed move', () => {
    expect(decideStatusMessage('creada', ['creada'], 'pagada')).toBe('apply');
    expect(decideStatusMessage('enviada', ['creada', 'pagada', 'enviada'], 'entregada')).toBe(
      'apply',
    );
  });

  it('treats the current status and every status already visited as reached (no-op)', () => {
    expect(decideStatusMessage('pagada', ['creada', 'pagada'], 'pagada')).toBe('already_reached');
    expect(
      decideStatusMessage('entregada', ['creada', 'pagada', 'enviada', 'entregada'], 'enviada'),
    ).toBe('already_reached');
    expect(decideStatusMessage('enviada', ['creada', 'pagada', 'enviada'], 'creada')).toBe(
      'already_reached',
    );
  });

  it('a target never visited and not allowed now: not yet while the order can still move', () => {
    // delivered before shipped: the facts came out of order, the shipped one will come
    expect(decideStatusMessage('pagada', ['creada', 'pagada'], 'entregada')).toBe('not_yet');
    expect(decideStatusMessage('enviada', ['creada', 'pagada', 'enviada'], 'cancelada')).toBe(
      'not_yet',
    );
  });

  it('ignores what a final status can never take (a cancelled order never ships)', () => {
    expect(decideStatusMessage('cancelada', ['creada', 'cancelada'], 'enviada')).toBe(
      'ignore_final',
    );
    expect(decideStatusMessage('cancelada', ['creada', 'pagada', 'cancelada'], 'entregada')).toBe(
      'ignore_final',
    );
  });

  it('refunds a payment approved for an order cancelled before it was ever paid', () => {
    expect(decideStatusMessage('cancelada', ['creada', 'cancelada'], 'pagada')).toBe(
      'refund_late_payment',
    );
    // cancelled after being paid: the payment message is late, the cancel already refunded
    expect(decideStatusMessage('cancelada', ['creada', 'pagada', 'cancelada'], 'pagada')).toBe(
      'already_reached',
    );
  });
});
