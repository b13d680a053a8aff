import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import { IllegalTransition, InvalidOrder, OrderTotalTooLarge } from '../errors/order.errors';
import {
  EVENT_TYPE_FOR_STATUS,
  OrderEvent,
  OrderEventRefs,
  OrderEventType,
  STATUS_AFTER_EVENT,
} from './order-event';
import { OrderFact, factsOfMove } from './order-facts';
import { OrderStatus, canTransition } from './order-status';
import { ShippingAddress } from './shipping-address';

export type { ShippingAddress } from './shipping-address';

export const ORDER_LINES_MAX = 100;
export const ORDER_QUANTITY_MAX = 1000;
export const CAUSE_MAX = 200;
/** The largest amount a numeric(12,2) column is documented to hold, 99,999,999.99, in cents. */
export const MONEY_MAX_CENTS = 9_999_999_999;

/** A line as priced from the catalog when the order was placed. */
export interface OrderLine {
  productId: string;
  name: string;
  unitPrice: Money;
  quantity: number;
}

export interface OrderState {
  id: string;
  userId: string;
  lines: OrderLine[];
  status: OrderStatus;
  shippingAddress: ShippingAddress | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlaceOrderInput {
  id: string;
  userId: string;
  lines: OrderLine[];
  shippingAddress: ShippingAddress | null;
}

/**
 * The order aggregate. Prices are integer cents; the total is always the sum of the lines.
 * Status changes go through the transition table and each one records an event: the
 * repository appends `newEvents` and writes the status projection in one transaction. A change
 * other services may care about also records facts (`pullFacts`: placed, paid, cancelled), which
 * the use case publishes through the outbox in that same transaction.
 */
export class Order {
  private readonly pending: OrderEvent[] = [];
  private readonly facts: OrderFact[] = [];

  private constructor(private state: OrderState) {}

  static place(input: PlaceOrderInput, now = new Date()): Order {
    Order.validateLines(input.lines);
    const order = new Order({
      id: input.id,
      userId: input.userId,
      lines: input.lines.map((line) => ({ ...line })),
      status: 'creada',
      shippingAddress: input.shippingAddress ? { ...input.shippingAddress } : null,
      createdAt: now,
      updatedAt: now,
    });
    if (order.total.cents > MONEY_MAX_CENTS) throw new OrderTotalTooLarge();
    order.record('created', 'creada', 'order placed', {}, now);
    order.facts.push({
      kind: 'placed',
      orderId: order.id,
      userId: order.userId,
      lines: order.state.lines.map((line) => ({
        productId: line.productId,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
      })),
      total: order.total,
      shippingAddress: order.shippingAddress,
    });
    return order;
  }

  /** Rebuild from storage: the data was valid when written, so no re-validation. */
  static restore(state: OrderState): Order {
    return new Order({ ...state, lines: state.lines.map((line) => ({ ...line })) });
  }

  get id(): string {
    return this.state.id;
  }
  get userId(): string {
    return this.state.userId;
  }
  get status(): OrderStatus {
    return this.state.status;
  }
  get lines(): OrderLine[] {
    return this.state.lines.map((line) => ({ ...line }));
  }
  get shippingAddress(): ShippingAddress | null {
    return this.state.shippingAddress ? { ...this.state.shippingAddress } : null;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }

  get total(): Money {
    return this.state.lines.reduce((sum, line) => sum.add(Order.subtotal(line)), Money.zero());
  }

  static subtotal(line: OrderLine): Money {
    return line.unitPrice.multiply(line.quantity);
  }

  /** Events recorded since the order was loaded (or placed), not yet stored. */
  get newEvents(): OrderEvent[] {
    return this.pending.map((event) => ({ ...event }));
  }

  /** Hands the new events to the repository that stores them, and forgets them. */
  pullNewEvents(): OrderEvent[] {
    return this.pending.splice(0, this.pending.length);
  }

  /** Hands the facts recorded since loading (or placing) to the outbox, and forgets them. */
  pullFacts(): OrderFact[] {
    return this.facts.splice(0, this.facts.length);
  }

