import { randomUUID } from 'node:crypto';
import { InconsistentHistory } from '../errors/order.errors';
import { OrderEvent, OrderEventType } from './order-event';
import { foldStatus, visitedStatuses } from './order-history';
import { OrderStatus } from './order-status';

function event(type: OrderEventType, status: OrderStatus): OrderEvent {
  return {
    id: randomUUID(),
    orderId: 'o',
    type,
    status,
    cause: type,
    occurredAt: new Date(),
    messageId: null,
    paymentId: null,
    deliveryId: null,
  };
}

describe('foldStatus', () => {
  it('folds the whole happy path to entregada', () => {
    const history = [
      event('created', 'creada'),
      event('validated', 'creada'),
      event('paid', 'pagada'),
      event('shipped', 'enviada'),
      event('delivered', 'entregada'),
    ];
    expect(foldStatus(history)).toBe('entregada');
    expect(visitedStatuses(history)).toEqual(['creada', 'pagada', 'enviada', 'entregada']);
  });

  it('keeps cancelada after a refund', () => {
    expect(
      foldStatus([
        event('created', 'creada'),
        event('paid', 'pagada'),
        event('cancelled', 'cancelada'),
        event('refunded', 'cancelada'),
      ]),
    ).toBe('cancelada');
  });

  it.each([
    ['no events', []],
    ['not starting with created', [event('paid', 'pagada')]],
    ['created twice', [event('created', 'creada'), event('created', 'creada')]],
    ['an illegal move', [event('created', 'creada'), event('shipped', 'enviada')]],
    [
      'a moving event after a final one',
      [event('created', 'creada'), event('cancelled', 'cancelada'), event('paid', 'pagada')],
    ],
    ['a recorded status that disagrees', [event('created', 'creada'), event('paid', 'enviada')]],
  ])('refuses %s', (_label, history) => {
    expect(() => foldStatus(history)).toThrow(InconsistentHistory);
  });
});
