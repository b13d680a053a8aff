import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import { IllegalTransition, InvalidOrder, OrderTotalTooLarge } from '../errors/order.errors';
import { Order, OrderLine } from './order';
import { foldStatus } from './order-history';
import { ORDER_STATUS_VALUES, OrderStatus, canTransition } from './order-status';

const line = (price: string, quantity: number, productId: string = randomUUID()): OrderLine => ({
  productId,
  name: `P ${price}`,
  unitPrice: Money.fromDecimal(price),
  quantity,
});

const place = (lines: OrderLine[]) =>
  Order.place({ id: randomUUID(), userId: randomUUID(), lines, shippingAddress: null });

/** An order brought to `status` along allowed moves. */
function orderIn(status: OrderStatus): Order {
  const order = place([line('1.00', 1)]);
  const path: Record<OrderStatus, OrderStatus[]> = {
    creada: [],
    pagada: ['pagada'],
    enviada: ['pagada', 'enviada'],
    entregada: ['pagada', 'enviada', 'entregada'],
    cancelada: ['cancelada'],
  };
  for (const step of path[status]) {
    order.transitionTo(step, 'test', step === 'pagada' ? { paymentId: randomUUID() } : {});
  }
  return order;
}

describe('Order', () => {
  it('totals in cents: 3 × 19.99 + 1 × 5.50 = 65.47 exactly', () => {
    const order = place([line('19.99', 3), line('5.50', 1)]);
    expect(order.total.cents).toBe(6547);
    expect(order.total.toNumber()).toBe(65.47);
    expect(Order.subtotal(order.lines[0]).toNumber()).toBe(59.97);
  });

  it('is placed in creada with a created event', () => {
    const order = place([line('2.00', 1)]);
    expect(order.status).toBe('creada');
    expect(order.newEvents.map((e) => [e.type, e.status])).toEqual([['created', 'creada']]);
  });

  it('refuses repeated products, bad quantities and totals beyond numeric(12,2)', () => {
    const id: string = randomUUID();
    expect(() => place([line('1.00', 1, id), line('2.00', 1, id.toUpperCase())])).toThrow(
      InvalidOrder,
    );
    expect(() => place([line('1.00', 0)])).toThrow(InvalidOrder);
    expect(() => place([line('1.00', 1001)])).toThrow(InvalidOrder);
    expect(() => place([])).toThrow(InvalidOrder);
    expect(() => place([line('99999999.99', 2)])).toThrow(OrderTotalTooLarge);
  });

  describe.each(ORDER_STATUS_VALUES)('from %s', (from) => {
    it.each(ORDER_STATUS_VALUES)(`to %s follows the table`, (to) => {
      const order = orderIn(from);
      const before = order.newEvents.length;
      if (canTransition(from, to)) {
        order.transitionTo(to, 'because', { paymentId: randomUUID() });
        expect(order.status).toBe(to);
        expect(order.newEvents).toHaveLength(before + 1);
      } else {
        expect(() => order.transitionTo(to, 'because')).toThrow(IllegalTransition);
        expect(order.status).toBe(from);
        expect(order.newEvents).toHaveLength(before);
      }
    });
  });

  it('its events fold to its status', () => {
    for (const status of ORDER_STATUS_VALUES) {
      const order = orderIn(status);
      expect(foldStatus(order.newEvents)).toBe(order.status);
    }
  });

  it('records the references of the message that moved it', () => {
    const order = place([line('1.00', 1)]);
    const messageId = randomUUID();
    const paymentId = randomUUID();
    order.transitionTo('pagada', ' payment approved ', { messageId, paymentId });
    expect(order.newEvents[1]).toMatchObject({
      type: 'paid',
      status: 'pagada',
      cause: 'payment approved',
      messageId,
      paymentId,
      deliveryId: null,
    });
  });
});
