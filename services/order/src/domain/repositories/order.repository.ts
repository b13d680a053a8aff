import { Order } from '../entities/order';
import { OrderEvent } from '../entities/order-event';
import { OrderStatus } from '../entities/order-status';

export interface OrderListCriteria {
  userId?: string;
  status?: OrderStatus;
  limit: number;
  offset: number;
}

export interface OrderPage {
  items: Order[];
  total: number;
}

/**
 * Port for orders and their history. Every method joins the caller's unit of work when one is
 * running. Events are only ever appended; the status column is their projection and is written
 * with them.
 */
export abstract class OrderRepository {
  /** Stores a new order, its lines and its pending events. */
  abstract insert(order: Order): Promise<void>;
  /** Appends the order's pending events and writes the status projection. */
  abstract saveChanges(order: Order): Promise<void>;
  abstract findById(id: string): Promise<Order | null>;
  /** Locks the order until the unit of work ends (status changes are read-check-write). */
  abstract findByIdForUpdate(id: string): Promise<Order | null>;
  /** findByIdForUpdate with the order's history, oldest first (one statement when it can). */
  abstract findByIdForUpdateWithHistory(
    id: string,
  ): Promise<{ order: Order; history: OrderEvent[] } | null>;
  /**
   * Up to `limit` orders still `creada` that were placed before `cutoff`, oldest first, locked
   * until the unit of work ends. Orders another transaction holds locked (being paid, cancelled
   * or expired by another replica right now) are skipped, not waited for.
   */
  abstract claimUnpaidPlacedBefore(cutoff: Date, limit: number): Promise<Order[]>;
  /** Newest first, ties broken by id, so pages are stable. */
  abstract list(criteria: OrderListCriteria): Promise<OrderPage>;
  /** The history, oldest first. */
  abstract eventsOf(orderId: string): Promise<OrderEvent[]>;
}