  isOwnedBy(userId: string): boolean {
    return this.state.userId.toLowerCase() === userId.toLowerCase();
  }

  /** Strictly by the table: anything but an allowed move is IllegalTransition (409). */
  transitionTo(
    target: OrderStatus,
    cause: string,
    refs: OrderEventRefs = {},
    now = new Date(),
  ): void {
    if (!canTransition(this.state.status, target)) {
      throw new IllegalTransition(this.state.status, target);
    }
    const trimmed = Order.checkedCause(cause);
    this.state = { ...this.state, status: target, updatedAt: now };
    this.record(EVENT_TYPE_FOR_STATUS[target], target, trimmed, refs, now);
    this.facts.push(
      ...factsOfMove(
        {
          id: this.id,
          userId: this.userId,
          total: this.total,
          shippingAddress: this.shippingAddress,
        },
        target,
        trimmed,
        refs.paymentId ?? null,
      ),
    );
  }

  /**
   * Records a fact that does not move the order (`refunded`, `validated`): the event carries
   * the current status, so the fold is unchanged, and the order itself (`updated_at`) is not
   * touched. Moves go through `transitionTo`.
   */
  recordFact(
    type: OrderEventType,
    cause: string,
    refs: OrderEventRefs = {},
    now = new Date(),
  ): void {
    if (STATUS_AFTER_EVENT[type] !== null) {
      throw new InvalidOrder('type', `${type} moves the order; it is recorded by its transition`);
    }
    this.record(type, this.state.status, Order.checkedCause(cause), refs, now);
  }

  /**
   * A payment was approved for an order cancelled before it was ever paid (the payment raced
   * the cancel). The order stays cancelled and says so again: a second `cancelled` fact, which
   * payment receives after it approved the payment, so it refunds it. No history entry (nothing
   * happened to the order; the `refunded` event comes when payment reports it).
   */
  restateCancellation(cause: string): void {
    if (this.state.status !== 'cancelada') throw new IllegalTransition(this.state.status, 'pagada');
    this.facts.push({
      kind: 'cancelled',
      orderId: this.id,
      userId: this.userId,
      cause: Order.checkedCause(cause),
    });
  }

  private static checkedCause(cause: string): string {
    const trimmed = cause.trim();
    if (trimmed.length === 0 || trimmed.length > CAUSE_MAX) {
      throw new InvalidOrder('cause', `cause must be 1 to ${CAUSE_MAX} characters`);
    }
    return trimmed;
  }

  private record(
    type: OrderEvent['type'],
    status: OrderStatus,
    cause: string,
    refs: OrderEventRefs,
    now: Date,
  ): void {
    this.pending.push({
      id: randomUUID(),
      orderId: this.state.id,
      type,
      status,
      cause,
      occurredAt: now,
      messageId: refs.messageId ?? null,
      paymentId: refs.paymentId ?? null,
      deliveryId: refs.deliveryId ?? null,
    });
  }

  private static validateLines(lines: OrderLine[]): void {
    if (lines.length === 0 || lines.length > ORDER_LINES_MAX) {
      throw new InvalidOrder('items', `items must hold 1 to ${ORDER_LINES_MAX} lines`);
    }
    const seen = new Set<string>();
    for (const line of lines) {
      const id = line.productId.toLowerCase();
      if (seen.has(id)) throw new InvalidOrder('items', 'items must not repeat a product_id');
      seen.add(id);
      if (
        !Number.isInteger(line.quantity) ||
        line.quantity < 1 ||
        line.quantity > ORDER_QUANTITY_MAX
      ) {
        throw new InvalidOrder(
          'items.quantity',
          `quantity must be an integer from 1 to ${ORDER_QUANTITY_MAX}`,
        );
      }
      if (line.unitPrice.isNegative()) {
        throw new InvalidOrder('items.price', 'a catalog price cannot be negative');
      }
      if (Order.subtotal(line).cents > MONEY_MAX_CENTS) throw new OrderTotalTooLarge();
    }
  }
}
