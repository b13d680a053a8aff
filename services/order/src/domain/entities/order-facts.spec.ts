import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import { IllegalTransition, InvalidOrder } from '../errors/order.errors';
import { foldStatus } from './order-history';
import { Order, ShippingAddress } from './order';

const ADDRESS: ShippingAddress = {
  street: 'Calle Mayor 1',
  city: 'Madrid',
  postalCode: '28013',
  country: 'ES',
};
const PAYMENT = randomUUID();

function placed(shippingAddress: ShippingAddress | null = ADDRESS): Order {
  const order = Order.place({
    id: randomUUID(),
    userId: randomUUID(),
    lines: [
      { productId: randomUUID(), name: 'Lamp', unitPrice: Money.fromDecimal('19.99'), quantity: 2 },
    ],
    shippingAddress,
  });
  order.pullNewEvents();
  return order;
}

describe('Order facts (what other services may learn)', () => {
  it('placing: the order with its lines, prices, total and address, handed over once', () => {
    const order = placed();
    const [fact] = order.pullFacts();
    expect(fact).toEqual({
      kind: 'placed',
      orderId: order.id,
      userId: order.userId,
      lines: [
        { productId: order.lines[0].productId, quantity: 2, unitPrice: Money.fromDecimal('19.99') },
      ],
      total: Money.fromDecimal('39.98'),
      shippingAddress: ADDRESS,
    });
    expect(order.pullFacts()).toEqual([]);
  });

  it('paid: the payment, the total and the address (or null: delivery decides)', () => {
    for (const address of [ADDRESS, null]) {
      const order = placed(address);
      order.pullFacts();
      order.transitionTo('pagada', 'payment approved', { paymentId: PAYMENT });
      expect(order.pullFacts()).toEqual([
        {
          kind: 'paid',
          orderId: order.id,
          userId: order.userId,
          paymentId: PAYMENT,
          total: Money.fromDecimal('39.98'),
          shippingAddress: address,
        },
      ]);
    }
  });

  it('cancelled, from creada or pagada: the same fact with its cause', () => {
    const fresh = placed();
    fresh.pullFacts();
    fresh.transitionTo('cancelada', 'cancelled by the customer');
    expect(fresh.pullFacts()).toEqual([
      {
        kind: 'cancelled',
        orderId: fresh.id,
        userId: fresh.userId,
        cause: 'cancelled by the customer',
      },
    ]);
    const paid = placed(null);
    paid.transitionTo('pagada', 'payment approved', { paymentId: PAYMENT });
    paid.pullFacts();
    paid.transitionTo('cancelada', 'cancelled by an administrator');
    expect(paid.pullFacts()).toEqual([
      {
        kind: 'cancelled',
        orderId: paid.id,
        userId: paid.userId,
        cause: 'cancelled by an administrator',
      },
    ]);
  });

  it('shipping and delivering state nothing new (delivery told the order, not the other way)', () => {
    const order = placed();
    order.transitionTo('pagada', 'payment approved', { paymentId: PAYMENT });
    order.pullFacts();
    order.transitionTo('enviada', 'in transit');
    order.transitionTo('entregada', 'delivered');
    expect(order.pullFacts()).toEqual([]);
  });

  it('an illegal move records no fact', () => {
    const order = placed();
    order.pullFacts();
    expect(() => order.transitionTo('enviada', 'x')).toThrow(IllegalTransition);
    expect(order.pullFacts()).toEqual([]);
  });

  it('a payment approved after the cancel: the cancellation is stated again, nothing recorded', () => {
    const order = placed();
    order.transitionTo('cancelada', 'cancelled by the customer');
    order.pullFacts();
    order.pullNewEvents();
    order.restateCancellation('payment approved after the order was cancelled');
    expect(order.pullFacts()).toEqual([
      {
        kind: 'cancelled',
        orderId: order.id,
        userId: order.userId,
        cause: 'payment approved after the order was cancelled',
      },
    ]);
    expect(order.pullNewEvents()).toEqual([]);
    expect(() => placed().restateCancellation('x')).toThrow(IllegalTransition);
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
    expect(order.pullFacts().map((f) => f.kind)).toEqual(['placed', 'cancelled']);
  });

  it('refuses an event type that moves the order, and an empty cause', () => {
    const order = placed();
    expect(() => order.recordFact('paid', 'x')).toThrow(InvalidOrder);
    expect(() => order.recordFact('refunded', '  ')).toThrow(InvalidOrder);
    expect(order.newEvents).toEqual([]);
  });
});
