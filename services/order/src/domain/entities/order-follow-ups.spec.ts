import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import { IllegalTransition, InvalidOrder } from '../errors/order.errors';
import { Order, ShippingAddress } from './order';
import { foldStatus } from './order-history';

const ADDRESS: ShippingAddress = {
  street: 'Calle Mayor 1',
  city: 'Madrid',
  postalCode: '28013',
  country: 'ES',
};

function placed(shippingAddress: ShippingAddress | null = ADDRESS): Order {
  const order = Order.place({
    id: randomUUID(),
    userId: randomUUID(),
    lines: [
      { productId: randomUUID(), name: 'Lamp', unitPrice: Money.fromDecimal('19.99'), quantity: 1 },
    ],
    shippingAddress,
  });
  order.pullNewEvents();
  return order;
}

describe('Order follow-ups (what other services must do)', () => {
  it('placing asks nothing of anyone (the stock is reserved synchronously before)', () => {
    expect(placed().pullFollowUps()).toEqual([]);
  });

  it('paid with a shipping address: a delivery to that address', () => {
    const order = placed();
    order.transitionTo('pagada', 'payment approved');
    expect(order.pullFollowUps()).toEqual([
      { kind: 'create_delivery', orderId: order.id, userId: order.userId, address: ADDRESS },
    ]);
    // handed over once
    expect(order.pullFollowUps()).toEqual([]);
  });

  it('paid without a shipping address: nothing', () => {
    const order = placed(null);
    order.transitionTo('pagada', 'payment approved');
    expect(order.pullFollowUps()).toEqual([]);
  });

  it('cancelled from creada: the stock released, nothing to refund or stop', () => {
    const order = placed();
    order.transitionTo('cancelada', 'cancelled by the customer');
    expect(order.pullFollowUps()).toEqual([{ kind: 'release_stock', orderId: order.id }]);
  });

  it('cancelled from pagada: stock released, payment refunded, pending delivery cancelled', () => {
    const order = placed(null);
    order.transitionTo('pagada', 'payment approved');
    order.pullFollowUps();
    order.transitionTo('cancelada', 'cancelled by an administrator');
    const cause = 'cancelled by an administrator';
    expect(order.pullFollowUps()).toEqual([
      { kind: 'release_stock', orderId: order.id },
      { kind: 'refund_payment', orderId: order.id, cause },
      { kind: 'cancel_delivery', orderId: order.id, cause },
    ]);
  });

  it('shipping and delivering ask nothing (delivery told the order, not the other way)', () => {
    const order = placed();
    order.transitionTo('pagada', 'payment approved');
    order.pullFollowUps();
    order.transitionTo('enviada', 'in transit');
    order.transitionTo('entregada', 'delivered');
    expect(order.pullFollowUps()).toEqual([]);
  });

  it('an illegal move records no follow-up', () => {
    const order = placed();
    expect(() => order.transitionTo('enviada', 'x')).toThrow(IllegalTransition);
    expect(order.pullFollowUps()).toEqual([]);
  });

  it('a payment approved after a cancel from creada: a refund, the order stays cancelled', () => {
    const order = placed();
    order.transitionTo('cancelada', 'cancelled by the customer');
    order.pullFollowUps();
    order.pullNewEvents();
    order.refundLatePayment('payment approved after the order was cancelled');
    expect(order.status).toBe('cancelada');
    expect(order.newEvents).toEqual([]);
    expect(order.pullFollowUps()).toEqual([
      {
        kind: 'refund_payment',
        orderId: order.id,
        cause: 'payment approved after the order was cancelled',
      },
    ]);
    expect(() => placed().refundLatePayment('x')).toThrow(IllegalTransition);
  });
});

describe('Order.recordFact (events that do not move the order)', () => {
  it('records refunded with the current status; the fold is unchanged', () => {
    const order = Order.place({
      id: randomUUID(),
      userId: randomUUID(),
      lines: [
        { productId: randomUUID(), name: 'A', unitPrice: Money.fromDecimal('1.00'), quantity: 1 },
      ],
      shippingAddress: null,
    });
    order.transitionTo('cancelada', 'cancelled by the customer');
    const paymentId = randomUUID();
    order.recordFact('refunded', 'refund of a cancelled order', { paymentId });
    const events = order.newEvents;
    expect(events.map((e) => [e.type, e.status])).toEqual([
      ['created', 'creada'],
      ['cancelled', 'cancelada'],
      ['refunded', 'cancelada'],
    ]);
    expect(events[2].paymentId).toBe(paymentId);
    expect(foldStatus(events)).toBe('cancelada');
    expect(order.pullFollowUps()).toEqual([{ kind: 'release_stock', orderId: order.id }]);
  });

  it('refuses an event type that moves the order, and an empty cause', () => {
    const order = placed();
    expect(() => order.recordFact('paid', 'x')).toThrow(InvalidOrder);
    expect(() => order.recordFact('refunded', '  ')).toThrow(InvalidOrder);
    expect(order.newEvents).toEqual([]);
  });
});
