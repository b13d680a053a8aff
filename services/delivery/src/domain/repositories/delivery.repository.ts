import { Delivery } from '../entities/delivery';
import { DeliveryStatus } from '../entities/delivery-status';

export interface DeliveryListCriteria {
  userId?: string;
  orderId?: string;
  status?: DeliveryStatus;
  limit: number;
  offset: number;
}

export interface DeliveryPage {
  items: Delivery[];
  total: number;
}

/** What an insert did: stored, or refused by one of the two unique indexes. */
export type InsertOutcome = 'inserted' | 'order_has_delivery' | 'tracking_number_taken';

/**
 * Port for deliveries. Every method joins the caller's unit of work when one is running.
 * One delivery per order and one per tracking number: the database's unique indexes decide.
 */
export abstract class DeliveryRepository {
  /**
   * Serializes everything that concerns one order's delivery (creating it, cancelling it) until
   * the unit of work ends, also while no delivery row exists yet to lock.
   */
  abstract lockOrder(orderId: string): Promise<void>;
  /** Inserts unless the order already has a delivery or the tracking number is taken. */
  abstract insertIfAbsent(delivery: Delivery): Promise<InsertOutcome>;
  /**
   * Writes the status and updated_at of a delivery that moved from `from`, only if it is still
   * `from` in the database (a conditional UPDATE): false, and nothing written, when another
   * change got there first. Moves that race (an admin's en_transito, an order's stop) serialize
   * on the row and exactly one of them wins.
   */
  abstract saveMove(delivery: Delivery, from: DeliveryStatus): Promise<boolean>;
  abstract findById(id: string): Promise<Delivery | null>;
  /** Locks the delivery until the unit of work ends (status changes are read-check-write). */
  abstract findByIdForUpdate(id: string): Promise<Delivery | null>;
  abstract findByOrderId(orderId: string): Promise<Delivery | null>;
  abstract findByOrderIdForUpdate(orderId: string): Promise<Delivery | null>;
  abstract findByTrackingNumber(trackingNumber: string): Promise<Delivery | null>;
  /** Newest first, ties broken by id, so pages are stable. */
  abstract list(criteria: DeliveryListCriteria): Promise<DeliveryPage>;
}
